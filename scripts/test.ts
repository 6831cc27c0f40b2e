// npm test – types, lint, unit + integration (real Postgres), then browser e2e
// against a production build. The exit code is the truth.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { buildIsStale, nextBin, runCommand } from "./lib/processes";

type Step = { name: string; run: () => Promise<number> };
const args = new Set(process.argv.slice(2));
const only = (name: string) => args.size === 0 || args.has(`--${name}`);
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
mkdirSync(".data", { recursive: true });

function ensureChromium(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.getuid?.() === 0) {
    console.log("Chromium not found: installing Debian's chromium package…");
    try {
      execFileSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"], { stdio: "inherit" });
    } catch {
      /* reported below */
    }
    if (existsSync(chromiumPath)) return true;
  }
  console.error(
    `No Chromium at ${chromiumPath}. Install Debian's (sudo apt-get install -y chromium) or set CHROMIUM_PATH; ` +
      "Playwright cannot download its own browser on this network.",
  );
  return false;
}

function countTests(): { passed: number; failed: number; skipped: number } {
  const total = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(".data/vitest.json")) {
    const report = JSON.parse(readFileSync(".data/vitest.json", "utf8"));
    total.passed += report.numPassedTests ?? 0;
    total.failed += report.numFailedTests ?? 0;
    total.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
  if (existsSync(".data/playwright.json")) {
    const stats = JSON.parse(readFileSync(".data/playwright.json", "utf8")).stats ?? {};
    total.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
    total.failed += stats.unexpected ?? 0;
    total.skipped += stats.skipped ?? 0;
  }
  return total;
}

const steps: Step[] = [
  { name: "typecheck", run: () => runCommand("npx", ["tsc", "--noEmit"]) },
  { name: "lint", run: () => runCommand("npx", ["eslint", "--max-warnings", "0", "."]) },
  {
    name: "vitest",
    run: () =>
      runCommand("npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=.data/vitest.json"]),
  },
  {
    name: "e2e",
    run: async () => {
      if (!ensureChromium()) return 1;
      if (buildIsStale()) {
        const code = await runCommand("node", [nextBin, "build"], { NEXT_TELEMETRY_DISABLED: "1" });
        if (code !== 0) return code;
      }
      return runCommand("npx", ["playwright", "test", "--reporter=list,json"], {
        PLAYWRIGHT_JSON_OUTPUT_NAME: ".data/playwright.json",
      });
    },
  },
];

for (const file of [".data/vitest.json", ".data/playwright.json"]) if (existsSync(file)) execFileSync("rm", ["-f", file]);
const failedSteps: string[] = [];
for (const step of steps.filter((s) => only(s.name))) {
  const started = Date.now();
  console.log(`\n=== ${step.name} ===`);
  const code = await step.run();
  console.log(`=== ${step.name}: ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (code !== 0) failedSteps.push(step.name);
}
const counts = countTests();
console.log(`\nfailed steps: ${failedSteps.length ? failedSteps.join(", ") : "none"}`);
// A failed step without failed tests (types, lint, build) still counts as a failure.
const failed = Math.max(counts.failed, failedSteps.length);
console.log(`tests: ${counts.passed} passed, ${failed} failed, ${counts.skipped} skipped`);
process.exit(failedSteps.length ? 1 : 0);
