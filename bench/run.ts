// npm run bench [-- --only webhooks,checkout-contention] [--smoke] – every
// benchmark, one after the other (the two chaos benches side by side, see
// BESIDE), against the production build on loopback;
// prints one table and writes .data/bench-results.json. Each bench is bounded
// in count and time. It exits 1 when a bench throws or misses its target, and
// says which.
//
// --smoke: the small configuration CI runs (.ci/run): the claims only benches
// prove (kill -9 at every fault point, 200 buyers for 50 copies over HTTP,
// 1 000 timers, a database restart, two instances), in a few minutes.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeDb } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { buildIsStale, nextBin, runCommand } from "@/scripts/lib/processes";
import type { BenchModule, BenchRow, BenchSize } from "./lib/types";
import { benchVerdict } from "./lib/verdict";

// Run in this order; each module exports `bench: BenchModule`.
const ALL = [
  "webhooks",
  "sql-per-webhook",
  "checkout-contention",
  "timers",
  "catalog",
  "lighthouse",
  "chaos",
  "chaos-two-instances",
  "db-restart",
];
const SMOKE = ["chaos", "chaos-two-instances", "checkout-contention", "timers", "db-restart"];
/**
 * Benches that spend their minutes waiting (for a fault point to kill a
 * server, for crashed work to settle) run side by side: when both of a pair
 * are chosen, the second runs in a child process of its own (its own
 * environment, pool, database and ports) while the first runs here, and its
 * output is printed when both are done. Nothing else overlaps them: the
 * benches that time something run alone.
 */
const BESIDE: Record<string, string> = { chaos: "chaos-two-instances" };
function parseCommandLine(): { modules: string[]; size: BenchSize; rowsTo?: string } {
  try {
    const { values } = parseArgs({
      strict: true,
      allowPositionals: false,
      // --rows-to (internal): a child running a bench beside another writes its rows to this file for its parent.
      options: { only: { type: "string" }, smoke: { type: "boolean" }, "rows-to": { type: "string" } },
    });
    const size: BenchSize = values.smoke ? "smoke" : "full";
    const available = size === "smoke" ? SMOKE : ALL;
    const rowsTo = values["rows-to"];
    if (values.only === undefined) return { modules: available, size, rowsTo };
    const only = values.only
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = only.filter((name) => !available.includes(name));
    if (unknown.length > 0 || only.length === 0)
      throw new Error(`--only takes ${available.join(", ")}${unknown.length ? `; unknown: ${unknown.join(", ")}` : ""}`);
    return { modules: available.filter((name) => only.includes(name)), size, rowsTo };
  } catch (error) {
    console.error(`npm run bench: ${(error as Error).message}\nusage: npm run bench [-- --only name,name] [--smoke]`);
    process.exit(2);
  }
}

const { modules, size, rowsTo } = parseCommandLine();

// A child beside another bench uses its parent's build: it never builds under the parent's running servers.
if (!rowsTo && buildIsStale()) {
  console.log("building the app first…");
  const code = await runCommand("node", [nextBin, "build"], { NEXT_TELEMETRY_DISABLED: "1" });
  if (code !== 0) process.exit(code);
}

/**
 * Benches point this process at databases of their own (a bench database, an
 * embedded server they stop): after each one, the environment and the
 * connection pool go back to what the command line started with, so the next
 * bench starts from the same place as it would alone.
 */
async function restoreEnvironment(saved: NodeJS.ProcessEnv): Promise<void> {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  resetEnvCache();
  await closeDb();
}

const started = Date.now();
const startingEnv = { ...process.env };
const printRows = (result: BenchRow[]) => {
  for (const row of result)
    console.log(
      `  ${row.case}: ${Object.entries(row.figures)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}${row.target ? `  [${row.target}: ${row.met ? "met" : "NOT met"}]` : ""}`,
    );
};
const errorRow = (bench: string, error: unknown): BenchRow => ({
  bench,
  case: "error",
  figures: { error: String(error).slice(0, 200) },
  met: false,
});

