import { describe, expect, it } from "vitest";
import { captureLogs, logger, setLogSink } from "@/lib/observability/log";
import { holdLogLines } from "./quiet-logs";

describe("quiet test output", () => {
  it("prints a failed test's log lines, headed by its name, and drops a passing test's", () => {
    const printed: string[] = [];
    const held = holdLogLines((text) => printed.push(text));
    held.sink.write('{"msg":"passing"}\n');
    held.settle("passes", false);
    expect(printed).toEqual([]);
    held.sink.write('{"msg":"one"}\n');
    held.sink.write('{"msg":"two"}\n');
    held.settle("fails", true);
    expect(printed).toEqual(['log lines up to the failed test "fails" (2):\n{"msg":"one"}\n{"msg":"two"}']);
    // Nothing carries over to the next test, and a failure without lines prints nothing.
    held.settle("fails too", true);
    expect(printed).toHaveLength(1);
  });

  it("the logger writes to the sink the setup installed, and captureLogs gives it back", () => {
    const lines: string[] = [];
    const setupSink = setLogSink({ write: (line) => void lines.push(line) });
    let capture: ReturnType<typeof captureLogs>;
    try {
      logger().error({ probe: 1 }, "held");
      capture = captureLogs();
      logger().error({ probe: 2 }, "captured");
      capture.stop();
      logger().error({ probe: 3 }, "held again");
    } finally {
      setLogSink(setupSink);
    }
    expect(lines.map((l) => (JSON.parse(l) as { probe: number }).probe)).toEqual([1, 3]);
    expect(capture.lines().map((l) => l.probe)).toEqual([2]);
  });
});
