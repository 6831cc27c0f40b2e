// The driver's floor for a paid webhook: the statements that real deliveries
// send (their texts and parameters, captured from deliveries that were rolled
// back), sent again by postgres.js alone (one connection per lane), in the
// same three round trips, and committed. No drizzle, no machine, no effects, no logging,
// no metrics: what is left is what sending these statements and reading their
// answers costs in Node, and what running them costs PostgreSQL. Used by
// bench/webhook-cost.ts (REPLAY=1) and by bench/webhooks.ts (each case's
// ceiling). docs/BENCHMARKS.md, issue 22.
import postgres from "postgres";
import { countQueries, type SentStatement } from "@/db";
import { postgresAt } from "@/db/connection-target";
import { withOrderTransaction } from "@/db/transaction";
import { handleWebhook } from "@/lib/payments/handle-webhook";
import { completedDelivery, ordersAwaitingPayment } from "./orders";
import { cpuPerRequest, readCpu } from "./proc-cpu";

class CaptureOnly extends Error {}

/**
 * What `n` fresh deliveries would send, each run in a transaction that then
 * rolls back (the orders still await payment): the statements between BEGIN
 * and ROLLBACK. `without`: leave out the statements whose text holds any of
 * these (what they cost is the difference).
 */
export async function captureDeliveries(n: number, without: string[] = [], redeliveries = false): Promise<SentStatement[][]> {
  const out: SentStatement[][] = [];
  const deliveries = (await ordersAwaitingPayment(n)).map(completedDelivery);
  // Redeliveries: each event delivered for real first, so what is captured is a redelivery's statements.
  if (redeliveries) for (const delivery of deliveries) await handleWebhook(delivery.event, delivery.body);
  for (const delivery of deliveries) {
    const counter = countQueries();
    // handleWebhook joins this transaction, which then rolls back.
    await withOrderTransaction(async () => {
      await handleWebhook(delivery.event, delivery.body);
      throw new CaptureOnly();
    }).catch((error: unknown) => {
      if (!(error instanceof CaptureOnly)) throw error;
    });
    // The transaction's statements; the operation log's batched rows, written once a second on
    // another connection, may come by meanwhile and are not the delivery's.
    const statements = counter.statements().filter((s) => !/^insert into "operations"/.test(s.text.trim()));
    const kind = (s: SentStatement | undefined) => s?.text.trim().toLowerCase();
    const first = statements.findIndex((s) => kind(s) === "begin");
    const last = statements.findIndex((s) => kind(s) === "rollback");
    const rest = statements.slice(first + 1, last);
    if (first < 0 || last < first || rest.some((s) => ["begin", "commit", "rollback"].includes(kind(s)!))) {
      throw new Error(`unexpected statements: ${statements.map((s) => s.text.trim().slice(0, 20)).join(" | ")}`);
    }
    if (rest.length < 2) throw new Error(`a delivery sent ${rest.length} statements in its transaction`);
    out.push(rest.filter((s, i) => i < 2 || !without.some((w) => s.text.includes(w))));
  }
  return out;
}

export type Replayer = {
  /** Sends one delivery's statements: BEGIN; the event row and the lock together; the rest with COMMIT. */
  once: (statements: SentStatement[]) => Promise<void>;
  close: () => Promise<void>;
};

/** One postgres.js connection that sends captured statements as they went on the wire. */
export async function replayer(url: string): Promise<Replayer> {
  // `url` as the app reaches the database (stack.appDatabaseUrl): TCP, or its Unix socket.
  const sql = postgresAt(url, { max: 1, onnotice: () => {}, prepare: true });
  // The captured parameters are what went on the wire (postgres.js serialises them in place): sent as they are.
  const serializers = (sql.options as unknown as { serializers: Record<string, unknown> }).serializers;
  for (const type of Object.keys(serializers)) delete serializers[type];
  const reserved = await sql.reserve();
  const send = (s: SentStatement) => reserved.unsafe(s.text, s.parameters as postgres.ParameterOrJSON<never>[], { prepare: true });
  return {
    once: async ([eventRow, lock, ...closing]: SentStatement[]) => {
      await reserved.unsafe("begin");
      await Promise.all([send(eventRow!), send(lock!)]);
      await Promise.all([...closing.map(send), reserved.unsafe("commit")]);
    },
    close: async () => {
      reserved.release();
      await sql.end();
    },
  };
}

export type ReplayRound = { statements: number; wallMs: number; nodeMs: number; userMs: number; systemMs: number; pgMs: number };

/**
 * `rounds` rounds of `perRound` captured deliveries replayed (after 50 to
 * prepare the statements and warm up): per delivery, the wall time, this
 * process's CPU and the CPU of `database`'s PostgreSQL backends. `lanes`:
 * that many deliveries at a time, each lane on a connection of its own (the
 * app's pool), default one at a time; `redeliveries`: a redelivery's
 * statements instead of a first delivery's.
 */
export async function replayRounds(
  url: string,
  database: string,
  rounds: number,
  perRound: number,
  options: { lanes?: number; redeliveries?: boolean } = {},
): Promise<ReplayRound[]> {
  const lanes = await Promise.all(Array.from({ length: options.lanes ?? 1 }, () => replayer(url)));
  const replayAll = async (captured: SentStatement[][]) => {
    let next = 0;
    await Promise.all(
      lanes.map(async (lane) => {
        while (next < captured.length) await lane.once(captured[next++]!);
      }),
    );
  };
  const out: ReplayRound[] = [];
  try {
    // Every lane's connection prepares the statements before the rounds.
    for (let i = 0; i < lanes.length; i++) await replayAll(await captureDeliveries(50, [], options.redeliveries));
    const without = (process.env.REPLAY_WITHOUT ?? "").split(",").filter(Boolean);
    for (let round = 1; round <= rounds; round++) {
      const captured = await captureDeliveries(perRound, without, options.redeliveries);
      const usage = process.cpuUsage();
      const before = readCpu({ servers: [], database });
      const started = performance.now();
      await replayAll(captured);
      const { user, system } = process.cpuUsage(usage);
      const wallMs = (performance.now() - started) / perRound;
      const cpu = cpuPerRequest(before, readCpu({ servers: [], database }), perRound);
      out.push({
        statements: captured[0]!.length + 2,
        wallMs,
        nodeMs: cpu.bench,
        userMs: user / 1000 / perRound,
        systemMs: system / 1000 / perRound,
        pgMs: cpu.pgBackends,
      });
    }
  } finally {
    await Promise.all(lanes.map((lane) => lane.close()));
  }
  return out;
}
