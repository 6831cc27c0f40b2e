import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { runDueJobs } from "@/test/run-jobs";
import { dispatch } from "@/lib/orders/dispatch";
import { placeOrder } from "@/lib/orders/place-order";
import { stripeClient } from "@/lib/payments/stripe-client";
import { createBook, createUser, eventTypes, orderRow, refundRows, stockOf } from "@/test/fixtures";
import { emulatorControl, moneyAtGateway, orderAtGateway, payAtGateway, paidOrderAtGateway, placedOrder } from "@/test/gateway";
import { keepSweepCursor, openUnrecordedSession, reconcileOnce } from "@/test/late-webhooks";
import { deliver, stripeEvent, stripeFixtures } from "@/test/webhooks";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { startPayment } from "@/lib/payments/start-payment";
import { timeOutOrder } from "@/lib/payments/time-out-order";
import { adminRefund, cancelOrder, requestRefund } from "@/lib/orders/user-actions";
import { resetEnvCache } from "@/lib/env";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// Four money defects a money audit found, each test failing before its fix:
// 1-2. a paid session of another amount than the order's (refused: it never pays
//      the order) kept its money at the gateway and held off the order's timeout;
// 3.   an operator's second retry after two payments' refunds failed for good
//      found nothing to retry: a 500, and that money could not be given back;
// 4.   a refund the gateway reported failed after it had succeeded was ignored.

/**
 * Runs the order's due jobs, with its jobs of these tasks made due now (e.g. payment_timeout, refund_payment
 * retries). Only this order's: other files' jobs in this worker's database (their refunds' retries) wait.
 */
