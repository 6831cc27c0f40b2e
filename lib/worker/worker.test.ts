import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { runDueJobs } from "@/test/run-jobs";
import { env } from "@/lib/env";
import { armFault, disarmFaults } from "@/lib/faults";
import { captureLogs } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { dispatch } from "@/lib/orders/dispatch";
import { placeOrder } from "@/lib/orders/place-order";
import { getPaymentGateway } from "@/lib/payments/gateway";
import { createBook, createUser, eventTypes, orderRow, stockOf } from "@/test/fixtures";
import { emulatorControl, payAtGateway, paidOrderAtGateway } from "@/test/gateway";
import { adminPause, adminResume } from "@/lib/orders/user-actions";
import { keepSweepCursor } from "@/test/late-webhooks";

// The worker's tasks run by graphile-worker itself (runOnce) on the test
// database, against the Stripe emulator the test setup started. Other files
// share the queue: a run may also take their due jobs, so every fault is armed
// for this test's order only and every check reads this test's rows.

let url = "";

async function work(): Promise<void> {
  await runDueJobs({ connectionString: url });
}

/** Makes every job for the order due now (retries wait with backoff otherwise). */
async function dueNow(orderId: string): Promise<void> {
  const { db } = await getDb();
  await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where payload->>'orderId' = ${orderId}`);
}

/** Waits until the order's refund job has failed `attempts` times and is unlocked (its failure written). */
async function failureRecorded(orderId: string, attempts: number): Promise<void> {
  const { db } = await getDb();
  for (let i = 0; i < 100; i++) {
    const [row] = await db.execute<{ attempts: number; locked: boolean }>(sql`
      select attempts, locked_at is not null as locked from graphile_worker._private_jobs
      where payload->>'orderId' = ${orderId} and key like 'refund:%'`);
    if (row && row.attempts >= attempts && !row.locked) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the refund job of ${orderId} never recorded failure ${attempts}`);
}

async function jobState(orderId: string, key: string) {
  const { db } = await getDb();
  const rows = await db.execute<{ attempts: number; last_error: string | null }>(sql`
    select attempts, last_error from graphile_worker._private_jobs where payload->>'orderId' = ${orderId} and key = ${key}`);
  return rows[0];
}

type EmulatorRefund = { id: string; amount: number; payment_intent: string; metadata: { refund_id?: string; order_id?: string } };

/** The refunds the gateway created for the order: its `refund.created` events. */
async function refundsCreatedAtGateway(orderId: string): Promise<EmulatorRefund[]> {
  const response = await fetch(`${env().STRIPE_API_BASE}/_emulator/events?type=refund.created`);
  const { data } = (await response.json()) as { data: { event: { data: { object: EmulatorRefund } } }[] };
  return data.map((d) => d.event.data.object).filter((r) => r.metadata.order_id === orderId);
}

/** Runs the order's refund job, which dies right after the gateway refunded, before recording it. */
async function refundJobDiesAfterTheGateway(orderId: string): Promise<void> {
  armFault("refund_payment:after_gateway", { times: 1, orderId });
  await dueNow(orderId);
  await work();
  expect((await orderRow(orderId)).status).toBe("refund_pending");
  expect(await refundsCreatedAtGateway(orderId)).toHaveLength(1);
  // graphile-worker writes the failure (unlock, backoff) after runOnce returns: made due only once it has.
  await failureRecorded(orderId, 1);
}

/**
 * An order placed an hour ago, so its payment window has closed, with an
 * attempt started before the deadline: a real Checkout Session at the emulator.
 */
