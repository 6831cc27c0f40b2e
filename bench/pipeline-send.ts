// Node CPU per pipelined statement: drizzle's `execute` (what WritePipeline
// used to call for each write) against WritePipeline's direct send on the
// same transaction client, alternating rounds in one process so that both
// see the same machine. docs/BENCHMARKS.md, issue 22.
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres flock /tmp/paperleaf-heavy.lock npx tsx bench/pipeline-send.ts
import { sql } from "drizzle-orm";
import { closeDb, getDb } from "@/db";
import { WritePipeline } from "@/db/batching";

const STATEMENTS = 2000;
const ROUNDS = 6;

async function cpuPerStatement(mode: "drizzle execute" | "direct send"): Promise<number> {
  const { db } = await getDb();
  return db.transaction(async (tx) => {
    const started = process.cpuUsage();
    const pending: Promise<unknown>[] = [];
    const pipeline = new WritePipeline(tx);
    for (let i = 0; i < STATEMENTS; i++) {
      const query = sql`select ${i}::int as n, ${"paperleaf"}::text as label`;
      if (mode === "drizzle execute") pending.push(Promise.resolve(tx.execute(query)));
      else pipeline.write(query);
    }
    await Promise.all(pending);
    await pipeline.flush();
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000 / STATEMENTS;
  });
}

const results: Record<string, number[]> = { "drizzle execute": [], "direct send": [] };
await cpuPerStatement("drizzle execute"); // warm: prepared statements, JIT
await cpuPerStatement("direct send");
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of ["drizzle execute", "direct send"] as const) results[mode]!.push(await cpuPerStatement(mode));
}
for (const [mode, values] of Object.entries(results)) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `${mode}: median ${(median * 1000).toFixed(1)} µs of Node CPU per statement (rounds: ${values.map((v) => (v * 1000).toFixed(1)).join(", ")})`,
  );
}
await closeDb();
