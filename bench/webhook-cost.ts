// What one paid webhook costs in-process, in several rounds of 300 deliveries
// one at a time: wall time, this process's CPU, the CPU of the bench
// database's PostgreSQL backends, and the socket writes to PostgreSQL. The
// machine is noisy (±25 % between runs of the same code), so a change is
// judged by running this in two checkouts alternately and comparing the
// medians (docs/BENCHMARKS.md, issue 22):
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ROUNDS=3 npx tsx bench/webhook-cost.ts
//
// DRAIN=1 takes the jobs earlier rounds queued off the queue between rounds, as a running worker would.
//
// CONCURRENCY=8 delivers them 8 at a time on 8 connections (four orders share
// a book, so payments wait on its stock row as over HTTP), without HTTP;
// POOL=3 gives them 3 connections instead. PROFILE=1 then profiles one more
// round and prints the functions by inclusive time per delivery (what a
// function and everything it called took: where a delivery's Node CPU goes).
// HEAP=1 samples one more round's allocations, garbage included, and prints
// the bytes a delivery allocates by package and by function (what its
// garbage collections work through).
//
// A standalone script rather than an `npm run bench` module: it prints
// figures and has no target to meet.
import { writeFileSync } from "node:fs";
import net from "node:net";
import postgres from "postgres";
import { isDatabaseSocket } from "@/db/batching";
import { resetEnvCache } from "@/lib/env";
import { flushOperations } from "@/lib/observability/operations";
import { handleWebhook } from "@/lib/payments/handle-webhook";
import { inclusiveMs, profiled, summarise, type Profile } from "./lib/cpu-profile";
import { allocationsOf, summariseAllocations } from "./lib/heap-profile";
import { completedDelivery, ordersAwaitingPayment } from "./lib/orders";
import { cpuPerRequest, readCpu } from "./lib/proc-cpu";
import { captureDeliveries, replayer, replayRounds } from "./lib/replay";
import { BENCH_GATEWAY, startStack } from "./lib/stack";

const PER_ROUND = 300;

/** Counts the writes (system calls) to sockets connected to `port` until stop(). */
function countWrites(port: number): { stop: () => { writes: number; bytes: number } } {
  const original = net.Socket.prototype.write;
  let writes = 0;
  let bytes = 0;
  net.Socket.prototype.write = function (this: net.Socket, ...args: Parameters<net.Socket["write"]>) {
    if (isDatabaseSocket(this, port)) {
      writes++;
      bytes += (args[0] as { length?: number }).length ?? 0;
    }
    return original.apply(this, args);
  } as net.Socket["write"];
  return {
    stop: () => {
      net.Socket.prototype.write = original;
      return { writes, bytes };
    },
  };
}

