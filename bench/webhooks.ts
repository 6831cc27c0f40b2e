// Webhook throughput: N orders awaiting payment, N signed
// checkout.session.completed deliveries plus 30% redeliveries, at concurrency
// 8, 32 and 64, against the production server on the system PostgreSQL;
// against a no-op route (GET /api/health/live) on the same server in the same
// run. Then the database must show exactly N transitions. Last, the same at
// concurrency 32 spread over two servers on the one database.
import { appendFileSync, writeFileSync } from "node:fs";
import { percentile, runLoad, type LoadResult } from "./lib/load";
import { completedDelivery, ordersAwaitingPayment } from "./lib/orders";
import { startStack, type Stack } from "./lib/stack";
import type { BenchModule, BenchRow } from "./lib/types";
import { benchPort } from "./lib/ports";
import { defaultPoolMax } from "@/db";
import { cpuPerRequest, readCpu, type CpuReading } from "./lib/proc-cpu";
import { replayRounds, type ReplayRound } from "./lib/replay";

const N = Number(process.env.BENCH_WEBHOOKS ?? 400);
const LEVELS = [8, 32, 64];

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const ms = (value: number) => Number(value.toFixed(1));

/**
 * BENCH_PHASES=/tmp/phases.jsonl: each phase's window on the monotonic clock
 * (µs), its request count, the servers' and the load generator's process ids,
 * one JSON line each, so a server profile (BENCH_SERVER_NODE_ARGS=--cpu-prof)
 * can be cut into its no-op and webhook phases (bench/profile-phases.ts), and so
 * can the whole machine's (`perf record`, bench/perf-phases.ts).
 */
async function phase<T>(
  label: string,
  name: "noop" | "webhooks",
  about: { requests: number; servers: number[] },
  run: () => Promise<T>,
): Promise<T> {
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const result = await run();
  const file = process.env.BENCH_PHASES;
  if (file) {
    const toUs = Number(process.hrtime.bigint() / 1000n);
    appendFileSync(file, `${JSON.stringify({ case: label, phase: name, fromUs, toUs, ...about, bench: process.pid })}\n`);
  }
  return result;
}

/** Two readings added up field by field: the two no-op phases as one. */
const sum = (a: CpuReading, b: CpuReading): CpuReading => ({
  bench: a.bench + b.bench,
  server: a.server + b.server,
  pgBackends: a.pgBackends + b.pgBackends,
  pgAll: a.pgAll + b.pgAll,
});

/** A case's requests: N fresh orders' deliveries plus 30 % redeliveries, shuffled, sent round-robin over `urls`. */
async function webhookRequests(urls: string[], seed: number) {
  const orders = await ordersAwaitingPayment(N);
  const deliveries = orders.map(completedDelivery);
  const redeliveries = shuffled(deliveries, seed).slice(0, Math.round(N * 0.3));
  const requests = shuffled([...deliveries, ...redeliveries], seed * 7).map(
    (d, i) => () =>
      fetch(`${urls[i % urls.length]!}/api/webhooks/stripe`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": d.signature },
        body: d.body,
      }),
  );
  return { orders, requests };
}

/**
 * BENCH_WARMUP passes (default 4) of a case's worth of webhooks (their own
 * orders) and as many no-op requests, on each server before it is measured:
 * V8 compiles the route's code while it runs it (in the first 1 000 webhooks
 * its compiler threads took 1–2 ms a request, `perf`, docs/BENCHMARKS.md), and
 * the pool's connections and their prepared statements are made on first use.
 * Every warm-up request must answer 200.
 */
async function warmUp(urls: string[]): Promise<void> {
  const passes = Number(process.env.BENCH_WARMUP ?? 4);
  if (!Number.isInteger(passes) || passes < 0)
    throw new Error(`BENCH_WARMUP must be a whole number of passes, not ${process.env.BENCH_WARMUP}`);
  for (let pass = 0; pass < passes; pass++) {
    const { requests } = await webhookRequests(urls, 1_000 + pass);
    const noops = requests.map((_, i) => () => fetch(`${urls[i % urls.length]!}/api/health/live`));
    for (const load of [requests, noops]) {
      const result = await runLoad(load, 8);
      if ((result.statuses[200] ?? 0) !== load.length)
        throw new Error(`warm-up: not every request answered 200: ${JSON.stringify(result.statuses)}`);
    }
  }
}

