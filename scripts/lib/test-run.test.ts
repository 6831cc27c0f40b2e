import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCaptured } from "./processes";
import {
  countTests,
  DATABASE_MODULES,
  importsAnyOf,
  parseTestArgs,
  SPAWNS_WITHOUT_DATABASE,
  TEST_COMMANDS,
  verdict,
  vitestCommand,
} from "./test-run";

// `npm test` must not pass by accident: unknown flags, runs that ran nothing,
// flaky tests and failed steps each fail it, and are reported apart.

const playwright = (stats: Record<string, number>, suites: unknown[] = []) => ({ stats, suites }) as Parameters<typeof countTests>[1];

describe("npm test's arguments", () => {
  it("runs every step without a flag, the named ones with flags, on the embedded server with --embedded", () => {
    expect(parseTestArgs([])).toEqual({ selected: ["typecheck", "lint", "format", "vitest", "e2e"], embedded: false });
    expect(parseTestArgs(["--format"])).toEqual({ selected: ["format"], embedded: false });
    expect(parseTestArgs(["--vitest", "--e2e"])).toEqual({ selected: ["vitest", "e2e"], embedded: false });
    expect(parseTestArgs(["--vitest", "--embedded"])).toEqual({ selected: ["vitest"], embedded: true });
  });

  it.each([["--unit"], ["vitest"], ["--vitest=1"], ["--e2e", "extra"]])("rejects %s", (...argv) => {
    expect(() => parseTestArgs(argv)).toThrow();
  });

  it("with --embedded, Vitest runs the files that import the database modules, with the same flags", () => {
    expect(vitestCommand(false)).toEqual([...TEST_COMMANDS.vitest]);
    const [bin, command, run, ...rest] = vitestCommand(true);
    expect([bin, command, run]).toEqual(["vitest", "related", "--run"]);
    expect(rest).toEqual([...DATABASE_MODULES, ...TEST_COMMANDS.vitest.slice(2)]);
    expect(rest).toEqual(expect.arrayContaining(["--allowOnly=false", `--outputFile.json=${".data/vitest.json"}`]));
    for (const file of DATABASE_MODULES) expect(existsSync(file), file).toBe(true);
  });

  it("the embedded run misses no test file that reaches the database through a process it starts", () => {
    const listed = spawnSync("git", ["ls-files", "*.test.ts"], { encoding: "utf8" });
    const files = listed.stdout.split("\n").filter((f) => f && existsSync(f));
    expect(files.length).toBeGreaterThan(100);
    const startsProcesses = (file: string) =>
      /\b(spawn|spawnSync|startProcess|execFile|execFileSync|fork)\(/.test(readFileSync(file, "utf8"));
    const selected = new Set(files.filter((f) => importsAnyOf(f, DATABASE_MODULES)));
    // Each file that starts a process is selected, or known to reach no database.
    const unselected = files.filter((f) => startsProcesses(f) && !selected.has(f)).sort();
    expect(unselected).toEqual([...SPAWNS_WITHOUT_DATABASE].sort());
    // The graph is read as vitest reads it: the worker's crash test (a spawned worker, and @/db), the
    // embedded server's own tests (./embedded) are in; the machine's pure tests are out.
    for (const file of [
      "lib/worker/crash.test.ts",
      "lib/worker/standalone.test.ts",
      "db/embedded.test.ts",
      "lib/orders/conservation.test.ts",
    ])
      expect(selected.has(file), file).toBe(true);
    for (const file of ["machines/order-machine.test.ts", "stripe-emulator/api.test.ts", "lib/http/client-address.test.ts"])
      expect(selected.has(file), file).toBe(false);
  });

  it("exits 2 with the usage on an unknown flag, before running anything", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/test.ts", "--unit"], { encoding: "utf8", timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--unit'/);
    expect(result.stderr).toMatch(/usage: npm test/);
    expect(result.stdout).not.toMatch(/===/);
  });
});

describe("the checks run at once", () => {
  it("a check's output, both streams, and its exit code are kept for when all are done", async () => {
    const script = "process.stdout.write('out 1\\n'); setTimeout(() => { process.stderr.write('err 2\\n'); process.exit(3); }, 50)";
    const [failing, passing] = await Promise.all([
      runCaptured(process.execPath, ["-e", script]),
      runCaptured(process.execPath, ["-e", "console.log('fine')"]),
    ]);
    expect(failing).toEqual({ code: 3, output: "out 1\nerr 2\n" });
    expect(passing).toEqual({ code: 0, output: "fine\n" });
    const missing = await runCaptured("/nonexistent/command", []);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toMatch(/ENOENT/);
  });
});

