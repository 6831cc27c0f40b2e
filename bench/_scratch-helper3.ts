import type { BenchModule } from "./lib/types";
const name = process.argv[2]!;
const started = Date.now();
const mod = (await import(`./${name}`)) as { bench: BenchModule };
try {
  const rows = await mod.bench.run();
  for (const row of rows) console.log(JSON.stringify(row));
} catch (error) {
  console.error("FAILED", error);
}
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(0);