async function overdueOrderAtGateway(quantity: number, stock: number) {
  const userId = await createUser();
  const bookId = await createBook(stock, 1299);
  const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity }], now: Date.now() - 3_600_000 });
  const paymentId = randomUUID();
  const session = await (
    await getPaymentGateway()
  ).createCheckoutSession({
    orderId,
    paymentId,
    customerEmail: "late@example.com",
    currency: "usd",
    lines: [{ title: "Test Book", quantity, unitPriceCents: 1299 }],
    successUrl: "http://localhost/checkout/success?session_id={CHECKOUT_SESSION_ID}",
    cancelUrl: "http://localhost/checkout/cancelled?session_id={CHECKOUT_SESSION_ID}",
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  await dispatch(orderId, { type: "START_PAYMENT", paymentId, at: Date.now() - 3_500_000 }, "user", { session });
  return { orderId, bookId, paymentId, sessionId: session.id };
}

beforeAll(async () => {
  url = (await getDb()).url;
});

afterEach(() => {
  disarmFaults();
});

describe("worker tasks", () => {
  it("sends the order's e-mails once and fulfils it with a tracking number", async () => {
    const { orderId } = await paidOrderAtGateway();
    await dueNow(orderId);
    await work();
    const row = await orderRow(orderId);
    expect(row.status).toBe("fulfilled");
    expect(row.tracking_number).toMatch(/^PL[0-9A-F]{10}$/);
    const { db } = await getDb();
    const emails = await db.execute<{ subject: string }>(sql`select subject from emails where order_id = ${orderId}`);
    // One of each. The "reserved" and "paid" e-mails are both due when the worker runs, and its
    // concurrent job workers may send them in either order (seen once in CI): compared sorted.
    expect(emails.map((e) => e.subject).sort()).toEqual([
      expect.stringMatching(/has shipped$/),
      expect.stringMatching(/is paid$/),
      expect.stringMatching(/is reserved for you$/),
    ]);
  });

  it("retries a job that crashed after its effect, and the effect happens once", async () => {
    const userId = await createUser();
    const { orderId } = await placeOrder({ userId, items: [{ bookId: await createBook(3), quantity: 1 }] });
    armFault("send_email:after_insert", { times: 1, orderId });
    await work();
    // graphile-worker records the failure just after runOnce returns (seen once in CI: last_error still
    // null): polled briefly, as the success below is.
    await expect
      .poll(async () => (await jobState(orderId, `email:${orderId}:order_created:1`))?.last_error ?? "", { timeout: 5_000 })
      .toMatch(/injected fault/);
    const job = await jobState(orderId, `email:${orderId}:order_created:1`);
    expect(job?.attempts).toBe(1);
    await dueNow(orderId);
    await work();
    // The retry succeeds and graphile-worker deletes the job. Polled briefly:
    // once in CI (embedded PostgreSQL, after other files' runs) the job was
    // still there when runOnce returned and gone a moment later.
    await expect
      .poll(async () => (await jobState(orderId, `email:${orderId}:order_created:1`))?.last_error ?? "done", { timeout: 5_000 })
      .toBe("done");
    const { db } = await getDb();
    expect(await db.execute(sql`select 1 from emails where order_id = ${orderId}`)).toHaveLength(1);
    // Both attempts are kept for the operator, though graphile-worker deleted the finished job.
    const runs = await db.execute<{ attempt: number; outcome: string; error: string | null; duration_ms: number }>(sql`
      select attempt, outcome, error, duration_ms from job_runs where order_id = ${orderId} and task = 'send_email' order by id`);
    expect(runs.map((r) => [r.attempt, r.outcome])).toEqual([
      [1, "failed"],
      [2, "succeeded"],
    ]);
    expect(runs[0]!.error).toMatch(/injected fault/);
    expect(runs.every((r) => r.duration_ms >= 0)).toBe(true);
  });

  it("refunds at the gateway once even when the job dies after the gateway call", async () => {
    const { orderId, bookId } = await paidOrderAtGateway({ stock: 5, priceCents: 1299 });
    await dispatch(orderId, { type: "REQUEST_REFUND", by: "user" }, "user");
    const { db } = await getDb();
    const [refund] = await db.execute<{ id: string }>(sql`select id from refunds where order_id = ${orderId}`);
    await refundJobDiesAfterTheGateway(orderId);
    await dueNow(orderId);
    await work();
    expect((await orderRow(orderId)).status).toBe("refunded");
    // The retry sent the same idempotency key: the gateway still holds one refund, of the whole payment.
    const atGateway = await refundsCreatedAtGateway(orderId);
    expect(atGateway).toHaveLength(1);
    // The whole payment: the books, shipping and tax the gateway charged.
    const { total_cents: total, subtotal_cents: subtotal, shipping_cents: shipping } = await orderRow(orderId);
    expect(subtotal).toBe(1299);
    expect(shipping).toBe(499);
    expect(atGateway[0]).toMatchObject({ amount: total, metadata: { refund_id: refund!.id, order_id: orderId } });
    const [stored] = await db.execute<{ gateway_refund_id: string }>(sql`select gateway_refund_id from refunds where id = ${refund!.id}`);
    expect(stored!.gateway_refund_id).toBe(atGateway[0]!.id);
    expect((await eventTypes(orderId)).filter((t) => t === "PaymentRefunded")).toHaveLength(1);
    expect(await stockOf(bookId)).toEqual({ available: 5, reserved: 0, sold: 0, received: 5 });
  });

  // A money audit's find: the refund id is the gateway's idempotency key, and Stripe keeps a key
  // for 24 hours. A job run after that sent the same refund again: a second refund at the gateway.
  describe("a refund job run more than a day after the gateway took the refund (its idempotency key forgotten)", () => {
    const dayAndAnHour = 25 * 3_600_000;
    let restoreCursor = async () => {};
    beforeEach(async () => {
      restoreCursor = await keepSweepCursor();
    });
    afterEach(async () => {
      await emulatorControl("/_emulator/clock", { offsetMs: 0 });
      await emulatorControl("/_emulator/config", { refundOutcome: "succeeded" });
      await restoreCursor();
    });

    it("RESUME of an order paused for a day asks about its pending refund; it is not sent again", async () => {
      const admin = await createUser("admin");
      // Two copies, one refunded: the charge has room for the same refund twice.
      const { orderId, bookId } = await paidOrderAtGateway({ stock: 3, priceCents: 1500, quantity: 2 });
      await emulatorControl("/_emulator/config", { refundOutcome: "pending" });
      await dispatch(orderId, { type: "REQUEST_PARTIAL_REFUND", by: "admin", lines: [{ bookId, quantity: 1 }] }, "admin");
      await dueNow(orderId);
      await work();
      const { db } = await getDb();
      const [sent] = await db.execute<{ status: string; gateway_refund_id: string | null }>(
        sql`select status, gateway_refund_id from refunds where order_id = ${orderId}`,
      );
      expect(sent).toMatchObject({ status: "pending", gateway_refund_id: expect.stringMatching(/^re_/) });
      expect(await refundsCreatedAtGateway(orderId)).toHaveLength(1);

      await adminPause({ adminId: admin, orderId, reason: "the shopper called about the address" });
      await emulatorControl("/_emulator/clock", { advanceMs: dayAndAnHour });
      await adminResume({ adminId: admin, orderId });
      await dueNow(orderId);
      await work();
      const atGateway = await refundsCreatedAtGateway(orderId);
      expect(atGateway).toHaveLength(1);
      expect(atGateway[0]!.id).toBe(sent!.gateway_refund_id);
    });

    it("a retry after a crash between the gateway's answer and our record finds the refund instead of sending it again", async () => {
      const { orderId } = await paidOrderAtGateway({ stock: 3, priceCents: 1500 });
      await dispatch(orderId, { type: "REQUEST_REFUND", by: "user" }, "user");
      await refundJobDiesAfterTheGateway(orderId);
      await emulatorControl("/_emulator/clock", { advanceMs: dayAndAnHour });
      await dueNow(orderId);
      await work();
      expect((await orderRow(orderId)).status).toBe("refunded");
      expect(await refundsCreatedAtGateway(orderId)).toHaveLength(1);
      expect((await eventTypes(orderId)).filter((t) => t === "PaymentRefunded")).toHaveLength(1);
    });
  });

  it("flags the order for an operator and alerts after the last attempt", async () => {
    const { orderId } = await paidOrderAtGateway();
    await dispatch(orderId, { type: "REQUEST_REFUND", by: "admin" }, "admin");
    const { db } = await getDb();
    await db.execute(
      sql`update graphile_worker._private_jobs set max_attempts = 2 where payload->>'orderId' = ${orderId} and key like 'refund:%'`,
    );
    armFault("refund_payment:before_gateway", { orderId });
    const paused = () =>
      metrics()
        .ordersPaused.get()
        .then((m) => m.values.find((v) => v.labels.task === "refund_payment")?.value ?? 0);
    const pausedBefore = await paused();
    const logs = captureLogs();
    for (let attempt = 1; attempt <= 2; attempt++) {
      await dueNow(orderId);
      await work();
      // The worker may record a failure just after runOnce returns: the next dueNow must see it.
      if (attempt < 2) await failureRecorded(orderId, attempt);
    }
    logs.stop();
    const row = await orderRow(orderId);
    expect(row.needs_attention).toBe(true);
    // The alert: an error line, the metric, and (needs_attention) the admin console's banner.
    const alert = logs.lines().find((l) => l.alert === "order_needs_attention" && l.orderId === orderId);
    expect(alert).toMatchObject({ level: "error", task: "refund_payment" });
    expect(
      logs
        .lines()
        .filter((l) => l.msg === "job failed" && l.orderId === orderId)
        .map((l) => l.attempt),
    ).toEqual([1, 2]);
    expect((await paused()) - pausedBefore).toBe(1);
    const [flag] = await db.execute<{ attention_reason: string }>(sql`select attention_reason from orders where id = ${orderId}`);
    expect(flag?.attention_reason).toMatch(/refund_payment failed after 2 attempts/);
    // The fault stopped it before the gateway: nothing was refunded there.
    expect(await refundsCreatedAtGateway(orderId)).toEqual([]);
  });

  it("times out an unpaid order: session expired at the gateway, stock released", async () => {
    const { orderId, bookId, sessionId } = await overdueOrderAtGateway(3, 4);
    await work();
    expect((await orderRow(orderId)).status).toBe("cancelled");
    expect((await (await getPaymentGateway()).retrieveCheckoutSession(sessionId)).status).toBe("expired");
    expect(await stockOf(bookId)).toEqual({ available: 4, reserved: 0, sold: 0, received: 4 });
    expect(await eventTypes(orderId)).toEqual(["OrderCreated", "PaymentStarted", "PaymentTimedOut", "OrderCancelled"]);
  });

  it("lets a last-second payment win over the timeout", async () => {
    const { orderId, bookId, sessionId } = await overdueOrderAtGateway(1, 4);
    // Paid on the hosted page just before the timer fires; its webhook has not arrived.
    await payAtGateway(sessionId);
    await work();
    expect((await orderRow(orderId)).status).toBe("paid");
    expect(await stockOf(bookId)).toEqual({ available: 3, reserved: 0, sold: 1, received: 4 });
    expect((await (await getPaymentGateway()).retrieveCheckoutSession(sessionId)).status).toBe("complete");
  });

  it("runs each job once with several workers at the same time", async () => {
    const userId = await createUser();
    const orders = await Promise.all(
      Array.from(
        { length: 12 },
        async () =>
          (await placeOrder({ userId, items: [{ bookId: await createBook(2), quantity: 1 }], now: Date.now() - 3_600_000 })).orderId,
      ),
    );
    await Promise.all([work(), work(), work()]);
    for (const orderId of orders) {
      expect((await orderRow(orderId)).status).toBe("cancelled");
      expect((await eventTypes(orderId)).filter((t) => t === "OrderCancelled")).toHaveLength(1);
    }
    const { db } = await getDb();
    const emails = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from emails where order_id = any(${`{${orders.join(",")}}`}::uuid[]) and subject like '%time ran out%'`,
    );
    expect(emails[0]?.n).toBe(12);
  });
});