describe("the closing lines and exit code", () => {
  const clean = countTests({ numPassedTests: 10, numFailedTests: 0 }, playwright({ expected: 5, unexpected: 0, flaky: 0, skipped: 1 }));

  it("passes a run where every step and test passed", () => {
    expect(verdict(["typecheck", "lint", "vitest", "e2e"], [], clean)).toEqual({
      exitCode: 0,
      lines: ["steps: 4 ran, 0 failed", "tests: 15 passed, 0 failed, 0 flaky, 1 skipped"],
    });
  });

  it("fails a run in which no step ran, or the test steps ran no test", () => {
    const none = countTests(undefined, undefined);
    expect(verdict([], [], none)).toMatchObject({ exitCode: 1, lines: expect.arrayContaining(["run failed: no step ran"]) });
    expect(verdict(["vitest"], [], countTests({ numPassedTests: 0 }, undefined))).toMatchObject({
      exitCode: 1,
      lines: expect.arrayContaining(["run failed: the test steps ran no test"]),
    });
    // Types and lint alone run no tests, and that is fine.
    expect(verdict(["typecheck", "lint"], [], none).exitCode).toBe(0);
  });

  it("counts a flaky test on its own, names it, and fails the run", () => {
    const suites = [
      {
        title: "payments.spec.ts",
        specs: [],
        suites: [
          {
            title: "payments",
            specs: [
              { title: "pays once", tests: [{ status: "flaky" }] },
              { title: "steady", tests: [{ status: "expected" }] },
            ],
          },
        ],
      },
    ];
    const counts = countTests(undefined, playwright({ expected: 1, unexpected: 0, flaky: 1, skipped: 0 }, suites));
    const { exitCode, lines } = verdict(["e2e"], [], counts);
    expect(exitCode).toBe(1);
    expect(lines).toEqual([
      "flaky: payments.spec.ts › payments › pays once",
      "run failed: 1 flaky test(s): failed, then passed on a retry",
      "steps: 1 ran, 0 failed",
      "tests: 1 passed, 0 failed, 1 flaky, 0 skipped",
    ]);
  });

  it("reports failed steps and failed tests on separate lines", () => {
    const counts = countTests(
      { numPassedTests: 3, numFailedTests: 1, testResults: [{ assertionResults: [{ fullName: "refunds pays back", status: "failed" }] }] },
      undefined,
    );
    const { exitCode, lines } = verdict(["lint", "vitest"], ["lint", "vitest"], counts);
    expect(exitCode).toBe(1);
    expect(lines).toEqual([
      "failed: refunds pays back",
      "steps: 2 ran, 2 failed (lint, vitest)",
      "tests: 3 passed, 1 failed, 0 flaky, 0 skipped",
    ]);
    // A failed step without failed tests (types, a build) fails the run, and is not counted as a test.
    expect(verdict(["typecheck"], ["typecheck"], countTests(undefined, undefined))).toEqual({
      exitCode: 1,
      lines: ["steps: 1 ran, 1 failed (typecheck)", "tests: 0 passed, 0 failed, 0 flaky, 0 skipped"],
    });
  });
});