/**
 * One case: N fresh orders, their deliveries plus 30 % redeliveries shuffled,
 * sent round-robin over `urls` (so with two servers a redelivery often lands
 * on the other one), between two no-op bursts; then the database must show
 * exactly N transitions.
 */
async function measureCase(
  stack: Stack,
  urls: string[],
  concurrency: number,
  label: string,
): Promise<{ row: BenchRow; cpu: { noop: CpuReading; hook: CpuReading } }> {
  const at = (i: number) => urls[i % urls.length]!;
  const noops = (count: number) => Array.from({ length: count }, (_, i) => () => fetch(`${at(i)}/api/health/live`));
  const { orders, requests } = await webhookRequests(urls, concurrency);
  // The no-op route before and after, averaged, so drift on a shared machine hits both sides.
  // CPU per process is read around each phase: who pays for the difference.
  const groups = { servers: stack.serverPids(), database: new URL(stack.databaseUrl).pathname.slice(1) };
  const about = { requests: requests.length, servers: groups.servers };
  const cpu0 = readCpu(groups);
  const before = await phase(label, "noop", about, () => runLoad(noops(requests.length), concurrency));
  const cpu1 = readCpu(groups);
  const hooks: LoadResult = await phase(label, "webhooks", about, () => runLoad(requests, concurrency));
  const cpu2 = readCpu(groups);
  const after = await phase(label, "noop", about, () => runLoad(noops(requests.length), concurrency));
  const cpu3 = readCpu(groups);
  const noopPerSecond = (before.perSecond + after.perSecond) / 2;
  const noopCpu = cpuPerRequest(sum(cpu0, cpu2), sum(cpu1, cpu3), 2 * requests.length);
  const hookCpu = cpuPerRequest(cpu1, cpu2, requests.length);

  const ids = `{${orders.map((o) => o.orderId).join(",")}}`;
  const [check] = await stack.sql<{ paid: number; transitions: number; dupes: number }[]>`
    select (select count(*)::int from orders where id = any(${ids}::uuid[]) and status = 'paid') as paid,
           (select count(*)::int from order_events where order_id = any(${ids}::uuid[]) and type = 'OrderPaid') as transitions,
           (select count(*)::int from ignored_events where order_id = any(${ids}::uuid[])) as dupes`;
  const ratio = hooks.perSecond / noopPerSecond;
  const exact = check!.paid === N && check!.transitions === N && (hooks.statuses[200] ?? 0) === requests.length;
  const isTargeted = urls.length === 1;
  // Each target on its own, so the table says which one a row missed.
  const targets: [string, boolean][] = [
    ...(isTargeted ? ([["ratio ≥ 0.5", ratio >= 0.5]] as [string, boolean][]) : []),
    ...(isTargeted && concurrency === 32 ? ([["p99 ≤ 250 ms", hooks.p99Ms <= 250]] as [string, boolean][]) : []),
    ["exactly N transitions", exact],
  ];
  const missed = targets.filter(([, ok]) => !ok).map(([name]) => name);
  const row: BenchRow = {
    bench: "webhooks",
    case: label,
    figures: {
      deliveries: requests.length,
      "events/s": Math.round(hooks.perSecond),
      p50ms: ms(hooks.p50Ms),
      p99ms: ms(hooks.p99Ms),
      "noop/s": Math.round(noopPerSecond),
      ratio: Number(ratio.toFixed(2)),
      transitions: check!.transitions,
      non200: requests.length - (hooks.statuses[200] ?? 0),
      // CPU ms per request, webhook / no-op: the app server(s), this database's PostgreSQL
      // backends, every PostgreSQL process (a shared server: anybody's work), the load generator.
      "cpu server": `${hookCpu.server}/${noopCpu.server}`,
      "cpu pg": `${hookCpu.pgBackends}/${noopCpu.pgBackends}`,
      "cpu pg all": `${hookCpu.pgAll}/${noopCpu.pgAll}`,
      "cpu bench": `${hookCpu.bench}/${noopCpu.bench}`,
      ...(missed.length > 0 ? { missed: missed.join("; ") } : {}),
    },
    target: targets.map(([name]) => name).join(", "),
    met: missed.length === 0,
  };
  return { row, cpu: { noop: noopCpu, hook: hookCpu } };
}

