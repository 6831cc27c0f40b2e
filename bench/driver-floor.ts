// What postgres.js alone costs Node per order transaction, by the number of
// statements in it and by the way to the database (TCP on 127.0.0.1, or the
// Unix socket of a database on the same machine): BEGIN, N small prepared
// updates pipelined, COMMIT, the three round trips of a paid webhook. It
// prices the two levers left for a webhook's Node CPU (docs/BENCHMARKS.md,
// issue 22): fewer statements, and a cheaper way to the database. Modes
// alternate in rounds in one process, so that all see the same machine.
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres PGSOCKET=/var/run/postgresql/.s.PGSQL.5432 npx tsx bench/driver-floor.ts
// Without PGSOCKET, TCP only. A standalone script: it prints figures and has no target.
import postgres from "postgres";
import { percentile } from "./lib/load";

const TRANSACTIONS = 1500;
const ROUNDS = 5;
const COUNTS = [1, 5, 13];

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const transports: Record<string, postgres.Options<Record<string, never>>> = { tcp: {} };
if (process.env.PGSOCKET) transports["unix socket"] = { path: process.env.PGSOCKET };

async function cpuPerTransaction(sql: postgres.Sql, statements: number): Promise<number> {
  const started = process.cpuUsage();
  for (let t = 0; t < TRANSACTIONS; t++) {
    await sql.begin(async (tx) => {
      const pending: Promise<unknown>[] = [];
      for (let i = 0; i < statements; i++) {
        pending.push(tx.unsafe("update driver_floor set v = v + $1 where id = $2", [1, i % 4], { prepare: true }));
      }
      await Promise.all(pending);
    });
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000 / TRANSACTIONS;
}

const clients = Object.entries(transports).map(([name, options]) => ({
  name,
  sql: postgres(url, { ...options, max: 1, onnotice: () => {} }),
}));
const setup = clients[0]!.sql;
await setup`create table if not exists driver_floor (id int primary key, v bigint not null)`;
await setup`insert into driver_floor select g, 0 from generate_series(0, 3) g on conflict do nothing`;
const results = new Map<string, number[]>();
try {
  for (const { sql } of clients) for (const n of COUNTS) await cpuPerTransaction(sql, n); // warm: prepared statements, JIT
  for (let round = 0; round < ROUNDS; round++) {
    for (const { name, sql } of clients) {
      for (const n of COUNTS) {
        const key = `${name}, ${n} statement${n === 1 ? "" : "s"}`;
        results.set(key, [...(results.get(key) ?? []), await cpuPerTransaction(sql, n)]);
      }
    }
  }
  console.log(`Node CPU per transaction (BEGIN, N updates, COMMIT), median of ${ROUNDS} rounds of ${TRANSACTIONS} [min–max]:`);
  for (const [key, values] of results) {
    const sorted = [...values].sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    console.log(`  ${key.padEnd(28)} ${median.toFixed(3)} ms  [${sorted[0]!.toFixed(3)}–${sorted.at(-1)!.toFixed(3)}]`);
  }
} finally {
  await setup`drop table if exists driver_floor`;
  await Promise.all(clients.map(({ sql }) => sql.end()));
}