async function runJobsNow(orderId: string, tasks: string[] = []): Promise<void> {
  const { db, url } = await getDb();
  if (tasks.length > 0)
    await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where locked_at is null and payload->>'orderId' = ${orderId}
      and task_id in (select id from graphile_worker._private_tasks where identifier = any(${`{${tasks.join(",")}}`}::text[]))`);
  await runDueJobs({ connectionString: url, orderId });
}

/**
 * An order for one book at `priceCents` whose payment attempt is a real
 * emulator session of `sessionCents`: what openCheckoutSession does (session
 * created at the gateway with the order and payment ids in its metadata, then
 * START_PAYMENT with it), except that the gateway's session charges another
 * amount than the order agreed to.
 */
async function orderWithSessionOf(priceCents: number, sessionCents: number) {
  const userId = await createUser();
  const bookId = await createBook(3, priceCents);
  const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 1 }] });
  const { paymentId, session } = await openUnrecordedSession(orderId, sessionCents);
  const started = await dispatch(orderId, { type: "START_PAYMENT", paymentId }, "user", { session });
  if (started.outcome !== "accepted") throw new Error(`START_PAYMENT ${started.outcome}`);
  return { userId, bookId, orderId, paymentId, sessionId: session.id };
}

/** Moves the order's payment deadline into the past (row and machine context). */
async function passDeadline(orderId: string): Promise<void> {
  const { db } = await getDb();
  const deadline = Date.now() - 1_000;
  await db.execute(sql`update orders set payment_deadline = ${new Date(deadline).toISOString()}::timestamptz,
    machine_snapshot = jsonb_set(machine_snapshot, '{context,paymentDeadline}', to_jsonb(${deadline}::bigint)) where id = ${orderId}`);
}

async function paymentsOf(orderId: string) {
  const { db } = await getDb();
  return db.execute<{ id: string; status: string; failure_reason: string | null }>(sql`
    select id, status, failure_reason from payments where order_id = ${orderId} order by created_at`);
}

// A test here moves the gateway's clock (and with it the sweep's cursor) ahead: both go back after it.
let restoreCursor = async () => {};
beforeEach(async () => {
  restoreCursor = await keepSweepCursor();
});
afterEach(async () => {
  delete process.env.JOB_MAX_ATTEMPTS;
  resetEnvCache();
  await emulatorControl("/_emulator/config", { refundOutcome: "succeeded" });
  await emulatorControl("/_emulator/clock", { offsetMs: 0 });
  await restoreCursor();
});

describe("1. a refused (mismatched) paid session and the payment timeout", () => {
  it("the order still times out at its deadline, its stock released and the refused money refunded", async () => {
    const o = await orderWithSessionOf(1500, 1000);
    await payAtGateway(o.sessionId);
    // The success page settles it: refused (amount_mismatch), flagged, and its money on the way back.
    expect((await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId })).outcome).toBe("paid");
    expect(await paymentsOf(o.orderId)).toEqual([{ id: o.paymentId, status: "paid", failure_reason: "amount_mismatch" }]);
    expect((await refundRows(o.orderId)).map((r) => [r.reason, r.status, r.amount_cents])).toEqual([
      ["mismatched_payment", "pending", 1000],
    ]);
    expect((await orderRow(o.orderId)).needs_attention).toBe(true);
    expect((await orderRow(o.orderId)).status).toBe("created");

    await passDeadline(o.orderId);
    // The payment_timeout job (timeOutOrder "timer"), then the reconciler twice (overdue orders: timeOutOrder "reconciler"), then refunds.
    await runJobsNow(o.orderId, ["payment_timeout"]);
    const direct = await timeOutOrder(o.orderId, "timer");
    await reconcileOnce();
    await reconcileOnce();
    await runJobsNow(o.orderId, ["refund_payment", "poll_refund"]);

    expect({
      timeOutOrder: direct === "paid" ? "paid" : "dispatched",
      status: (await orderRow(o.orderId)).status,
      stock: await stockOf(o.bookId),
      gateway: await moneyAtGateway(o.sessionId),
    }).toEqual({
      timeOutOrder: "dispatched",
      status: expect.stringMatching(/^(cancelled|refund_pending|refunded)$/),
      stock: expect.objectContaining({ reserved: 0 }),
      gateway: { captured: 1000, refunded: 1000 },
    });
  });
});

describe("2. refused (mismatched) money when another attempt then pays the order", () => {
  it("the refused session's money is refunded once the order is paid by the next attempt", async () => {
    const o = await orderWithSessionOf(1500, 1000);
    await payAtGateway(o.sessionId);
    await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId });
    expect(await paymentsOf(o.orderId)).toEqual([{ id: o.paymentId, status: "paid", failure_reason: "amount_mismatch" }]);
    // The minute reconciler runs while the order waits (its paid-session sweep reads A's event: ignored, order unpaid).
    await reconcileOnce();

    // The shopper tries again: START_PAYMENT cancels A; the worker runs A's expire job at once (order still unpaid).
    const other = await orderAtGateway({ priceCents: 900 });
    const b = await startPayment({ userId: o.userId, email: "r@example.com", orderId: o.orderId });
    const sessionB = b.checkoutUrl.split("/pay/")[1]!;
    await runJobsNow(o.orderId);
    // A's money went back as soon as it was refused.
    expect((await paymentsOf(o.orderId)).map((p) => p.status)).toEqual(["refunded", "pending"]);

    // A few minutes later: other shoppers' payments move the paid-session sweep's cursor on.
    await emulatorControl("/_emulator/clock", { advanceMs: 5 * 60_000 });
    await payAtGateway(other.sessionId);
    await reconcileOnce();
    expect((await orderRow(other.orderId)).status).toBe("paid");

    // Then this shopper pays B: the order is paid.
    await payAtGateway(sessionB);
    expect((await reconcileSuccessReturn({ userId: o.userId, sessionId: sessionB })).outcome).toBe("paid");
    expect((await orderRow(o.orderId)).status).toBe("paid");

    // Every automatic reader afterwards: the reconciler (twice), every job.
    await reconcileOnce();
    await reconcileOnce();
    await runJobsNow(o.orderId, ["refund_payment", "poll_refund", "expire_checkout_session"]);

    expect({
      payments: (await paymentsOf(o.orderId)).map((p) => p.status),
      refunds: (await refundRows(o.orderId)).map((r) => ({ payment: r.payment_id === o.paymentId ? "A" : "B", status: r.status })),
      gatewayA: await moneyAtGateway(o.sessionId),
    }).toEqual({
      payments: ["refunded", "paid"],
      refunds: [{ payment: "A", status: "succeeded" }],
      gatewayA: { captured: 1000, refunded: 1000 },
    });
  });
});

describe("3. an operator's retry after two different refunds failed for good", () => {
  it("each retry re-sends one failed refund until all the money is back; none answers 500", async () => {
    const o = await placedOrder({ stock: 3, priceCents: 1500 });
    await cancelOrder({ userId: o.userId, orderId: o.orderId });
    // Two late payments on the cancelled order (sessions its metadata names): each is refunded by the machine.
    const first = await openUnrecordedSession(o.orderId, 1500);
    const second = await openUnrecordedSession(o.orderId, 1500);
    await emulatorControl("/_emulator/config", { refundOutcome: "failed" });
    process.env.JOB_MAX_ATTEMPTS = "1"; // every refused refund is final at once: flagged for an operator
    resetEnvCache();
    for (const leaked of [first, second]) {
      await payAtGateway(leaked.sessionId);
      const session = await stripeClient().checkout.sessions.retrieve(leaked.sessionId);
      expect((await deliver(stripeEvent("checkout.session.completed", session as unknown as Record<string, unknown>))).body.outcome).toBe(
        "handled",
      );
    }
    await runJobsNow(o.orderId, ["refund_payment", "poll_refund"]);
    expect((await refundRows(o.orderId)).map((r) => r.status)).toEqual(["failed", "failed"]);
    expect((await orderRow(o.orderId)).status).toBe("refund_pending");

    // The gateway takes refunds again; the operator presses "refund" (retry) twice.
    await emulatorControl("/_emulator/config", { refundOutcome: "succeeded" });
    const admin = await createUser("admin");
    await adminRefund({ adminId: admin, orderId: o.orderId });
    await runJobsNow(o.orderId, ["refund_payment", "poll_refund"]);
    const secondRetry = await adminRefund({ adminId: admin, orderId: o.orderId }).then(
      (view) => view.status,
      (error: Error) => `${error.constructor.name}: ${error.message}`,
    );
    await runJobsNow(o.orderId, ["refund_payment", "poll_refund"]);
    expect({
      secondRetry,
      status: (await orderRow(o.orderId)).status,
      gateway: [await moneyAtGateway(first.sessionId), await moneyAtGateway(second.sessionId)],
    }).toEqual({
      secondRetry: expect.stringMatching(/^(refund_pending|refunded)$/),
      status: "refunded",
      gateway: [
        { captured: 1500, refunded: 1500 },
        { captured: 1500, refunded: 1500 },
      ],
    });
  });
});

describe("4. a refund the gateway reports failed after it reported it succeeded", () => {
  it("refund.failed for a refund the store holds as succeeded is not ignored: the refund is failed and the order flagged", async () => {
    const o = await paidOrderAtGateway({ stock: 3, priceCents: 1100 });
    await requestRefund({ userId: o.userId, orderId: o.orderId });
    await runJobsNow(o.orderId, ["refund_payment", "poll_refund"]);
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    const [refund] = await refundRows(o.orderId);
    expect(refund).toMatchObject({ status: "succeeded", gateway_refund_id: expect.any(String) });

    // Stripe: a refund can move succeeded → failed later (the card is closed); it sends refund.failed / refund.updated.
    const object = {
      ...stripeFixtures.resources.refund,
      id: refund!.gateway_refund_id,
      amount: refund!.amount_cents,
      status: "failed",
      failure_reason: "expired_or_canceled_card",
      metadata: { refund_id: refund!.id, order_id: o.orderId },
    };
    const failed = await deliver(stripeEvent("refund.failed", object));
    const updated = await deliver(stripeEvent("refund.updated", object));
    const row = await orderRow(o.orderId);
    expect({
      outcomes: [failed.body.outcome, updated.body.outcome],
      refund: (await refundRows(o.orderId))[0]!.status,
      needsAttention: row.needs_attention,
      events: (await eventTypes(o.orderId)).includes("RefundFailed"),
    }).toEqual({ outcomes: ["handled", expect.any(String)], refund: "failed", needsAttention: true, events: true });
  });
});