/** Inclusive time per function (a sample counts for every function on its stack), largest first, idle left out. */
function inclusive(profile: Profile, root = process.cwd()): { name: string; ms: number }[] {
  const totals = inclusiveMs(profile, ({ functionName, url, lineNumber }) => {
    if (functionName === "(idle)" || functionName === "(root)") return undefined;
    const file = url
      .replace(/^file:\/\//, "")
      .replace(/^.*node_modules\//, "")
      .replace(`${root}/`, "");
    return `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
  });
  return [...totals].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

/** The profile's self time per delivery, by area and by function. */
function printSelf(profile: Profile, deliveries: number, label: string, top: number): void {
  const { byArea, topFrames } = summarise(profile, top);
  console.log(`${label}self µs per delivery, by area:`);
  for (const { ms, area } of byArea) console.log(`${String(Math.round((ms / deliveries) * 1000)).padStart(6)} ${area}`);
  console.log(`${label}self µs per delivery, by function:`);
  for (const { ms, frame } of topFrames) console.log(`${String(Math.round((ms / deliveries) * 1000)).padStart(6)} ${frame}`);
}

/** The driver's floor (bench/lib/replay.ts): the same statements sent by postgres.js alone. */
async function replay(url: string, database: string): Promise<void> {
  for (const [i, round] of (await replayRounds(url, database, 3, PER_ROUND)).entries()) {
    console.log(`  user ${round.userMs.toFixed(2)} system ${round.systemMs.toFixed(2)}`);
    console.log(
      `replay ${i + 1} (${round.statements} statements, postgres.js alone): wall ms=${round.wallMs.toFixed(2)} node cpu ms=${round.nodeMs} postgres cpu ms=${round.pgMs}`,
    );
  }
  if (process.env.PROFILE) {
    const without = (process.env.REPLAY_WITHOUT ?? "").split(",").filter(Boolean);
    const replay = await replayer(url);
    try {
      // Its statements prepared on this connection before the profile, as in the rounds above.
      for (const statements of await captureDeliveries(50, without)) await replay.once(statements);
      const captured = await captureDeliveries(PER_ROUND, without);
      const { profile } = await profiled(async () => {
        for (const statements of captured) await replay.once(statements);
      }, 50);
      printSelf(profile, PER_ROUND, "replay, ", 25);
    } finally {
      await replay.close();
    }
  }
}

async function main(): Promise<void> {
  const concurrency = Number(process.env.CONCURRENCY ?? 1);
  // One connection per delivery in flight: the warm-up prepares every statement on them.
  process.env.DATABASE_POOL_MAX = process.env.POOL ?? String(concurrency);
  process.env.STRIPE_WEBHOOK_SECRET ??= BENCH_GATEWAY.webhookSecret;
  resetEnvCache();
  const stack = await startStack({ server: false });
  const database = new URL(stack.databaseUrl).pathname.slice(1);
  const port = Number(new URL(stack.databaseUrl).port || 5432);
  try {
    const deliverAll = async (deliveries: ReturnType<typeof completedDelivery>[]) => {
      let next = 0;
      const lane = async () => {
        while (next < deliveries.length) {
          const d = deliveries[next++]!;
          await handleWebhook(d.event, d.body);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
    };
    await deliverAll((await ordersAwaitingPayment(50)).map(completedDelivery));
    const rounds = Number(process.env.ROUNDS ?? 3);
    const queue = postgres(stack.databaseUrl, { max: 1 });
    for (let round = 1; round <= rounds; round++) {
      const deliveries = (await ordersAwaitingPayment(PER_ROUND)).map(completedDelivery);
      // DRAIN=1: the jobs earlier rounds queued (the warehouse's, the e-mails) are taken off the queue, as
      // a running worker would have run them; without it the queue grows by two jobs a delivery.
      if (process.env.DRAIN)
        await queue`delete from graphile_worker._private_jobs where task_id in
          (select id from graphile_worker._private_tasks where identifier in ('fulfil_order', 'send_email'))`;
      const [queued] = await queue<{ waiting: number }[]>`select count(*)::int as waiting from graphile_worker._private_jobs`;
      const groups = { servers: [], database };
      const before = readCpu(groups);
      const writes = countWrites(port);
      const usage = process.cpuUsage();
      const started = performance.now();
      await deliverAll(deliveries);
      const wall = (performance.now() - started) / deliveries.length;
      const sent = writes.stop();
      const { user, system } = process.cpuUsage(usage);
      const cpu = cpuPerRequest(before, readCpu(groups), deliveries.length);
      console.log(
        `round ${round}: wall ms=${wall.toFixed(2)} node cpu ms=${cpu.bench} (user ${(user / 1000 / deliveries.length).toFixed(2)}, system ${(system / 1000 / deliveries.length).toFixed(2)}) postgres cpu ms=${cpu.pgBackends} ` +
          `writes=${(sent.writes / deliveries.length).toFixed(2)} bytes=${Math.round(sent.bytes / deliveries.length)} jobs waiting before=${queued?.waiting}`,
      );
    }
    await queue.end();
    if (process.env.REPLAY) await replay(stack.appDatabaseUrl, database);
    if (process.env.PROFILE) {
      const deliveries = (await ordersAwaitingPayment(PER_ROUND)).map(completedDelivery);
      const { profile } = await profiled(() => deliverAll(deliveries), 50);
      if (process.env.PROFILE_FILE) writeFileSync(process.env.PROFILE_FILE, JSON.stringify(profile));
      printSelf(profile, deliveries.length, "", 40);
      console.log("inclusive µs per delivery (the profiler's clock, inflated by its own cost):");
      for (const { name, ms } of inclusive(profile).slice(0, 60)) {
        console.log(`${String(Math.round((ms / deliveries.length) * 1000)).padStart(6)} ${name}`);
      }
    }
    if (process.env.HEAP) {
      const deliveries = (await ordersAwaitingPayment(PER_ROUND)).map(completedDelivery);
      const { profile } = await allocationsOf(() => deliverAll(deliveries));
      const summary = summariseAllocations(profile, 30);
      const kb = (bytes: number) => (bytes / deliveries.length / 1024).toFixed(1).padStart(6);
      console.log(`allocated per delivery (sampled, garbage included): ${kb(summary.totalBytes)} KB; by package or folder:`);
      for (const { bytes, area } of summary.byArea.slice(0, 12)) console.log(`${kb(bytes)} KB ${area}`);
      console.log("by function (self):");
      for (const { bytes, frame } of summary.topFrames) console.log(`${kb(bytes)} KB ${frame}`);
    }
    await flushOperations();
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
