import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { writeOffStock } from "@/lib/catalog/stock-admin";
import { reconcileSuccessReturn, recordCancelledReturn } from "@/lib/payments/return-from-gateway";
import { stripeClient } from "@/lib/payments/stripe-client";
import { createUser, eventTypes, orderRow, refundRows, stockOf } from "@/test/fixtures";
import { createPromotionCode, orderAtGateway, payAtGatewayWith } from "@/test/gateway";
import { runOrderJobs } from "@/test/run-jobs";
import { deliver, stripeEvent } from "@/test/webhooks";
import { startPayment } from "@/lib/payments/start-payment";
import { adminFulfil, adminRefund, cancelOrder, requestRefund } from "./user-actions";

// An order a 100% promotion code made free (the books over the free-shipping threshold, so nothing at all
// to pay). Stripe completes such a session with payment_status "no_payment_required" and no payment
// intent. Before: the store waited for a payment that never comes (the success page said "processing"
// until the order timed out and was cancelled: the shopper's free books never shipped); and had it been
// paid, nothing could cancel it or write off its copies (every guard wanted money to refund). Each test
// failed before its fix.

/** A shopper's order for `quantity` copies at 60.00 (free standard shipping), with a 100% code: a free order at the gateway. */
async function freeOrderAtGateway(quantity = 1) {
  const code = await createPromotionCode({ percentOff: 100 });
  const o = await orderAtGateway({ stock: 3, priceCents: 6000, quantity });
  const paid = await payAtGatewayWith(o.sessionId, { promotionCode: code, method: "standard" });
  expect(paid.status).toBe("succeeded");
  const session = await stripeClient().checkout.sessions.retrieve(o.sessionId);
  expect(session).toMatchObject({ status: "complete", payment_status: "no_payment_required", amount_total: 0, payment_intent: null });
  return { ...o, session };
}

/**
 * An order at 60.00 (free standard shipping) with two payment pages open at the gateway: the shopper came
 * back from the first without paying (its session stays open until its expiry job runs), then opened a
 * second. And a 100 % code to pay either with.
 */
async function twoPaymentPages() {
  const code = await createPromotionCode({ percentOff: 100 });
  const o = await orderAtGateway({ stock: 3, priceCents: 6000 });
  await recordCancelledReturn({ userId: o.userId, sessionId: o.sessionId });
  const second = await startPayment({ userId: o.userId, email: "r@example.com", orderId: o.orderId });
  expect(second.checkoutUrl).not.toContain(o.sessionId);
  return { code, o, secondSession: second.checkoutUrl.split("/pay/")[1]! };
}

async function mails(orderId: string) {
  const { db } = await getDb();
  return db.execute<{ subject: string; text_body: string }>(
    sql`select subject, text_body from emails where order_id = ${orderId} order by created_at, id`,
  );
}

