import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import postgres from "postgres";
import { countQueries, createSql, getDb, type Sql } from "@/db";
import { handleWebhook } from "@/lib/payments/handle-webhook";
import { eventTypes, orderRow, stockOf } from "@/test/fixtures";
import { orderAwaitingPayment, sessionObject, stripeEvent } from "@/test/webhooks";
import type Stripe from "stripe";
import { countRoundTrips, portOf, WritePipeline } from "./batching";
import { withOrderTransaction } from "./transaction";

async function scratchTable(): Promise<string> {
  const { db } = await getDb();
  const name = `pipeline_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  await db.execute(sql.raw(`create table ${name} (n int primary key)`));
  return name;
}

describe("WritePipeline", () => {
  it("applies queued writes in order and a read behind them sees them all", async () => {
    const { db } = await getDb();
    const table = await scratchTable();
    const rows = await db.transaction(async (tx) => {
      const pipeline = new WritePipeline(tx);
      for (let n = 1; n <= 5; n++) pipeline.write(sql`insert into ${sql.raw(table)} (n) values (${n})`);
      // Order matters: the update only finds the row the third insert made.
      pipeline.write(sql`update ${sql.raw(table)} set n = 30 where n = 3`);
      return pipeline.read<{ n: number }>(sql`select n from ${sql.raw(table)} order by n`);
    });
    expect(rows.map((r) => r.n)).toEqual([1, 2, 4, 5, 30]);
  });

  it("reports the write that failed, not the aborted ones after it, and the transaction keeps nothing", async () => {
    const { db } = await getDb();
    const table = await scratchTable();
    const attempt = db.transaction(async (tx) => {
      const pipeline = new WritePipeline(tx);
      pipeline.write(sql`insert into ${sql.raw(table)} (n) values (1)`);
      pipeline.write(sql`insert into ${sql.raw(table)} (n) values (1)`);
      pipeline.write(sql`insert into ${sql.raw(table)} (n) values (2)`);
      await pipeline.flush();
    });
    await expect(attempt).rejects.toMatchObject({ cause: expect.objectContaining({ code: "23505" }) });
    const left = await db.execute(sql`select n from ${sql.raw(table)}`);
    expect(left).toHaveLength(0);
  });

  it("sends on the transaction's client without drizzle's per-statement layers, with drizzle's text, parameters and results", async () => {
    const { db } = await getDb();
    const table = await scratchTable();
    const rows = await db.transaction(async (tx) => {
      // drizzle's execute builds a prepared-query object (with its spans, logger and cache) per statement: the pipeline does not.
      const session = (tx as unknown as { session: { prepareQuery: (...a: unknown[]) => unknown } }).session;
      const prepareQuery = vi.spyOn(session, "prepareQuery");
      const pipeline = new WritePipeline(tx);
      pipeline.write(sql`insert into ${sql.raw(table)} (n) values (${7})`);
      const read = await pipeline.read<{ n: number; label: string }>(sql`select n, ${"seven"}::text as label from ${sql.raw(table)}`);
      expect(prepareQuery).not.toHaveBeenCalled();
      // The same rows as drizzle's own execute of the same statement.
      expect(await tx.execute(sql`select n from ${sql.raw(table)}`)).toEqual(read.map(({ n }) => ({ n })));
      return read;
    });
    expect(rows).toEqual([{ n: 7, label: "seven" }]);
  });

  it("a read behind a failed write reports the write's error", async () => {
    const { db } = await getDb();
    const table = await scratchTable();
    const attempt = db.transaction(async (tx) => {
      const pipeline = new WritePipeline(tx);
      pipeline.write(sql`insert into ${sql.raw(table)} (n) values (null)`);
      return pipeline.read(sql`select n from ${sql.raw(table)}`);
    });
    await expect(attempt).rejects.toMatchObject({ cause: expect.objectContaining({ code: "23502" }) });
  });
});

describe("withOrderTransaction", () => {
  it("sends COMMIT right behind the queued writes: BEGIN, then the writes and COMMIT, two round trips", async () => {
    const { url } = await getDb();
    const table = await scratchTable();
    const trips: number[] = [];
    // A statement's first use on a pool connection costs one more trip: the least of eight is the warm figure.
    for (let round = 0; round < 8; round++) {
      const counter = countRoundTrips(portOf(url));
      await withOrderTransaction(async ({ pipeline }) => {
        for (let n = 1; n <= 3; n++) pipeline.write(sql`insert into ${sql.raw(table)} (n) values (${round * 10 + n})`);
      });
      trips.push(counter.stop());
    }
    expect(Math.min(...trips)).toBe(2);
    const { db } = await getDb();
    expect(await db.execute(sql`select count(*)::int as n from ${sql.raw(table)}`)).toEqual([{ n: 24 }]);
  });

  it("a queued write that fails is thrown once COMMIT is answered, and the transaction keeps nothing", async () => {
    const table = await scratchTable();
    const attempt = withOrderTransaction(async ({ pipeline }) => {
      pipeline.write(sql`insert into ${sql.raw(table)} (n) values (1)`);
      pipeline.write(sql`insert into ${sql.raw(table)} (n) values (1)`);
      pipeline.write(sql`insert into ${sql.raw(table)} (n) values (2)`);
      return "returned";
    });
    await expect(attempt).rejects.toMatchObject({ cause: expect.objectContaining({ code: "23505" }) });
    const { db } = await getDb();
    expect(await db.execute(sql`select n from ${sql.raw(table)}`)).toHaveLength(0);
  });
});

describe("round trips per webhook (docs/BENCHMARKS.md, sql-per-webhook: at most 8 for a completed payment)", () => {
  it("a completed payment costs 3 round trips once its statements are prepared, a redelivery 3", async () => {
    const { url } = await getDb();
    const deliveries = [];
    for (let i = 0; i < 8; i++) {
      const o = await orderAwaitingPayment();
      deliveries.push({
        o,
        event: stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId)) as unknown as Stripe.Event,
      });
    }
    const trips: number[] = [];
    const again: number[] = [];
    for (const { event } of deliveries) {
      const counter = countRoundTrips(portOf(url));
      expect(await handleWebhook(event)).toBe("handled");
      trips.push(counter.stop());
      const redelivery = countRoundTrips(portOf(url));
      expect(await handleWebhook(event)).toBe("duplicate");
      again.push(redelivery.stop());
    }
    // A statement's first use on a pool connection costs one more trip; the
    // pool's connections are all warm well before the eighth delivery.
    // BEGIN; the event row and the order lock; the closing writes and COMMIT.
    expect(Math.min(...trips)).toBe(3);
    // BEGIN; the event row (a duplicate) and the order lock; ROLLBACK.
    expect(Math.min(...again)).toBe(3);
    for (const { o } of deliveries) {
      expect((await orderRow(o.orderId)).status).toBe("paid");
      expect((await eventTypes(o.orderId)).filter((t) => t === "OrderPaid")).toHaveLength(1);
    }
    expect(await stockOf(deliveries[0]!.o.bookId)).toMatchObject({ reserved: 0, sold: 2 });
  });
});

describe("the order row per paid webhook (docs/BENCHMARKS.md, issue 22)", () => {
  it("is updated by one statement: the sale's columns ride with the snapshot's", async () => {
    const o = await orderAwaitingPayment();
    const { db } = await getDb();
    // The sale (no code) clears this: a code left behind would show its half of the update missing.
    await db.execute(sql`update orders set promotion_code = 'LEFT-BEHIND' where id = ${o.orderId}`);
    const session = sessionObject(o.sessionId, o.orderId, o.paymentId);
    const counter = countQueries();
    expect(await handleWebhook(stripeEvent("checkout.session.completed", session) as unknown as Stripe.Event)).toBe("handled");
    const sent = counter.stop();
    const updates = sent.filter((text) => /^\s*update orders\b/i.test(text));
    expect(updates).toHaveLength(1);
    // The order_changed notice rides in it too, not in a statement of its own.
    expect(updates[0]).toMatch(/returning pg_notify\(/i);
    // (The job statements wake the worker with their own notice, as graphile-worker's functions did.)
    expect(sent.filter((text) => /pg_notify\((?!'jobs:insert')/i.test(text))).toHaveLength(1);
    // Both halves arrived: the snapshot's status and paid time, the sale's total and (no) code.
    const [row] = await db.execute<{ status: string; total_cents: number; promotion_code: string | null; paid_at: Date | null }>(
      sql`select status, total_cents, promotion_code, paid_at from orders where id = ${o.orderId}`,
    );
    expect(row).toMatchObject({ status: "paid", total_cents: 2598, promotion_code: null });
    expect(row!.paid_at).not.toBeNull();
  });
});

describe("withPreparedStatements", () => {
  it("a statement with parameters costs one round trip once prepared, where unprepared it costs two", async () => {
    const { url } = await getDb();
    const prepared = createSql(url, 1);
    const unprepared = postgres(url, { max: 1, prepare: false, onnotice: () => {} });
    const tripsFor = async (client: Sql) => {
      await client.unsafe("select $1::int as n", [1]); // connects (and prepares, when it does)
      const counter = countRoundTrips(portOf(url));
      const rows = await client.unsafe<{ n: number }[]>("select $1::int as n", [2]);
      const trips = counter.stop();
      expect(rows[0]!.n).toBe(2);
      return trips;
    };
    try {
      expect(await tripsFor(prepared)).toBe(1);
      expect(await tripsFor(unprepared)).toBe(2);
    } finally {
      await prepared.end();
      await unprepared.end();
    }
  });
});

describe("countQueries", () => {
  it("counts what a client made before it sends, and leaves the client without postgres.js's debug hook when closed", async () => {
    const { url } = await getDb();
    const client = createSql(url, 1);
    const hook = () => (client as unknown as { options: { debug: unknown } }).options.debug;
    try {
      // No counter open: no hook, so postgres.js captures no stack trace per statement.
      expect(hook()).toBe(false);
      const counter = countQueries();
      expect(typeof hook()).toBe("function");
      await client.unsafe("select $1::int as counted", [1]);
      await client.begin((tx) => tx.unsafe("select 2 as in_transaction"));
      const statements = counter.stop();
      expect(statements).toContain("select $1::int as counted");
      expect(statements).toContain("select 2 as in_transaction");
      expect(hook()).toBe(false);
      await client.unsafe("select 3 as not_counted");
      expect(counter.stop()).not.toContain("select 3 as not_counted");
    } finally {
      await client.end();
    }
  });
});
