/**
 * Holds log lines until the test that wrote them has an outcome: `settle` prints them (through
 * `print`, headed by the test's name) when it failed, and drops them when it passed. Lines
 * written before a file's first test (its setup hooks) go with that first test.
 */
export function holdLogLines(print: (text: string) => void) {
  let lines: string[] = [];
  return {
    sink: { write: (line: string) => void lines.push(line) },
    settle(testName: string, failed: boolean): void {
      const kept = lines;
      lines = [];
      if (failed && kept.length > 0) print(`log lines up to the failed test "${testName}" (${kept.length}):\n${kept.join("").trimEnd()}`);
    },
  };
}
