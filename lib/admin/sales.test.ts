import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { dispatch } from "@/lib/orders/dispatch";
import { placeOrder } from "@/lib/orders/place-order";
import { adminRefund, cancelOrder } from "@/lib/orders/user-actions";
import type { OrderEventInput } from "@/lib/orders/types";
import { createBook, createUser } from "@/test/fixtures";
import { awayFromUtcMidnight } from "@/test/utc-day";
import { orderStatuses } from "@/db/schema";
import { countOrdersByStatus } from "./order-overview";
import { salesByDay, sumSalesDays, type SalesDay } from "./sales";

// Other files share this database, so figures are checked as deltas on today's
// row, or on a window in 2001 that only this file writes to.

const created: string[] = [];

// A test reads today's row before and after: one that started in the last 20 s
// of a UTC day would read its "after" from the next day's row. Such a test
// starts just after midnight instead (each takes a few seconds).
beforeEach(() => awayFromUtcMidnight(20_000), 30_000);

afterAll(async () => {
  const { db } = await getDb();
  const ids = `{${created.join(",")}}`;
  await db.execute(sql`delete from graphile_worker._private_jobs where payload->>'orderId' = any(${ids}::text[])`);
  // Only the hand-made 2001 rows go: today's real orders hold stock, and the
  // conservation checks elsewhere expect their order rows to stay.
  await db.execute(sql`delete from orders where id = any(${ids}::uuid[]) and created_at < '2002-01-01'`);
});

async function newOrder(userId: string, bookId: number): Promise<{ orderId: string; totalCents: number }> {
  const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 1 }] });
  created.push(orderId);
  const { db } = await getDb();
  const [row] = await db.execute<{ total_cents: number }>(sql`select total_cents from orders where id = ${orderId}`);
  return { orderId, totalCents: row!.total_cents };
}

async function pay(orderId: string, totalCents: number): Promise<string> {
  const paymentId = randomUUID();
  await dispatch(orderId, { type: "START_PAYMENT", paymentId }, "user", { session: { id: `cs_${paymentId}`, url: "https://pay.test" } });
  const result = await dispatch(orderId, { type: "PAYMENT_SUCCEEDED", paymentId, amountCents: totalCents, currency: "usd" }, "gateway");
  expect(result.status).toBe("paid");
  return paymentId;
}

/** A dispute on the payment, through dispatch as the webhook sends it: opened, then closed with `status`. */
async function dispute(orderId: string, paymentId: string, amountCents: number, status: "won" | "lost") {
  const facts = { paymentId, disputeId: `dp_${randomUUID()}`, amountCents, reason: "fraudulent", evidenceDueBy: null };
  for (const event of [
    { type: "DISPUTE_OPENED", ...facts, status: "needs_response" },
    { type: "DISPUTE_CLOSED", ...facts, status },
  ] as OrderEventInput[]) {
    expect((await dispatch(orderId, event, "gateway")).outcome).toBe("accepted");
  }
}

/** The same figures straight from the tables, for one UTC day. */
async function figuresBySql(day: string) {
  const { db } = await getDb();
  const [row] = await db.execute<{ revenue: number; refunds: number; lost: number }>(sql`
    select
      (select coalesce(sum(total_cents), 0)::int from orders where (paid_at at time zone 'UTC')::date = ${day}::date) as revenue,
      (select coalesce(sum(amount_cents), 0)::int from refunds where status = 'succeeded' and (updated_at at time zone 'UTC')::date = ${day}::date
        and coalesce(reason, '') not in ('late_payment', 'duplicate_payment', 'unrecorded_payment', 'mismatched_payment')) as refunds,
      -- Lost disputes of the orders' own payments: a stray payment (one the store gives back) has a refund with a stray reason.
      (select coalesce(sum(d.amount_cents), 0)::int from disputes d where d.outcome = 'lost' and (d.closed_at at time zone 'UTC')::date = ${day}::date
        and not exists (select 1 from refunds r where r.payment_id = d.payment_id
          and r.reason in ('late_payment', 'duplicate_payment', 'unrecorded_payment', 'mismatched_payment'))) as lost`);
  return {
    revenueCents: row!.revenue,
    refundedCents: row!.refunds,
    lostCents: row!.lost,
    netCents: row!.revenue - row!.refunds - row!.lost,
  };
}

