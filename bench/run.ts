// npm run bench [-- --only webhooks,checkout] – every benchmark, one after the
// other, against the production build on loopback; prints one table and
// writes .data/bench-results.json. Each bench is bounded in count and time.
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { buildIsStale, nextBin, runCommand } from "@/scripts/lib/processes";
import type { BenchModule, BenchRow } from "./lib/types";

const { values } = parseArgs({ options: { only: { type: "string" } } });
const only = values.only?.split(",").map((s) => s.trim());

// Run in this order; each module exports `bench: BenchModule`.
const modules = ["webhooks", "sql-per-webhook", "checkout-contention", "timers", "catalog", "lighthouse", "chaos", "chaos-two-instances", "db-restart"];

if (buildIsStale()) {
  console.log("building the app first…");
  const code = await runCommand("node", [nextBin, "build"], { NEXT_TELEMETRY_DISABLED: "1" });
  if (code !== 0) process.exit(code);
}

const rows: BenchRow[] = [];
for (const name of modules) {
  if (only && !only.includes(name)) continue;
  const { bench } = (await import(`./${name}.ts`)) as { bench: BenchModule };
  console.log(`\n— ${bench.name} —`);
  const started = Date.now();
  try {
    const result = await bench.run();
    rows.push(...result);
    for (const row of result) console.log(`  ${row.case}: ${Object.entries(row.figures).map(([k, v]) => `${k}=${v}`).join(" ")}${row.target ? `  [${row.target}: ${row.met ? "met" : "NOT met"}]` : ""}`);
  } catch (error) {
    console.error(`  ${bench.name} failed:`, error);
    rows.push({ bench: bench.name, case: "error", figures: { error: String(error).slice(0, 200) }, met: false });
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const table = [["bench", "case", "figures", "target", "met"], ...rows.map((r) => [r.bench, r.case, Object.entries(r.figures).map(([k, v]) => `${k}=${v}`).join(" "), r.target ?? "", r.met === undefined ? "" : r.met ? "yes" : "NO"])];
const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
console.log("");
for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
mkdirSync(".data", { recursive: true });
writeFileSync(".data/bench-results.json", JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
process.exit(0);
