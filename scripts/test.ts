// npm test – types, lint, formatting, unit + integration (real Postgres), then browser e2e
// against a production build. The exit code is the truth: a failed step, a
// failed or flaky test, a `.only` left in a test, an unknown argument, or a
// run in which no step or no test ran, all exit non-zero.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { buildIsStale, nextBin, runCaptured, runCommand } from "./lib/processes";
import {
  countTests,
  parseTestArgs,
  PLAYWRIGHT_REPORT,
  TEST_COMMANDS,
  USAGE,
  verdict,
  vitestCommand,
  VITEST_REPORT,
  type StepName,
} from "./lib/test-run";

/**
 * A step runs in the foreground (`run`), or is a check (`check`: types, lint,
 * format) that reads the tree and writes nothing another check reads (tsc
 * only its own tsconfig.tsbuildinfo): the checks chosen run at once, each
 * printed whole when all are done (on 2 cores: 60 s → 37 s).
 */
type Step = { name: StepName; run: () => Promise<number> } | { name: StepName; check: [command: string, ...args: string[]] };

let args: ReturnType<typeof parseTestArgs>;
try {
  args = parseTestArgs(process.argv.slice(2));
} catch (error) {
  console.error(`npm test: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { selected, embedded } = args;
// The children start (or find) the embedded server.
if (embedded) delete process.env.DATABASE_URL;
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
mkdirSync(".data", { recursive: true });

function ensureChromium(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.getuid?.() === 0) {
    console.log("Chromium not found: installing Debian's chromium package…");
    try {
      execFileSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"], {
        stdio: "inherit",
      });
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

const readReport = <T>(file: string): T | undefined => (existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined);

const steps: Step[] = [
  { name: "typecheck", check: ["tsc", "--noEmit"] },
  { name: "lint", check: ["eslint", "--max-warnings", "0", "."] },
  // The formatter's verdict, not a matter of taste: `npm run format` fixes what it lists.
  { name: "format", check: [...TEST_COMMANDS.format] },
  {
    name: "vitest",
    run: () => runCommand("npx", vitestCommand(embedded)),
  },
  {
    name: "e2e",
    run: async () => {
      if (!ensureChromium()) return 1;
      if (buildIsStale()) {
        const code = await runCommand("node", [nextBin, "build"], { NEXT_TELEMETRY_DISABLED: "1" });
        if (code !== 0) return code;
      }
      return runCommand("npx", [...TEST_COMMANDS.e2e], { PLAYWRIGHT_JSON_OUTPUT_NAME: PLAYWRIGHT_REPORT });
    },
  },
];

for (const file of [VITEST_REPORT, PLAYWRIGHT_REPORT]) rmSync(file, { force: true });
const ran: string[] = [];
const failedSteps: string[] = [];
const chosen = steps.filter((s) => selected.includes(s.name));
const timed = async <T>(work: () => Promise<T>) => {
  const started = Date.now();
  const result = await work();
  return { result, seconds: (Date.now() - started) / 1000 };
};
const checks = new Map(
  await Promise.all(
    chosen.flatMap((s) => ("check" in s ? [timed(() => runCaptured("npx", s.check)).then((r) => [s.name, r] as const)] : [])),
  ),
);
for (const step of chosen) {
  const where = embedded && (step.name === "vitest" || step.name === "e2e") ? " (embedded PostgreSQL)" : "";
  console.log(`\n=== ${step.name}${where}${"check" in step ? " (run beside the other checks)" : ""} ===`);
  let code: number;
  let seconds: number;
  if ("check" in step) {
    const checked = checks.get(step.name)!;
    if (checked.result.output)
      process.stdout.write(checked.result.output.endsWith("\n") ? checked.result.output : `${checked.result.output}\n`);
    ({ seconds } = checked);
    code = checked.result.code;
  } else {
    ({ result: code, seconds } = await timed(step.run));
  }
  console.log(`=== ${step.name}: ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${seconds.toFixed(1)} s`);
  ran.push(step.name);
  if (code !== 0) failedSteps.push(step.name);
}
const { exitCode, lines } = verdict(ran, failedSteps, countTests(readReport(VITEST_REPORT), readReport(PLAYWRIGHT_REPORT)));
console.log(`\n${lines.join("\n")}`);
process.exit(exitCode);