type Figures = Omit<SalesDay, "day">;

function delta(before: SalesDay, after: SalesDay): Figures {
  return {
    placed: after.placed - before.placed,
    byStatus: Object.fromEntries(orderStatuses.map((s) => [s, after.byStatus[s] - before.byStatus[s]])) as Figures["byStatus"],
    paymentsTaken: after.paymentsTaken - before.paymentsTaken,
    revenueCents: after.revenueCents - before.revenueCents,
    refundedCents: after.refundedCents - before.refundedCents,
    lostCents: after.lostCents - before.lostCents,
    netCents: after.netCents - before.netCents,
  };
}

const noStatuses = Object.fromEntries(orderStatuses.map((s) => [s, 0])) as Figures["byStatus"];
const statuses = (counts: Partial<Figures["byStatus"]>) => ({ ...noStatuses, ...counts });

describe("salesByDay", () => {
  it("has exactly `days` rows, one per UTC day ending today, oldest first", async () => {
    const now = new Date();
    const { days } = await salesByDay({ days: 30, now });
    expect(days).toHaveLength(30);
    expect(days.at(-1)!.day).toBe(now.toISOString().slice(0, 10));
    for (let i = 1; i < days.length; i++) {
      expect(Date.parse(`${days[i]!.day}T00:00:00Z`) - Date.parse(`${days[i - 1]!.day}T00:00:00Z`)).toBe(86_400_000);
    }
    expect((await salesByDay({ days: 1 })).days).toHaveLength(1);
    expect((await salesByDay({ days: 0 })).days).toHaveLength(1);
  });

  it("moves today's figures by exactly what was placed, paid, cancelled and refunded", async () => {
    const userId = await createUser();
    const adminId = await createUser("admin");
    const bookId = await createBook(10, 1250);
    const [before] = (await salesByDay({ days: 1 })).days;

    const kept = await newOrder(userId, bookId);
    await pay(kept.orderId, kept.totalCents);
    const cancelled = await newOrder(userId, bookId);
    await cancelOrder({ userId, orderId: cancelled.orderId });
    const refunded = await newOrder(userId, bookId);
    await pay(refunded.orderId, refunded.totalCents);
    await adminRefund({ adminId, orderId: refunded.orderId });
    const { db } = await getDb();
    const [refund] = await db.execute<{ id: string }>(sql`select id from refunds where order_id = ${refunded.orderId}`);
    await dispatch(refunded.orderId, { type: "REFUND_SUCCEEDED", refundId: refund!.id }, "gateway");
    await newOrder(userId, bookId); // placed, never paid

    const report = await salesByDay({ days: 1 });
    expect(report.days[0]!.day).toBe(before!.day);
    expect(report.currency).toBe("usd");
    expect(delta(before!, report.days[0]!)).toEqual({
      placed: 4,
      byStatus: statuses({ created: 1, paid: 1, cancelled: 1, refunded: 1 }),
      paymentsTaken: 2,
      revenueCents: kept.totalCents + refunded.totalCents,
      refundedCents: refunded.totalCents,
      lostCents: 0,
      netCents: kept.totalCents,
    });
  });

  it("net revenue = captured − refunded − lost in disputes: a lost dispute lowers it, a won one does not; the figures match SQL over the tables", async () => {
    const userId = await createUser();
    const bookId = await createBook(10, 1800);
    const [before] = (await salesByDay({ days: 1 })).days;
    const lost = await newOrder(userId, bookId);
    await dispute(lost.orderId, await pay(lost.orderId, lost.totalCents), 1100, "lost");
    const won = await newOrder(userId, bookId);
    await dispute(won.orderId, await pay(won.orderId, won.totalCents), won.totalCents, "won");
    const [today] = (await salesByDay({ days: 1 })).days;
    expect(delta(before!, today!)).toEqual({
      placed: 2,
      byStatus: statuses({ paid: 2 }),
      paymentsTaken: 2,
      revenueCents: lost.totalCents + won.totalCents,
      refundedCents: 0,
      lostCents: 1100,
      netCents: lost.totalCents + won.totalCents - 1100,
    });
    // Every money column of the last week against the tables (nothing else writes between the two reads here).
    const { days } = await salesByDay({ days: 7 });
    for (const day of days) {
      const { revenueCents, refundedCents, lostCents, netCents } = day;
      expect({ revenueCents, refundedCents, lostCents, netCents }, day.day).toEqual(await figuresBySql(day.day));
    }
  });

  // A money audit's find: money an order never took was refunded in full, and the report
  // counted the refund but never the money, so net revenue fell by money the store never kept.
  it("money an order never took (paid after its cancel, paid twice) moves neither revenue nor refunds when given back", async () => {
    const userId = await createUser();
    const bookId = await createBook(10, 1700);
    const [before] = (await salesByDay({ days: 1 })).days;
    const late = await newOrder(userId, bookId);
    const latePayment = randomUUID();
    await dispatch(late.orderId, { type: "START_PAYMENT", paymentId: latePayment }, "user", {
      session: { id: `cs_${latePayment}`, url: "https://pay.test" },
    });
    expect((await dispatch(late.orderId, { type: "CANCEL" }, "user")).status).toBe("cancelled");
    const landed = { type: "PAYMENT_SUCCEEDED", paymentId: latePayment, amountCents: late.totalCents, currency: "usd" } as const;
    expect((await dispatch(late.orderId, landed, "gateway")).status).toBe("refund_pending");
    const twice = await newOrder(userId, bookId);
    await pay(twice.orderId, twice.totalCents);
    const second = randomUUID();
    await dispatch(
      twice.orderId,
      { type: "UNRECORDED_PAYMENT", paymentId: second, sessionId: `cs_${second}`, amountCents: twice.totalCents, currency: "usd" },
      "gateway",
    );
    const { db } = await getDb();
    const refunds = await db.execute<{ id: string; order_id: string; reason: string }>(
      sql`select id, order_id, reason from refunds where order_id in (${late.orderId}, ${twice.orderId}) and status = 'pending' order by reason`,
    );
    expect(refunds.map((r) => r.reason)).toEqual(["late_payment", "unrecorded_payment"]);
    for (const r of refunds) await dispatch(r.order_id, { type: "REFUND_SUCCEEDED", refundId: r.id }, "gateway");
    const [today] = (await salesByDay({ days: 1 })).days;
    expect(delta(before!, today!)).toMatchObject({
      paymentsTaken: 1,
      revenueCents: twice.totalCents,
      refundedCents: 0,
      lostCents: 0,
      netCents: twice.totalCents,
    });
    const { revenueCents, refundedCents, lostCents, netCents } = today!;
    expect({ revenueCents, refundedCents, lostCents, netCents }).toEqual(await figuresBySql(today!.day));
  });

  it("orders in every state: each placed order counted once by its status now, agreeing with the orders page and with SQL over the tables", async () => {
    const userId = await createUser();
    const adminId = await createUser("admin");
    const bookId = await createBook(20, 1500);
    const { db } = await getDb();
    const today = new Date().toISOString().slice(0, 10);
    const [before] = (await salesByDay({ days: 1 })).days;
    const succeedRefunds = async (orderId: string) => {
      const pending = await db.execute<{ id: string }>(sql`select id from refunds where order_id = ${orderId} and status = 'pending'`);
      for (const r of pending) await dispatch(orderId, { type: "REFUND_SUCCEEDED", refundId: r.id }, "gateway");
    };
    const ship = (orderId: string) =>
      dispatch(orderId, { type: "FULFIL", trackingNumber: `PL${randomUUID().slice(0, 8)}`, estimatedDelivery: "2030-01-01" }, "admin");

    const awaiting = await newOrder(userId, bookId);
    const paid = await newOrder(userId, bookId);
    await pay(paid.orderId, paid.totalCents);
    const shipped = await newOrder(userId, bookId);
    await pay(shipped.orderId, shipped.totalCents);
    expect((await ship(shipped.orderId)).status).toBe("fulfilled");
    const delivered = await newOrder(userId, bookId);
    await pay(delivered.orderId, delivered.totalCents);
    await ship(delivered.orderId);
    expect((await dispatch(delivered.orderId, { type: "DELIVER", by: "admin" }, "admin")).status).toBe("delivered");
    const refunded = await newOrder(userId, bookId);
    await pay(refunded.orderId, refunded.totalCents);
    await adminRefund({ adminId, orderId: refunded.orderId });
    await succeedRefunds(refunded.orderId);
    const partly = await newOrder(userId, bookId);
    await pay(partly.orderId, partly.totalCents);
    const partial = await dispatch(
      partly.orderId,
      { type: "REQUEST_PARTIAL_REFUND", refundId: randomUUID(), by: "admin", amountCents: 300, windowDays: 14 },
      "admin",
    );
    expect(partial.outcome).toBe("accepted");
    await succeedRefunds(partly.orderId);
    const cancelled = await newOrder(userId, bookId);
    await cancelOrder({ userId, orderId: cancelled.orderId });
    const disputed = await newOrder(userId, bookId);
    await dispute(disputed.orderId, await pay(disputed.orderId, disputed.totalCents), 1100, "lost");
    const pendingRefund = await newOrder(userId, bookId);
    await pay(pendingRefund.orderId, pendingRefund.totalCents);
    await adminRefund({ adminId, orderId: pendingRefund.orderId });

    const [after] = (await salesByDay({ days: 1 })).days;
    const [orderPage, bySql] = await Promise.all([
      countOrdersByStatus({ from: today, to: today }),
      db.execute<{ status: string; n: number }>(sql`
        select status, count(*)::int as n from orders where (created_at at time zone 'UTC')::date = ${today}::date group by status`),
    ]);
    const paidTotals = [paid, shipped, delivered, refunded, partly, disputed, pendingRefund].reduce((sum, o) => sum + o.totalCents, 0);
    expect(delta(before!, after!)).toEqual({
      placed: 9,
      // The partly refunded and the disputed order are still paid; their money is in refunds and lost.
      byStatus: statuses({ created: 1, paid: 3, fulfilled: 1, delivered: 1, refunded: 1, refund_pending: 1, cancelled: 1 }),
      paymentsTaken: 7,
      revenueCents: paidTotals,
      refundedCents: refunded.totalCents + 300,
      lostCents: 1100,
      netCents: paidTotals - refunded.totalCents - 300 - 1100,
    });
    expect(awaiting.orderId).toBeTruthy();
    // The whole day, not just this test's orders: statuses add up to the orders placed, and are the orders page's counts and SQL's.
    expect(Object.values(after!.byStatus).reduce((a, b) => a + b, 0)).toBe(after!.placed);
    expect(after!.byStatus).toEqual(Object.fromEntries(orderPage.map((c) => [c.status, c.count])));
    expect(after!.byStatus).toEqual(statuses(Object.fromEntries(bySql.map((r) => [r.status, r.n]))));
    const [payments] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from orders where (paid_at at time zone 'UTC')::date = ${today}::date`,
    );
    expect(after!.paymentsTaken).toBe(payments!.n);
    const { revenueCents, refundedCents, lostCents, netCents } = after!;
    expect({ revenueCents, refundedCents, lostCents, netCents }).toEqual(await figuresBySql(today));
  });

  it("buckets by UTC day at the edges, fills quiet days with zeros and skips unsettled refunds", async () => {
    const { db } = await getDb();
    const userId = await createUser();
    const at = (iso: string) => `2001-${iso}Z`;
    async function insertOrder(createdAt: string, paidAt: string | null, totalCents: number): Promise<string> {
      const id = randomUUID();
      created.push(id);
      await db.execute(sql`
        insert into orders (id, user_id, status, machine_snapshot, machine_version, payment_deadline, subtotal_cents, total_cents, currency, created_at, paid_at, updated_at)
        values (${id}, ${userId}, ${paidAt ? "paid" : "created"}, '{}'::jsonb, 1, ${createdAt}::timestamptz, ${totalCents}, ${totalCents}, 'eur',
                ${createdAt}::timestamptz, ${paidAt}::timestamptz, ${createdAt}::timestamptz)`);
      return id;
    }
    async function insertEvent(orderId: string, type: string, createdAt: string) {
      await db.execute(
        sql`insert into order_events (order_id, type, to_state, source, created_at) values (${orderId}, ${type}, 'x', 'system', ${createdAt}::timestamptz)`,
      );
    }
    async function insertRefund(orderId: string, status: string, amountCents: number, updatedAt: string) {
      const [payment] = await db.execute<{ id: string }>(
        sql`insert into payments (order_id, amount_cents, currency, status) values (${orderId}, ${amountCents}, 'eur', 'paid') returning id`,
      );
      await db.execute(sql`
        insert into refunds (order_id, payment_id, status, amount_cents, currency, created_at, updated_at)
        values (${orderId}, ${payment!.id}, ${status}, ${amountCents}, 'eur', ${updatedAt}::timestamptz, ${updatedAt}::timestamptz)`);
    }

    await insertOrder(at("02-25T23:59:59.999"), null, 100); // the day before the window
    const lateFeb = await insertOrder(at("02-28T23:59:59.999"), at("03-01T00:00:00"), 2000);
    await insertEvent(lateFeb, "OrderCreated", at("02-28T23:59:59.999"));
    await insertEvent(lateFeb, "OrderPaid", at("03-01T00:00:00"));
    await insertEvent(lateFeb, "PaymentRefunded", at("03-02T10:00:00"));
    await insertRefund(lateFeb, "succeeded", 2000, at("03-02T10:00:00"));
    await insertRefund(lateFeb, "failed", 2000, at("03-02T09:00:00"));
    const march = await insertOrder(at("03-01T00:00:00"), null, 700);
    await insertEvent(march, "OrderCancelled", at("03-01T12:00:00"));
    await insertRefund(march, "pending", 700, at("03-01T12:00:00"));
    await insertEvent(march, "OrderCancelled", at("03-03T00:00:00")); // the day after the window

    const report = await salesByDay({ days: 5, now: new Date(at("03-02T18:30:00")) });
    const zero = { placed: 0, byStatus: noStatuses, paymentsTaken: 0, revenueCents: 0, refundedCents: 0, lostCents: 0, netCents: 0 };
    expect(sumSalesDays(report.days)).toEqual({
      placed: 2,
      byStatus: statuses({ created: 1, paid: 1 }),
      paymentsTaken: 1,
      revenueCents: 2000,
      refundedCents: 2000,
      lostCents: 0,
      netCents: 0,
    });
    // Orders on the day they were placed, by their status now; payments and refunds on the day they happened.
    expect(report).toEqual({
      currency: "eur",
      from: "2001-02-26",
      to: "2001-03-02",
      days: [
        { day: "2001-02-26", ...zero },
        { day: "2001-02-27", ...zero },
        { day: "2001-02-28", ...zero, placed: 1, byStatus: statuses({ paid: 1 }) },
        { day: "2001-03-01", ...zero, placed: 1, byStatus: statuses({ created: 1 }), paymentsTaken: 1, revenueCents: 2000, netCents: 2000 },
        { day: "2001-03-02", ...zero, refundedCents: 2000, netCents: -2000 },
      ],
    });
  });
});
