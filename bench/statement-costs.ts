// What two of a paid webhook's statements cost PostgreSQL, each variant in
// transactions of its own beside one small update, alternating in blocks so
// the machine's drift hits every variant alike (the PostgreSQL backend's CPU
// per transaction, from /proc, 10 ms ticks over 400 transactions):
// - enqueueing a paid order's jobs, by the size of the queue: graphile-worker's
//   add_jobs and remove_job (what lib/worker/jobs.ts called until issue 22)
//   against jobs.ts's own two statements;
// - the event row: the 3.4 KB body as jsonb (until issue 22) and as json.
// - the event row's life (inserted, then its outcome, order and session written):
//   with its two secondary indexes, with those columns known at the insert, and
//   with no secondary index (what the operator's lookup of an order's events costs).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/statement-costs.ts
//
// A standalone script: figures, no target.
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { addJobsQuery, removeJobQuery } from "@/lib/worker/jobs";
import { sessionObject, stripeEvent } from "@/test/webhooks";
import { createTestDatabase } from "@/test/test-database";
import { readProcStat } from "./lib/proc-cpu";

const PER_BLOCK = 400;

async function main(): Promise<void> {
  const database = await createTestDatabase(
    process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    "bookstore_bench_statements",
  );
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  // Parameters go as the text they are (the statements cast them).
  const serializers = (sql.options as unknown as { serializers: Record<string, unknown> }).serializers;
  for (const type of Object.keys(serializers)) delete serializers[type];
  const dialect = new PgDialect();
  const text = (query: ReturnType<typeof addJobsQuery>) => dialect.sqlToQuery(query);
  try {
    const [{ pid }] = (await sql`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    const backendCpuMs = () => readProcStat(pid)!.cpuMs;
    await sql`create table bench_touch (id int primary key, n int not null)`;
    await sql`insert into bench_touch values (1, 0)`;
    let n = 0;
    // A paid order's jobs: its e-mail now, its fulfilment later; and its payment timeout, removed.
    const specs = () => {
      n++;
      return [
        {
          identifier: "send_email",
          payload: { orderId: `o${n}`, template: "order_paid", dedupeKey: `o${n}:paid`, data: {} },
          run_at: null,
          max_attempts: 5,
          job_key: `email:o${n}`,
        },
        {
          identifier: "fulfil_order",
          payload: { orderId: `o${n}` },
          run_at: "2030-01-01T00:00:00Z",
          max_attempts: 5,
          job_key: `fulfil:o${n}`,
        },
      ];
    };
    const timeout = (i: number) => `payment-timeout:o${i}`;
    type Statements = () => { sql: string; params: unknown[] }[];
    const compare = async (title: string, variants: Record<string, Statements>) => {
      const perTransaction: Record<string, number[]> = {};
      for (let block = 0; block < 4; block++) {
        for (const [name, statements] of Object.entries(variants)) {
          const before = backendCpuMs();
          for (let i = 0; i < PER_BLOCK; i++) {
            const sent = statements();
            await sql.begin(async (tx) => {
              await tx.unsafe("update bench_touch set n = n + 1 where id = 1", [], { prepare: true });
              for (const s of sent) await tx.unsafe(s.sql, s.params as string[], { prepare: true });
            });
          }
          // The first block warms the prepared statements and plans.
          if (block > 0) (perTransaction[name] ??= []).push((backendCpuMs() - before) / PER_BLOCK);
        }
      }
      console.log(`${title}: PostgreSQL CPU ms per transaction, three blocks of ${PER_BLOCK}`);
      const alone = Math.min(...perTransaction["an update alone"]!);
      for (const [name, values] of Object.entries(perTransaction)) {
        const added = name === "an update alone" ? "" : ` (the statements: +${(Math.min(...values) - alone).toFixed(2)} at best)`;
        console.log(`  ${name.padEnd(40)} ${values.map((v) => v.toFixed(2)).join("  ")}${added}`);
      }
    };
    const variants: Record<string, Statements> = {
      "an update alone": () => [],
      "graphile-worker's add_jobs + remove_job": () => {
        const all = specs();
        return [
          { sql: "select count(*) from graphile_worker.remove_job($1::text)", params: [timeout(n)] },
          {
            sql: "select count(*) from graphile_worker.add_jobs(array(select json_populate_record(null::graphile_worker.job_spec, spec) from json_array_elements($1::text::json) spec))",
            params: [JSON.stringify(all)],
          },
        ];
      },
      "jobs.ts's two statements": () => {
        const all = specs();
        return [text(removeJobQuery(timeout(n))), text(addJobsQuery(all))];
      },
    };
    // The event row: the tables as webhook_events was before and is now, the body a paid session's event.
    const body = JSON.stringify(
      stripeEvent(
        "checkout.session.completed",
        sessionObject("cs_test_bench", "00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000001"),
      ),
    );
    for (const type of ["jsonb", "json"]) {
      await sql.unsafe(
        `create table bench_events_${type} (id text primary key, type text not null, outcome text not null, payload ${type} not null, received_at timestamptz not null default now())`,
      );
    }
    const eventRow = (type: string) => () => [
      {
        sql: `insert into bench_events_${type} (id, type, outcome, payload) values ($1, $2, 'received', $3::${type}) on conflict (id) do nothing returning id`,
        params: [`evt_${++n}`, "checkout.session.completed", body],
      },
    ];
    await compare(`the event row (${body.length} bytes)`, {
      "an update alone": () => [],
      "as jsonb": eventRow("jsonb"),
      "as json": eventRow("json"),
    });
    // The event row's life in a paid delivery: inserted before the dispatch, its outcome (with the order and
    // session it belongs to) written at the end. Both of its secondary indexes are on those two columns, so
    // that update cannot be HOT: the row gets a new version with three index entries. Against: the two
    // columns known at the insert (the update then changes the outcome only), and no secondary index at all.
    for (const [name, indexes] of [
      ["indexed", true],
      ["bare", false],
    ] as const) {
      await sql.unsafe(
        `create table bench_events_${name} (id text primary key, type text not null, outcome text not null, order_id uuid, gateway_session_id text, payload json not null, received_at timestamptz not null default now())`,
      );
      if (indexes) {
        await sql.unsafe(`create index on bench_events_${name} (order_id)`);
        await sql.unsafe(`create index on bench_events_${name} (gateway_session_id)`);
      }
    }
    const orderId = "00000000-0000-4000-8000-000000000000";
    const eventLife = (table: string, knownAtInsert: boolean) => () => {
      const id = `evt_${++n}`;
      const session = `cs_test_${n}`;
      return [
        knownAtInsert
          ? {
              sql: `insert into ${table} (id, type, outcome, order_id, gateway_session_id, payload) values ($1, $2, 'received', $3::uuid, $4, $5::json) on conflict (id) do nothing returning id`,
              params: [id, "checkout.session.completed", orderId, session, body],
            }
          : {
              sql: `insert into ${table} (id, type, outcome, payload) values ($1, $2, 'received', $3::json) on conflict (id) do nothing returning id`,
              params: [id, "checkout.session.completed", body],
            },
        {
          sql: `update ${table} set outcome = $1, order_id = $2::uuid, gateway_session_id = $3 where id = $4`,
          params: ["handled", orderId, session, id],
        },
      ];
    };
    await compare("the event row, inserted then its outcome written", {
      "an update alone": () => [],
      "two indexes, order and session at the end": eventLife("bench_events_indexed", false),
      "two indexes, order and session at insert": eventLife("bench_events_indexed", true),
      "no secondary index": eventLife("bench_events_bare", false),
    });
    for (const waiting of [0, 3_000, 30_000]) {
      // The queue: jobs due tomorrow (fulfilments and timeouts of other orders), and this size's timeouts to remove.
      await sql`delete from graphile_worker._private_jobs`;
      await sql`select graphile_worker.add_job('fulfil_order', '{}'::json, job_key := 'waiting:' || g, run_at := now() + interval '1 day') from generate_series(1, ${waiting}::int) g`;
      await sql`select graphile_worker.add_job('payment_timeout', '{}'::json, job_key := 'payment-timeout:o' || g, run_at := now() + interval '1 day') from generate_series(${n + 1}::int, ${n + 3 * 3 * PER_BLOCK + 10}::int) g`;
      await sql`analyze graphile_worker._private_jobs`;
      await compare(`${waiting} jobs waiting`, variants);
    }
  } finally {
    await sql.end();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
