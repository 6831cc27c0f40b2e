import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { armFault, disarmFaults } from "@/lib/faults";
import { captureLogs } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { dispatch } from "@/lib/orders/dispatch";
import { placeOrder } from "@/lib/orders/place-order";
import { setPaymentGateway, type CheckoutSessionInfo, type PaymentGateway, type RefundInfo } from "@/lib/payments/gateway";
import { createBook, createUser, eventTypes, orderRow, stockOf } from "@/test/fixtures";
import { taskList } from "./tasks";

// The worker's tasks run by graphile-worker itself (runOnce) on the test database.

const quiet = new Logger(() => () => {});
let url = "";

async function work(): Promise<void> {
  await runOnce({ connectionString: url, taskList, logger: quiet });
}

/** Makes every job for the order due now (retries wait with backoff otherwise). */
async function dueNow(orderId: string): Promise<void> {
  const { db } = await getDb();
  await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where payload->>'orderId' = ${orderId}`);
}

async function jobState(orderId: string, key: string) {
  const { db } = await getDb();
  const rows = await db.execute<{ attempts: number; last_error: string | null }>(sql`
    select attempts, last_error from graphile_worker._private_jobs where payload->>'orderId' = ${orderId} and key = ${key}`);
  return rows[0];
}

/** A gateway double that behaves like Stripe on idempotency keys. */
function fakeGateway(sessions: Map<string, CheckoutSessionInfo>) {
  const refunds = new Map<string, RefundInfo>();
  const calls = { createRefund: 0 };
  const gateway: PaymentGateway = {
    createCheckoutSession: async () => ({ id: `cs_${randomUUID()}`, url: "https://pay.example/session" }),
    retrieveCheckoutSession: async (id) => sessions.get(id)!,
    expireCheckoutSession: async (id) => {
      const session = sessions.get(id)!;
      if (session.status === "open") sessions.set(id, { ...session, status: "expired" });
      return sessions.get(id)!;
    },
    createRefund: async (input) => {
      calls.createRefund += 1;
      const existing = refunds.get(input.refundId);
      if (existing) return existing;
      const refund: RefundInfo = { id: `re_${randomUUID()}`, status: "succeeded", amount: input.amountCents, refundId: input.refundId, failureReason: null };
      refunds.set(input.refundId, refund);
      return refund;
    },
    retrieveRefund: async (id) => [...refunds.values()].find((r) => r.id === id)!,
    retrievePaymentIntent: async (id) => {
      throw new Error(`the fake gateway keeps no payment intents (${id})`);
    },
    listPaidSessionEvents: async () => [],
  };
  return { gateway, refunds, calls };
}

async function paidOrder(sessions: Map<string, CheckoutSessionInfo>) {
  const userId = await createUser();
  const bookId = await createBook(5);
  const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 1 }] });
  const paymentId = randomUUID();
  const sessionId = `cs_${paymentId}`;
  await dispatch(orderId, { type: "START_PAYMENT", paymentId }, "user", { session: { id: sessionId, url: "https://pay.example" } });
  sessions.set(sessionId, { id: sessionId, url: null, status: "complete", paymentStatus: "paid", amountTotal: 1299, currency: "usd", paymentIntentId: `pi_${paymentId}`, orderId, paymentId });
  await dispatch(orderId, { type: "PAYMENT_SUCCEEDED", paymentId, amountCents: 1299, currency: "usd", paymentIntentId: `pi_${paymentId}` }, "gateway");
  return { orderId, bookId, paymentId, sessionId };
}

beforeAll(async () => {
  const { db, url: databaseUrl } = await getDb();
  url = databaseUrl;
  // Jobs left by other test files (which share this database) are not ours to run.
  await db.execute(sql`delete from graphile_worker._private_jobs`);
});

afterEach(() => {
  disarmFaults();
  setPaymentGateway(undefined);
});

describe("worker tasks", () => {
  it("sends the order's e-mails once and fulfils it with a tracking number", async () => {
    const { orderId } = await paidOrder(new Map());
    await dueNow(orderId);
    await work();
    const row = await orderRow(orderId);
    expect(row.status).toBe("fulfilled");
    expect(row.tracking_number).toMatch(/^PL[0-9A-F]{10}$/);
    const { db } = await getDb();
    const emails = await db.execute<{ subject: string }>(sql`select subject from emails where order_id = ${orderId} order by created_at`);
    expect(emails.map((e) => e.subject)).toEqual([expect.stringMatching(/reserved/), expect.stringMatching(/is paid/), expect.stringMatching(/on its way/)]);
  });

  it("retries a job that crashed after its effect, and the effect happens once", async () => {
    const userId = await createUser();
    const { orderId } = await placeOrder({ userId, items: [{ bookId: await createBook(3), quantity: 1 }] });
    armFault("send_email:after_insert", { times: 1 });
    await work();
    const job = await jobState(orderId, `email:${orderId}:order_created:1`);
    expect(job?.attempts).toBe(1);
    expect(job?.last_error).toMatch(/injected fault/);
    await dueNow(orderId);
    await work();
    // The retry succeeds and graphile-worker deletes the job. Polled briefly:
    // once in CI (embedded PostgreSQL, after other files' runs) the job was
    // still there when runOnce returned and gone a moment later.
    await expect.poll(async () => (await jobState(orderId, `email:${orderId}:order_created:1`))?.last_error ?? "done", { timeout: 5_000 }).toBe("done");
    const { db } = await getDb();
    expect(await db.execute(sql`select 1 from emails where order_id = ${orderId}`)).toHaveLength(1);
    // Both attempts are kept for the operator, though graphile-worker deleted the finished job.
    const runs = await db.execute<{ attempt: number; outcome: string; error: string | null; duration_ms: number }>(sql`
      select attempt, outcome, error, duration_ms from job_runs where order_id = ${orderId} and task = 'send_email' order by id`);
    expect(runs.map((r) => [r.attempt, r.outcome])).toEqual([[1, "failed"], [2, "succeeded"]]);
    expect(runs[0]!.error).toMatch(/injected fault/);
    expect(runs.every((r) => r.duration_ms >= 0)).toBe(true);
  });

  it("refunds through the gateway once even when the job dies after the gateway call", async () => {
    const sessions = new Map<string, CheckoutSessionInfo>();
    const { gateway, calls } = fakeGateway(sessions);
    setPaymentGateway(gateway);
    const { orderId, bookId } = await paidOrder(sessions);
    await dispatch(orderId, { type: "REQUEST_REFUND", by: "user" }, "user");
    armFault("refund_payment:after_gateway", { times: 1 });
    await dueNow(orderId);
    await work();
    expect((await orderRow(orderId)).status).toBe("refund_pending");
    await dueNow(orderId);
    await work();
    expect((await orderRow(orderId)).status).toBe("refunded");
    expect(calls.createRefund).toBe(2);
    expect((await eventTypes(orderId)).filter((t) => t === "PaymentRefunded")).toHaveLength(1);
    expect(await stockOf(bookId)).toEqual({ available: 5, reserved: 0, sold: 0, received: 5 });
  });

  it("flags the order for an operator and alerts after the last attempt", async () => {
    const sessions = new Map<string, CheckoutSessionInfo>();
    setPaymentGateway(fakeGateway(sessions).gateway);
    const { orderId } = await paidOrder(sessions);
    await dispatch(orderId, { type: "REQUEST_REFUND", by: "admin" }, "admin");
    const { db } = await getDb();
    await db.execute(sql`update graphile_worker._private_jobs set max_attempts = 2 where payload->>'orderId' = ${orderId} and key like 'refund:%'`);
    armFault("refund_payment:before_gateway");
    const paused = () => metrics().ordersPaused.get().then((m) => m.values.find((v) => v.labels.task === "refund_payment")?.value ?? 0);
    const pausedBefore = await paused();
    const logs = captureLogs();
    for (let attempt = 0; attempt < 2; attempt++) {
      await dueNow(orderId);
      await work();
    }
    logs.stop();
    const row = await orderRow(orderId);
    expect(row.needs_attention).toBe(true);
    // The alert: an error line, the metric, and (needs_attention) the admin console's banner.
    const alert = logs.lines().find((l) => l.alert === "order_needs_attention" && l.orderId === orderId);
    expect(alert).toMatchObject({ level: "error", task: "refund_payment" });
    expect(logs.lines().filter((l) => l.msg === "job failed" && l.orderId === orderId).map((l) => l.attempt)).toEqual([1, 2]);
    expect((await paused()) - pausedBefore).toBe(1);
    const [flag] = await db.execute<{ attention_reason: string }>(sql`select attention_reason from orders where id = ${orderId}`);
    expect(flag?.attention_reason).toMatch(/refund_payment failed after 2 attempts/);
  });

  it("times out an unpaid order: session expired at the gateway, stock released", async () => {
    const sessions = new Map<string, CheckoutSessionInfo>();
    setPaymentGateway(fakeGateway(sessions).gateway);
    const userId = await createUser();
    const bookId = await createBook(4);
    const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 3 }], now: Date.now() - 3_600_000 });
    const paymentId = randomUUID();
    const sessionId = `cs_${paymentId}`;
    sessions.set(sessionId, { id: sessionId, url: null, status: "open", paymentStatus: "unpaid", amountTotal: 3897, currency: "usd", paymentIntentId: null, orderId, paymentId });
    await dispatch(orderId, { type: "START_PAYMENT", paymentId, at: Date.now() - 3_500_000 }, "user", { session: { id: sessionId, url: "https://pay.example" } });
    await work();
    expect((await orderRow(orderId)).status).toBe("cancelled");
    expect(sessions.get(sessionId)?.status).toBe("expired");
    expect(await stockOf(bookId)).toEqual({ available: 4, reserved: 0, sold: 0, received: 4 });
    expect(await eventTypes(orderId)).toEqual(["OrderCreated", "PaymentStarted", "PaymentTimedOut", "OrderCancelled"]);
  });

  it("lets a last-second payment win over the timeout", async () => {
    const sessions = new Map<string, CheckoutSessionInfo>();
    setPaymentGateway(fakeGateway(sessions).gateway);
    const userId = await createUser();
    const bookId = await createBook(4);
    const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 1 }], now: Date.now() - 3_600_000 });
    const paymentId = randomUUID();
    const sessionId = `cs_${paymentId}`;
    sessions.set(sessionId, { id: sessionId, url: null, status: "complete", paymentStatus: "paid", amountTotal: 1299, currency: "usd", paymentIntentId: `pi_${paymentId}`, orderId, paymentId });
    await dispatch(orderId, { type: "START_PAYMENT", paymentId, at: Date.now() - 3_500_000 }, "user", { session: { id: sessionId, url: "https://pay.example" } });
    await work();
    expect((await orderRow(orderId)).status).toBe("paid");
    expect(await stockOf(bookId)).toEqual({ available: 3, reserved: 0, sold: 1, received: 4 });
  });

  it("runs each job once with several workers at the same time", async () => {
    const userId = await createUser();
    const orders = await Promise.all(
      Array.from({ length: 12 }, async () => (await placeOrder({ userId, items: [{ bookId: await createBook(2), quantity: 1 }], now: Date.now() - 3_600_000 })).orderId),
    );
    await Promise.all([work(), work(), work()]);
    for (const orderId of orders) {
      expect((await orderRow(orderId)).status).toBe("cancelled");
      expect((await eventTypes(orderId)).filter((t) => t === "OrderCancelled")).toHaveLength(1);
    }
    const { db } = await getDb();
    const emails = await db.execute<{ n: number }>(sql`select count(*)::int as n from emails where order_id = any(${`{${orders.join(",")}}`}::uuid[]) and subject like '%time ran out%'`);
    expect(emails[0]?.n).toBe(12);
  });
});