/**
 * The best ratio a webhook could reach in a case, from that case's own CPU
 * figures: the no-op's request (server, PostgreSQL, load generator) against a
 * webhook that costs the server nothing but the no-op's request pipeline and
 * what postgres.js alone takes to send a request's statements (the replay,
 * as many at a time as the pool has connections, delivery and redelivery
 * weighted as the case mixes them: weightedReplay),
 * PostgreSQL the lower of the case's figure and the replay's, and the load
 * generator what it took in the case. No signature check, body, machine,
 * effects or logging: a ceiling no implementation of the same statements
 * passes, since the throughput ratio is the CPU ratio on this machine
 * (docs/BENCHMARKS.md, issue 22).
 */
export function ratioCeiling(cpu: { noop: CpuReading; hook: CpuReading }, replay: { nodeMs: number; pgMs: number }): number {
  const noop = cpu.noop.server + cpu.noop.pgBackends + cpu.noop.bench;
  const webhook = cpu.noop.server + replay.nodeMs + Math.min(cpu.hook.pgBackends, replay.pgMs) + cpu.hook.bench;
  return noop / webhook;
}

/** A request's replay cost in a case: `deliveries` first deliveries and `redeliveries` redeliveries, averaged. */
export function weightedReplay(
  first: { nodeMs: number; pgMs: number },
  again: { nodeMs: number; pgMs: number },
  deliveries: number,
  redeliveries: number,
): { nodeMs: number; pgMs: number } {
  const all = deliveries + redeliveries;
  return {
    nodeMs: (first.nodeMs * deliveries + again.nodeMs * redeliveries) / all,
    pgMs: (first.pgMs * deliveries + again.pgMs * redeliveries) / all,
  };
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function run(): Promise<BenchRow[]> {
  // This run's phases only: a file left by an earlier run would add its windows' requests to this one's.
  if (process.env.BENCH_PHASES) writeFileSync(process.env.BENCH_PHASES, "");
  const stack = await startStack({ port: benchPort(10) });
  const rows: BenchRow[] = [];
  try {
    // Warm both routes, the compiler and the pool before measuring.
    await warmUp([stack.url]);
    const measured: { row: BenchRow; cpu: { noop: CpuReading; hook: CpuReading } }[] = [];
    for (const concurrency of LEVELS) measured.push(await measureCase(stack, [stack.url], concurrency, `concurrency ${concurrency}`));
    // The driver's floor, with the server idle: the statements of a first delivery and of a redelivery, sent by
    // postgres.js alone from this process, as many at a time as the server's pool has connections, weighted as
    // the cases mix them (N deliveries, 30 % redeliveries).
    const database = new URL(stack.databaseUrl).pathname.slice(1);
    const lanes = Number(process.env.BENCH_POOL_MAX) || defaultPoolMax();
    const first = await replayRounds(stack.appDatabaseUrl, database, 3, 200, { lanes });
    const again = await replayRounds(stack.appDatabaseUrl, database, 3, 100, { lanes, redeliveries: true });
    const replay = weightedReplay(
      { nodeMs: median(first.map((r) => r.nodeMs)), pgMs: median(first.map((r) => r.pgMs)) },
      { nodeMs: median(again.map((r) => r.nodeMs)), pgMs: median(again.map((r) => r.pgMs)) },
      N,
      Math.round(N * 0.3),
    );
    for (const { row, cpu } of measured) {
      const ceiling = Number(ratioCeiling(cpu, replay).toFixed(2));
      const ms = (r: ReplayRound[]) => `${median(r.map((x) => x.nodeMs))}/${median(r.map((x) => x.pgMs))}`;
      rows.push({
        ...row,
        figures: { ...row.figures, "replay node/pg ms, delivery; redelivery": `${ms(first)}; ${ms(again)}`, "ratio ceiling": ceiling },
      });
    }
    // Two servers on the one database, the load spread over both: the same
    // exactness (a delivery and its redelivery race in two processes), and
    // what a second process buys on two shared cores.
    const second = await stack.addServer(benchPort(11));
    await warmUp([second]);
    rows.push((await measureCase(stack, [stack.url, second], 32, "two instances, concurrency 32")).row);
  } finally {
    await stack.stop();
  }
  return rows;
}

export const bench: BenchModule = { name: "webhooks", run };