/**
 * Runs one bench in a child process (`node --import tsx bench/run.ts --only
 * name --rows-to file`), its output kept in a file; resolves with its rows
 * and its output, or an error row when it wrote none or could not start.
 * The child leads a process group of its own (its app servers with it): if
 * this process ends or is stopped first, the whole group is killed.
 */
function runInChild(name: string): Promise<{ rows: BenchRow[]; output: string }> {
  mkdirSync(".data", { recursive: true });
  const rowsFile = path.resolve(`.data/bench-rows-${name}-${process.pid}.json`);
  const outputFile = path.resolve(`.data/bench-output-${name}-${process.pid}.log`);
  rmSync(rowsFile, { force: true });
  const output = openSync(outputFile, "w");
  const args = ["--import", "tsx", "bench/run.ts", "--only", name, "--rows-to", rowsFile, ...(size === "smoke" ? ["--smoke"] : [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", output, output], env: startingEnv, detached: true });
  const killGroup = () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      /* gone already */
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    killGroup();
    for (const file of [outputFile, rowsFile]) rmSync(file, { force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("exit", killGroup);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return new Promise((resolve) => {
    let done = false;
    const finish = (ended: string) => {
      if (done) return;
      done = true;
      process.off("exit", killGroup);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      closeSync(output);
      const text = readFileSync(outputFile, "utf8");
      rmSync(outputFile, { force: true });
      let rows: BenchRow[] = [];
      if (existsSync(rowsFile)) rows = JSON.parse(readFileSync(rowsFile, "utf8")) as BenchRow[];
      rmSync(rowsFile, { force: true });
      if (rows.length === 0) rows = [errorRow(name, `its process ${ended} without a row`)];
      resolve({ rows, output: text });
    };
    child.once("error", (error) => finish(`failed to start (${error.message})`));
    child.once("exit", (code, signal) => finish(`ended (${signal ?? `exit ${code}`})`));
  });
}

const rows: BenchRow[] = [];
for (const name of modules) {
  // Run beside its partner (below), in a child process.
  if (Object.entries(BESIDE).some(([first, second]) => second === name && modules.includes(first))) continue;
  const partner = BESIDE[name] !== undefined && modules.includes(BESIDE[name]) ? BESIDE[name] : undefined;
  const { bench } = (await import(`./${name}.ts`)) as { bench: BenchModule };
  console.log(`\n— ${bench.name}${size === "smoke" ? " (smoke)" : ""}${partner ? `, with ${partner} beside it in another process` : ""} —`);
  const beside = partner ? runInChild(partner) : undefined;
  const benchStarted = Date.now();
  try {
    const result = await bench.run(size);
    if (result.length === 0) throw new Error("the bench returned no rows");
    rows.push(...result);
    printRows(result);
  } catch (error) {
    console.error(`  ${bench.name} failed:`, error);
    rows.push(errorRow(bench.name, error));
  } finally {
    await restoreEnvironment(startingEnv);
  }
  console.log(`  (${((Date.now() - benchStarted) / 1000).toFixed(1)} s)`);
  if (beside) {
    const { rows: result, output } = await beside;
    console.log(`\n— ${partner} (its own process) —\n${output.trimEnd()}`);
    rows.push(...result);
    console.log(`  (both: ${((Date.now() - benchStarted) / 1000).toFixed(1)} s)`);
  }
}

// A child running beside another bench hands its rows to the parent, which prints the table and judges them.
if (rowsTo) {
  writeFileSync(rowsTo, JSON.stringify(rows));
  process.exit(benchVerdict(rows).exitCode);
}

const table = [
  ["bench", "case", "figures", "target", "met"],
  ...rows.map((r) => [
    r.bench,
    r.case,
    Object.entries(r.figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(" "),
    r.target ?? "",
    r.met === undefined ? "" : r.met ? "yes" : "NO",
  ]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
console.log("");
for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
mkdirSync(".data", { recursive: true });
writeFileSync(".data/bench-results.json", JSON.stringify({ at: new Date().toISOString(), size, rows }, null, 2));

// The gate: a bench that threw (an "error" row) or a target not met fails the run.
const { exitCode, lines } = benchVerdict(rows);
console.log(`\n${lines.join("\n")}\n(${modules.length} benches, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
process.exit(exitCode);
