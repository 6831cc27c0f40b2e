import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

// The parts of `npm test` (scripts/test.ts) that decide what runs and whether
// the run passed, kept apart so they are tested without running a suite.

export const STEP_NAMES = ["typecheck", "lint", "format", "vitest", "e2e"] as const;
export type StepName = (typeof STEP_NAMES)[number];

export const USAGE = `usage: npm test [-- ${STEP_NAMES.map((s) => `--${s}`).join(" ")}] [--embedded]
  no step flag: every step
  --embedded: the steps use the embedded PostgreSQL, even when DATABASE_URL is set;
    Vitest then runs only the files that reach the database`;

/** The steps to run; throws on anything it does not know (`--unit` must not run nothing and pass). */
export function parseTestArgs(argv: string[]): { selected: StepName[]; embedded: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { ...Object.fromEntries(STEP_NAMES.map((s) => [s, { type: "boolean" as const }])), embedded: { type: "boolean" } },
  });
  const flags = values as Record<string, boolean | undefined>;
  const chosen = STEP_NAMES.filter((s) => flags[s]);
  return { selected: chosen.length > 0 ? chosen : [...STEP_NAMES], embedded: flags.embedded === true };
}

export const VITEST_REPORT = ".data/vitest.json";
export const PLAYWRIGHT_REPORT = ".data/playwright.json";

/** The test runners' command lines: no `.only` anywhere, and a flaky e2e test fails the run. */
export const TEST_COMMANDS = {
  format: ["prettier", "--check", "--log-level=warn", "."],
  vitest: ["vitest", "run", "--allowOnly=false", "--reporter=default", "--reporter=json", `--outputFile.json=${VITEST_REPORT}`],
  e2e: ["playwright", "test", "--forbid-only", "--fail-on-flaky-tests", "--reporter=list,json"],
} as const;

/**
 * The database modules: the pool and the test databases (db/index.ts) and
 * the embedded server (db/embedded.ts). With --embedded, Vitest runs only the
 * test files that import one of them, directly or not (`vitest related`): a
 * file that never opens a database proves nothing more on the embedded
 * server than it did on the system one. The selection follows imports only:
 * a file whose database work happens in a process it spawns (a worker, a
 * script) is chosen through its own import of `@/db`, which each such file
 * has today (lib/worker/standalone.test.ts, crash.test.ts): about 90 of 138 files.
 */
export const DATABASE_MODULES = ["db/index.ts", "db/embedded.ts"] as const;

/** Vitest's command line: every file, or with --embedded the files that reach the database. */
export function vitestCommand(embedded: boolean): string[] {
  const [bin, , ...flags] = TEST_COMMANDS.vitest;
  return embedded ? [bin, "related", "--run", ...DATABASE_MODULES, ...flags] : [...TEST_COMMANDS.vitest];
}

/**
 * Test files that start processes (spawn, startProcess…) whose database work, if any, the
 * selection above cannot see: each of these reaches none (the emulator's and the carrier's own
 * command lines, npm test refusing a flag). A new such file either imports a database module
 * or is added here (scripts/lib/test-run.test.ts checks).
 */
export const SPAWNS_WITHOUT_DATABASE = ["carrier-simulator/main.test.ts", "stripe-emulator/main.test.ts", "scripts/lib/test-run.test.ts"];

const IMPORT_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;
const EXTENSIONS = ["", ".ts", ".tsx", ".mts", ".js", ".mjs", "/index.ts"];

