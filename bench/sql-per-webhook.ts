// Statements and round trips for one completed payment: the webhook's work
// in handleWebhook. Statements are counted at the postgres.js client
// (db/index.ts countQueries) and by the server (pg_stat_statements, on an
// embedded PostgreSQL of the bench's own, since loading it needs a server
// restart the shared system server cannot have); round trips are the
// client's writes to the database socket (db/batching.ts), since
// postgres.js coalesces pipelined statements into one write and then waits.
import { rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { closeDb, countQueries } from "@/db";
import { startEmbeddedPostgres } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { resetEnvCache } from "@/lib/env";
import { flushOperations } from "@/lib/observability/operations";
import { countRoundTrips, portOf } from "@/db/batching";
import { handleWebhook } from "@/lib/payments/handle-webhook";
import { transition } from "xstate";
import { orderMachine } from "@/machines/order-machine";
import { loadSnapshot } from "@/machines/order-snapshot";
import { orderTransition } from "@/machines/order-transition";
import type { OrderEvent } from "@/machines/order-types";
import { completedDelivery, ordersAwaitingPayment } from "./lib/orders";
import { profiled } from "./lib/cpu-profile";
import { cpuPerRequest, readCpu } from "./lib/proc-cpu";
import { BENCH_GATEWAY, startStack } from "./lib/stack";
import type { BenchModule, BenchRow } from "./lib/types";

const TARGET = 8;
const COST_SAMPLE = 300;

/**
 * What one completed payment costs, one delivery at a time in this process
 * (no HTTP): wall time, this process's CPU and PostgreSQL's CPU, read from
 * /proc: the backends of the bench's database (the bench is their only
 * client), and every PostgreSQL process on the machine (on a shared server
 * that includes anybody else's work, which is why the first is the figure).
 */
async function costPerWebhook(database: string): Promise<Record<string, string | number>> {
  const orders = await ordersAwaitingPayment(COST_SAMPLE);
  // As the route calls it: the verified body goes along and is stored as it came.
  const deliveries = orders.map(completedDelivery);
  const groups = { servers: [], database };
  const before = readCpu(groups);
  const started = performance.now();
  for (const d of deliveries) await handleWebhook(d.event, d.body);
  const wall = performance.now() - started;
  const cpu = cpuPerRequest(before, readCpu(groups), deliveries.length);
  return {
    "wall ms": Number((wall / deliveries.length).toFixed(2)),
    "node cpu ms": cpu.bench,
    "postgres cpu ms": cpu.pgBackends,
    "all postgres cpu ms": cpu.pgAll,
  };
}

/**
 * Where a paid webhook's Node CPU goes: a sampling profile of COST_SAMPLE
 * more deliveries, one at a time, printed as the top functions and the share
 * of each package (self time). The profiler's own overhead inflates the
 * total; the shares are what to read.
 */
async function profileWebhooks(): Promise<Record<string, string>> {
  const orders = await ordersAwaitingPayment(COST_SAMPLE);
  // As the route calls it: the verified body goes along and is stored as it came.
  const deliveries = orders.map(completedDelivery);
  const { summary } = await profiled(async () => {
    for (const d of deliveries) await handleWebhook(d.event, d.body);
  });
  const busy = summary.byArea.filter((a) => a.area !== "(idle)");
  const busyMs = busy.reduce((sum, a) => sum + a.ms, 0) || 1;
  const share = (ms: number) => `${((ms / busyMs) * 100).toFixed(0)}%`;
  console.log("    profile, share of the busy (not idle) samples:");
  console.log(
    busy
      .slice(0, 12)
      .map((a) => `      ${share(a.ms).padStart(4)} ${a.area}`)
      .join("\n"),
  );
  console.log(
    summary.topFrames
      .filter((f) => !f.frame.startsWith("(idle)"))
      .slice(0, 12)
      .map((f) => `      ${share(f.ms).padStart(4)} ${f.frame}`)
      .join("\n"),
  );
  return {
    profileTopAreas: busy
      .slice(0, 5)
      .map((a) => `${a.area}:${share(a.ms)}`)
      .join(","),
  };
}

/**
 * The machine alone: resolving an order's stored snapshot and taking the
 * payment's transition, as dispatch does for each event, without the database.
 * The order is one just paid: its event log row holds the machine event, and
 * its snapshot before it is rebuilt by resolving the awaiting-payment state.
 */
async function machineAlone(sql: postgres.Sql, paidOrderId: string): Promise<Record<string, number>> {
  const [row] = await sql<{ snapshot: Parameters<typeof loadSnapshot>[0]; version: number; event: OrderEvent }[]>`
    select o.machine_snapshot as snapshot, o.machine_version as version, e.machine_event as event
    from orders o join order_events e on e.order_id = o.id and e.machine_event is not null
    where o.id = ${paidOrderId} order by e.created_at desc limit 1`;
  const awaiting = await ordersAwaitingPayment(1);
  const [before] = await sql<{ snapshot: Parameters<typeof loadSnapshot>[0]; version: number }[]>`
    select machine_snapshot as snapshot, machine_version as version from orders where id = ${awaiting[0]!.orderId}`;
  // The paid order's event, addressed to the payment of the order still awaiting it.
  const event = { ...row!.event, paymentId: awaiting[0]!.paymentId } as OrderEvent;
  const rounds = 2000;
  const time = (fn: () => void) => {
    for (let i = 0; i < 200; i++) fn(); // warm
    const started = performance.now();
    for (let i = 0; i < rounds; i++) fn();
    return Number((((performance.now() - started) / rounds) * 1000).toFixed(1));
  };
  const snapshot = loadSnapshot(before!.snapshot, before!.version);
  if (!snapshot.can(event)) throw new Error(`the machine refuses ${event.type} for an order awaiting payment`);
  return {
    "resolveState µs": time(() => loadSnapshot(before!.snapshot, before!.version)),
    // xstate's own, which builds an actor per call; and dispatch's (machines/order-transition.ts), which does not.
    "xstate transition µs": time(() => transition(orderMachine, snapshot, event)),
    "orderTransition µs": time(() => orderTransition(snapshot, event)),
  };
}

/**
 * The same delivery counted by the server: an embedded PostgreSQL of its own
 * with pg_stat_statements preloaded (the shared system server cannot be
 * restarted to load it). Statements run at the top level, BEGIN and COMMIT
 * included; what graphile-worker's functions run inside is not counted.
 */
async function serverSideCount(): Promise<Record<string, string | number>> {
  const dir = path.resolve(".data", `bench-pgss-${process.pid}`);
  const pg = await startEmbeddedPostgres(dir, {
    settings: {
      shared_preload_libraries: "pg_stat_statements",
      "pg_stat_statements.track_utility": "on",
      "pg_stat_statements.track": "all",
    },
  });
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  try {
    await admin`create extension if not exists pg_stat_statements`;
    await migrateDatabase(pg.url);
    await closeDb();
    process.env.DATABASE_URL = pg.url;
    resetEnvCache();
    const [warm, order] = await ordersAwaitingPayment(2);
    const [first, second] = [warm!, order!].map(completedDelivery);
    await handleWebhook(first!.event, first!.body);
    await admin`select pg_stat_statements_reset()`;
    await handleWebhook(second!.event, second!.body);
    const rows = await admin<{ query: string; calls: number }[]>`
      select query, calls::int from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database()) and toplevel
        and query not like '%pg_stat_statements%'`;
    console.log(rows.map((r) => `    server ${r.calls}× ${r.query.replace(/\s+/g, " ").slice(0, 100)}`).join("\n"));
    const timing = await statementTimes(admin);
    return { serverStatements: rows.reduce((sum, r) => sum + r.calls, 0), ...timing };
  } finally {
    await closeDb();
    await admin.end({ timeout: 5 });
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where PostgreSQL's time goes: pg_stat_statements' execution times over
 * COST_SAMPLE deliveries, statements inside functions included (what
 * graphile_worker.add_job runs), per delivery, the costliest first.
 */
async function statementTimes(admin: postgres.Sql): Promise<Record<string, string | number>> {
  const orders = await ordersAwaitingPayment(COST_SAMPLE);
  await admin`select pg_stat_statements_reset()`;
  for (const d of orders.map(completedDelivery)) await handleWebhook(d.event, d.body);
  const rows = await admin<{ query: string; calls: number; total: number; toplevel: boolean }[]>`
    select query, calls::int, total_exec_time as total, toplevel from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database())
      and query not like '%pg_stat_statements%'
    order by total_exec_time desc`;
  const per = (n: number) => n / orders.length;
  const total = rows.filter((r) => r.toplevel).reduce((sum, r) => sum + r.total, 0);
  console.log(`    PostgreSQL execution time per delivery: ${per(total).toFixed(3)} ms (top-level statements); the costliest:`);
  console.log(
    rows
      .slice(0, 10)
      .map(
        (r) =>
          `      ${per(r.total).toFixed(3).padStart(6)} ms ${(per(r.calls) || 0).toFixed(1)}× ${r.toplevel ? "" : "(inside a function) "}${r.query.replace(/\s+/g, " ").slice(0, 90)}`,
      )
      .join("\n"),
  );
  return { "pg exec ms": Number(per(total).toFixed(3)) };
}

async function run(): Promise<BenchRow[]> {
  // One connection, so the warm-up has prepared every statement on the
  // connection the measured delivery uses (the first use of a statement on a
  // connection costs one more round trip).
  process.env.DATABASE_POOL_MAX = "1";
  // No server, so nothing else sets the secret the deliveries are signed with
  // (`--only sql-per-webhook` failed on it; the full run had it from an earlier bench).
  process.env.STRIPE_WEBHOOK_SECRET ??= BENCH_GATEWAY.webhookSecret;
  resetEnvCache();
  const stack = await startStack({ server: false });
  let stopped = false;
  try {
    const [warm, order] = await ordersAwaitingPayment(2);
    const warmDelivery = completedDelivery(warm!);
    await handleWebhook(warmDelivery.event, warmDelivery.body); // prepared statements, pools
    const delivery = completedDelivery(order!);
    const port = portOf(stack.databaseUrl);
    const counter = countQueries();
    const trips = countRoundTrips(port);
    const outcome = await handleWebhook(delivery.event, delivery.body);
    const roundTrips = trips.stop();
    const queries = counter.stop();
    const again = countQueries();
    const againTrips = countRoundTrips(port);
    await handleWebhook(delivery.event, delivery.body);
    const redeliveryTrips = againTrips.stop();
    const redelivery = again.stop();
    const kinds = queries.map((q) => q.trim().split(/\s+/)[0]!.toLowerCase());
    const summary = Object.entries(kinds.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {}))
      .map(([k, n]) => `${k}:${n}`)
      .join(",");
    const cost = await costPerWebhook(new URL(stack.databaseUrl).pathname.slice(1));
    const profile = await profileWebhooks();
    const machine = await machineAlone(stack.sql, order!.orderId);
    await flushOperations(); // before the database goes
    await stack.stop();
    stopped = true;
    const server = await serverSideCount();
    console.log(queries.map((q, i) => `    ${String(i + 1).padStart(2)} ${q.replace(/\s+/g, " ").slice(0, 110)}`).join("\n"));
    return [
      {
        bench: "sql-per-webhook",
        case: `completed payment (${outcome})`,
        figures: {
          statements: queries.length,
          roundTrips,
          kinds: summary,
          redelivery: `${redelivery.length} statements, ${redeliveryTrips} round trips`,
          ...cost,
          ...machine,
          ...profile,
          ...server,
        },
        target: `≤ ${TARGET} round trips`,
        met: roundTrips <= TARGET,
      },
    ];
  } finally {
    if (!stopped) await stack.stop();
  }
}

export const bench: BenchModule = { name: "sql-per-webhook", run };