describe("why a test failed, at the end of the log", () => {
  it("a Vitest test past its timeout says so (its report keeps only the stack of where it was declared)", () => {
    const vitest = {
      numFailedTests: 1,
      testResults: [
        {
          assertionResults: [
            {
              fullName: "probe still down",
              status: "failed",
              duration: 60_012.4,
              failureMessages: [
                "Error: STACK_TRACE_ERROR\n    at task (file:///w/node_modules/@vitest/runner/dist/chunk-artifact.js:1784:27)\n    at /w/lib/payments/payment-delay.test.ts:181:3\n",
              ],
            },
          ],
        },
      ],
    };
    const { lines } = verdict(["vitest"], ["vitest"], countTests(vitest, undefined));
    expect(lines.slice(0, 2)).toEqual([
      "failed: probe still down",
      "    Timed out after 60.0 s (the test's timeout); declared at /w/lib/payments/payment-delay.test.ts:181:3",
    ]);
  });

  // A CI log keeps its tail: each failed or flaky test's first error is printed under its name, without colours.
  it("prints the first lines of a failed Vitest test's and a flaky or failed Playwright test's first error", () => {
    const vitest = {
      numPassedTests: 1,
      numFailedTests: 1,
      testResults: [
        {
          assertionResults: [
            {
              fullName: "pause hands over",
              status: "failed",
              failureMessages: [
                "\u001b[31mAssertionError: expected 2 to be 1\u001b[39m\n\n    at pause-resume.test.ts:215:5\n" + "x".repeat(300),
              ],
            },
          ],
        },
      ],
    };
    const suites = [
      {
        title: "ship.spec.ts",
        specs: [
          { title: "ships", tests: [{ status: "flaky", results: [{ error: { message: "Error: expected visible" } }, {}] }] },
          { title: "lost", tests: [{ status: "unexpected", results: [{}, { error: { message: "Timeout 10000ms" } }] }] },
        ],
      },
    ];
    const counts = countTests(vitest, playwright({ expected: 0, unexpected: 1, flaky: 1, skipped: 0 }, suites));
    const { exitCode, lines } = verdict(["vitest", "e2e"], ["vitest", "e2e"], counts);
    expect(exitCode).toBe(1);
    expect(lines.slice(0, 8)).toEqual([
      "failed: pause hands over",
      "    AssertionError: expected 2 to be 1",
      "        at pause-resume.test.ts:215:5",
      `    ${"x".repeat(199)}…`,
      "failed: ship.spec.ts › lost",
      "    Timeout 10000ms",
      "flaky: ship.spec.ts › ships",
      "    Error: expected visible",
    ]);
  });
});

describe("no .only, no retried-away flakes", () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    vi.resetModules();
  });

  it("npm test runs Vitest without .only, and Playwright without .only and failing on a flaky test", () => {
    expect(TEST_COMMANDS.vitest).toContain("--allowOnly=false");
    expect(TEST_COMMANDS.e2e).toEqual(expect.arrayContaining(["--forbid-only", "--fail-on-flaky-tests"]));
    expect(TEST_COMMANDS.vitest.some((a) => a.startsWith("--retry"))).toBe(false);
  });

  it("in CI the configs forbid .only, and a Playwright test retried into passing fails the run", async () => {
    process.env.CI = "true";
    vi.resetModules();
    const playwright = (await import("@/playwright.config")).default;
    expect(playwright).toMatchObject({ forbidOnly: true, failOnFlakyTests: true, retries: 1 });
    const configPath = "@/vitest.config.mts"; // (a variable: tsc does not resolve .mts specifiers)
    const vitest = ((await import(/* @vite-ignore */ configPath)) as { default: { test: { allowOnly: boolean; retry: number } } }).default;
    expect(vitest.test).toMatchObject({ allowOnly: false, retry: 0 });
  });
});

describe("the format step", () => {
  // The step runs the formatter's check with the project's own config (printWidth 140): a file the
  // formatter would change fails it, naming the file; a formatted one passes.
  function check(source: string) {
    const dir = mkdtempSync(path.join(tmpdir(), "format-step-"));
    try {
      writeFileSync(path.join(dir, "sample.ts"), source);
      writeFileSync(path.join(dir, ".prettierrc.json"), readProjectConfig());
      const [bin, ...args] = TEST_COMMANDS.format;
      return spawnSync(path.resolve("node_modules/.bin", bin), args, { cwd: dir, encoding: "utf8", timeout: 30_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const readProjectConfig = () => readFileSync(".prettierrc.json", "utf8");

  it("fails on a file the formatter would change and passes once it is formatted", () => {
    const long = `export const words = [${Array.from({ length: 20 }, (_, i) => `"word${i}"`).join(", ")}];\n`;
    const bad = check(`const  a = {b:1}\n${long}`);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/sample\.ts/);
    const good = check(`const a = { b: 1 };\n`);
    expect(good.status).toBe(0);
  });

  it("wraps at 140 characters, the project's width", () => {
    expect(JSON.parse(readProjectConfig())).toMatchObject({ printWidth: 140 });
    const line = `export const x = [${Array.from({ length: 12 }, (_, i) => `"w${i}"`).join(", ")}];`;
    expect(line.length).toBeLessThan(140);
    expect(line.length).toBeGreaterThan(80);
    expect(check(`${line}\n`).status).toBe(0);
  });
});