/** The project file an import names (`@/x` is the root's x, as tsconfig's paths say), or undefined for a package. */
function resolveImport(specifier: string, from: string, root: string): string | undefined {
  const base = specifier.startsWith("@/")
    ? path.join(root, specifier.slice(2))
    : specifier.startsWith(".")
      ? path.resolve(path.dirname(from), specifier)
      : undefined;
  if (!base) return undefined;
  for (const extension of EXTENSIONS) {
    const candidate = base + extension;
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Whether `file` imports one of `targets` (paths from `root`), directly or through the project's
 * own modules: static and dynamic imports and re-exports, read from the source as `vitest
 * related` reads the module graph.
 */
export function importsAnyOf(file: string, targets: readonly string[], root = process.cwd()): boolean {
  const wanted = new Set(targets.map((t) => path.resolve(root, t)));
  const seen = new Set<string>();
  const queue = [path.resolve(root, file)];
  while (queue.length > 0) {
    const current = queue.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    if (current !== path.resolve(root, file) && wanted.has(current)) return true;
    for (const match of readFileSync(current, "utf8").matchAll(IMPORT_SPECIFIER)) {
      const next = resolveImport(match[1]!, current, root);
      if (next && !seen.has(next)) queue.push(next);
    }
  }
  return false;
}

export type TestCounts = {
  passed: number;
  failed: number;
  flaky: number;
  skipped: number;
  flakyTitles: string[];
  failedTitles: string[];
  /** A failed or flaky test's first error, by title: printed under its name, where a CI log's tail keeps it. */
  reasons: Record<string, string>;
};

export type VitestReport = {
  numPassedTests?: number;
  numFailedTests?: number;
  numPendingTests?: number;
  numTodoTests?: number;
  testResults?: { assertionResults?: { fullName: string; status: string; duration?: number; failureMessages?: string[] }[] }[];
};

/**
 * A Vitest test that ran past its timeout: the JSON report keeps only the stack of the error made where
 * the test was declared ("Error: STACK_TRACE_ERROR"), not vitest's message; say what happened.
 */
function vitestReason(message: string | undefined, duration: number | undefined): string | undefined {
  if (!message?.startsWith("Error: STACK_TRACE_ERROR")) return message;
  const declared = message
    .split("\n")
    .find((line) => /\.test\.tsx?:\d+/.test(line))
    ?.trim();
  const ran = duration === undefined ? "" : ` after ${(duration / 1000).toFixed(1)} s`;
  return `Timed out${ran} (the test's timeout)${declared ? `; declared ${declared}` : ""}`;
}
type PlaywrightSpec = { title: string; tests: { status: string; results?: { error?: { message?: string } }[] }[] };
type PlaywrightSuite = { title: string; specs?: PlaywrightSpec[]; suites?: PlaywrightSuite[] };
export type PlaywrightReport = {
  stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number };
  suites?: PlaywrightSuite[];
};

/** The specs with a test of this status, by title, each with its first error. */
function playwrightTitles(suites: PlaywrightSuite[] = [], status: string, path: string[] = []): { title: string; reason?: string }[] {
  return suites.flatMap((suite) => {
    const here = suite.title ? [...path, suite.title] : path;
    const own = (suite.specs ?? [])
      .filter((spec) => spec.tests.some((t) => t.status === status))
      .map((spec) => ({
        title: [...here, spec.title].join(" › "),
        reason: spec.tests.flatMap((t) => t.results ?? []).find((r) => r.error?.message)?.error?.message,
      }));
    return [...own, ...playwrightTitles(suite.suites, status, here)];
  });
}

/** The first lines of an error, without terminal colours: enough to tell what failed without the whole log. */
export function briefReason(message: string, maxLines = 8): string[] {
  return message
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "")
    .slice(0, maxLines)
    .map((line) => `    ${line.length > 200 ? `${line.slice(0, 199)}…` : line}`);
}

/** Tests counted from the reports the steps wrote in this run. */
export function countTests(vitest: VitestReport | undefined, playwright: PlaywrightReport | undefined): TestCounts {
  const total: TestCounts = { passed: 0, failed: 0, flaky: 0, skipped: 0, flakyTitles: [], failedTitles: [], reasons: {} };
  const add = (titles: string[], found: { title: string; reason?: string }[]) => {
    for (const { title, reason } of found) {
      titles.push(title);
      if (reason && !(title in total.reasons)) total.reasons[title] = reason;
    }
  };
  if (vitest) {
    total.passed += vitest.numPassedTests ?? 0;
    total.failed += vitest.numFailedTests ?? 0;
    total.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
    for (const file of vitest.testResults ?? []) {
      const failed = (file.assertionResults ?? []).filter((test) => test.status === "failed");
      add(
        total.failedTitles,
        failed.map((test) => ({ title: test.fullName, reason: vitestReason(test.failureMessages?.[0], test.duration) })),
      );
    }
  }
  if (playwright) {
    const stats = playwright.stats ?? {};
    // A test that failed and then passed on a retry is flaky: counted on its own, never as passed.
    total.passed += stats.expected ?? 0;
    total.failed += stats.unexpected ?? 0;
    total.flaky += stats.flaky ?? 0;
    total.skipped += stats.skipped ?? 0;
    add(total.flakyTitles, playwrightTitles(playwright.suites, "flaky"));
    add(total.failedTitles, playwrightTitles(playwright.suites, "unexpected"));
  }
  return total;
}

/** The closing lines and the exit code: failed steps and failed tests apart, flaky tests on their own. */
export function verdict(ran: string[], failedSteps: string[], counts: TestCounts): { exitCode: 0 | 1; lines: string[] } {
  const problems: string[] = [];
  if (ran.length === 0) problems.push("no step ran");
  const testStepsRan = ran.some((s) => s === "vitest" || s === "e2e");
  if (testStepsRan && counts.passed + counts.failed + counts.flaky === 0) problems.push("the test steps ran no test");
  if (counts.flaky > 0) problems.push(`${counts.flaky} flaky test(s): failed, then passed on a retry`);
  const lines = [
    ...counts.failedTitles.flatMap((t) => [`failed: ${t}`, ...briefReason(counts.reasons[t] ?? "")]),
    ...counts.flakyTitles.flatMap((t) => [`flaky: ${t}`, ...briefReason(counts.reasons[t] ?? "")]),
    ...problems.map((p) => `run failed: ${p}`),
    `steps: ${ran.length} ran, ${failedSteps.length} failed${failedSteps.length ? ` (${failedSteps.join(", ")})` : ""}`,
    `tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.flaky} flaky, ${counts.skipped} skipped`,
  ];
  return { exitCode: failedSteps.length > 0 || counts.failed > 0 || problems.length > 0 ? 1 : 0, lines };
}