describe("a free order (a 100% promotion code)", () => {
  it("the shopper's return from the payment page makes it paid: 0 charged, the copies sold, the warehouse asked", async () => {
    const o = await freeOrderAtGateway();
    expect((await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId })).outcome).toBe("paid");
    expect(await orderRow(o.orderId)).toMatchObject({ status: "paid", total_cents: 0, discount_cents: 6000, shipping_cents: 0 });
    expect(await stockOf(o.bookId)).toEqual({ available: 2, reserved: 0, sold: 1, received: 3 });
    expect(await eventTypes(o.orderId)).toContain("OrderPaid");
    const admin = await createUser("admin");
    await adminFulfil({ adminId: admin, orderId: o.orderId });
    expect((await orderRow(o.orderId)).status).toBe("fulfilled");
  });

  it("the checkout.session.completed webhook alone makes it paid (no payment intent to wait for)", async () => {
    const o = await freeOrderAtGateway();
    const answer = await deliver(stripeEvent("checkout.session.completed", o.session as unknown as Record<string, unknown>));
    expect(answer.body.outcome).toBe("handled");
    expect((await orderRow(o.orderId)).status).toBe("paid");
  });

  it("the shopper may cancel it before it ships: nothing to refund, the books back on the shelf, an e-mail that says so", async () => {
    const o = await freeOrderAtGateway(2);
    await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId });
    const view = await requestRefund({ userId: o.userId, orderId: o.orderId });
    expect(view.status).toBe("refunded");
    expect(await stockOf(o.bookId)).toEqual({ available: 3, reserved: 0, sold: 0, received: 3 });
    expect(await refundRows(o.orderId)).toHaveLength(0);
    expect(await eventTypes(o.orderId)).toContain("OrderClosed");
    await runOrderJobs(o.orderId, { tasks: ["send_email"] });
    expect((await mails(o.orderId)).find((m) => m.subject.endsWith("is cancelled"))?.text_body).toContain(
      "It was free, so there is nothing to refund.",
    );
    // Once closed, neither the warehouse nor an operator can ship it.
    const admin = await createUser("admin");
    await expect(adminFulfil({ adminId: admin, orderId: o.orderId })).rejects.toThrow();
  });

  it("an operator's write-off of its missing copies closes it (before: refused, the copies stayed sold)", async () => {
    const o = await freeOrderAtGateway(1);
    await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId });
    const result = await writeOffStock({ bookId: o.bookId, copies: 3 });
    expect(result.writtenOff).toBe(3);
    expect(await stockOf(o.bookId)).toEqual({ available: 0, reserved: 0, sold: 0, received: 0 });
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect(await refundRows(o.orderId)).toHaveLength(0);
    // The shopper hears it is cancelled (the write-off said nothing before).
    await runOrderJobs(o.orderId, { tasks: ["send_email"] });
    expect((await mails(o.orderId)).find((m) => m.subject.endsWith("is cancelled"))?.text_body).toContain("We cancelled your order.");
  });

  it("an operator may cancel it; a paid order with money is refunded as before", async () => {
    const o = await freeOrderAtGateway();
    await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId });
    const admin = await createUser("admin");
    expect((await adminRefund({ adminId: admin, orderId: o.orderId })).status).toBe("refunded");
    expect(await stockOf(o.bookId)).toEqual({ available: 3, reserved: 0, sold: 0, received: 3 });
    expect(await refundRows(o.orderId)).toHaveLength(0);
    await runOrderJobs(o.orderId, { tasks: ["send_email"] });
    expect((await mails(o.orderId)).find((m) => m.subject.endsWith("is cancelled"))?.text_body).toContain("We cancelled your order.");
  });

  it("a partly discounted order is not free: it pays and refunds through the gateway", async () => {
    const code = await createPromotionCode({ percentOff: 50 });
    const o = await orderAtGateway({ stock: 3, priceCents: 6000 });
    await payAtGatewayWith(o.sessionId, { promotionCode: code, method: "standard" });
    await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId });
    const session: Stripe.Checkout.Session = await stripeClient().checkout.sessions.retrieve(o.sessionId);
    expect(session.payment_status).toBe("paid");
    const view = await requestRefund({ userId: o.userId, orderId: o.orderId });
    expect(view.status).toBe("refund_pending");
    expect(await refundRows(o.orderId)).toMatchObject([{ amount_cents: session.amount_total }]);
  });

  // A review's finds on the first version: money a free session "took" (nothing) started a refund of 0
  // that no job can send (no payment intent), and the order stayed refund_pending for good.
  it("a free session completed after the order was cancelled: recorded, nothing refunded, the order stays cancelled", async () => {
    const code = await createPromotionCode({ percentOff: 100 });
    const o = await orderAtGateway({ stock: 3, priceCents: 6000 });
    await cancelOrder({ userId: o.userId, orderId: o.orderId });
    // The session is still open at the gateway (its expiry job has not run): the shopper completes it.
    await payAtGatewayWith(o.sessionId, { promotionCode: code, method: "standard" });
    const session = await stripeClient().checkout.sessions.retrieve(o.sessionId);
    expect((await deliver(stripeEvent("checkout.session.completed", session as unknown as Record<string, unknown>))).body.outcome).toBe(
      "handled",
    );
    expect((await orderRow(o.orderId)).status).toBe("cancelled");
    expect(await refundRows(o.orderId)).toHaveLength(0);
    const { db } = await getDb();
    const [payment] = await db.execute<{ status: string; amount_cents: number }>(
      sql`select status, amount_cents from payments where id = ${o.paymentId}`,
    );
    expect(payment).toEqual({ status: "cancelled", amount_cents: 0 });
  });

  it("a free duplicate of a card payment takes nothing; the card payment's refund then ends the order refunded", async () => {
    const { code, o, secondSession } = await twoPaymentPages();
    await payAtGatewayWith(secondSession, { method: "standard" });
    await reconcileSuccessReturn({ userId: o.userId, sessionId: secondSession });
    expect((await orderRow(o.orderId)).status).toBe("paid");
    await payAtGatewayWith(o.sessionId, { promotionCode: code, method: "standard" });
    const free = await stripeClient().checkout.sessions.retrieve(o.sessionId);
    expect((await deliver(stripeEvent("checkout.session.completed", free as unknown as Record<string, unknown>))).body.outcome).toBe(
      "handled",
    );
    expect(await refundRows(o.orderId)).toHaveLength(0);
    const admin = await createUser("admin");
    await adminRefund({ adminId: admin, orderId: o.orderId });
    await runOrderJobs(o.orderId, { rounds: 2 });
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect((await refundRows(o.orderId)).map((r) => r.status)).toEqual(["succeeded"]);
  });

  it("a free order with a card payment's refund still on its way cannot be cancelled until that money is back", async () => {
    const { code, o, secondSession } = await twoPaymentPages();
    await payAtGatewayWith(secondSession, { promotionCode: code, method: "standard" });
    await reconcileSuccessReturn({ userId: o.userId, sessionId: secondSession });
    expect(await orderRow(o.orderId)).toMatchObject({ status: "paid", total_cents: 0 });
    // The first page, paid by card too: a duplicate, refunded (its refund job not run yet).
    await payAtGatewayWith(o.sessionId, { method: "standard" });
    const card = await stripeClient().checkout.sessions.retrieve(o.sessionId);
    expect(card.payment_status).toBe("paid");
    expect((await deliver(stripeEvent("checkout.session.completed", card as unknown as Record<string, unknown>))).body.outcome).toBe(
      "handled",
    );
    expect((await refundRows(o.orderId)).map((r) => r.status)).toEqual(["pending"]);
    await expect(requestRefund({ userId: o.userId, orderId: o.orderId })).rejects.toThrow();
    await runOrderJobs(o.orderId, { rounds: 2 });
    expect((await refundRows(o.orderId)).map((r) => r.status)).toEqual(["succeeded"]);
    expect((await requestRefund({ userId: o.userId, orderId: o.orderId })).status).toBe("refunded");
  });
});
