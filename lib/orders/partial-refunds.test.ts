import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { runDueJobs, runOrderJobs } from "@/test/run-jobs";
import { withOrderTransaction } from "@/db/transaction";
import { addCartItem, createCart } from "@/lib/cart/cart-store";
import { renderEmail } from "@/lib/notifications/render-email";
import { insertRefund } from "@/lib/payments/store";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { startPayment } from "@/lib/payments/start-payment";
import { stripeClient } from "@/lib/payments/stripe-client";
import { createBook, createUser, orderRow, stockOf } from "@/test/fixtures";
import { createPromotionCode, emulatorControl, payAtGatewayWith } from "@/test/gateway";
import { checkoutCart } from "./checkout-cart";
import { dispatch } from "./dispatch";
import { getOrder, getOrderForUser } from "./order-view";
import { adminFulfil, adminPartialRefund, adminRefund, requestPartialRefund } from "./user-actions";

// Partial refunds end to end: dispatch on the real database, the refund job,
// the emulated gateway. Lines, shipping, goodwill; never more than captured
// (the machine's guard, and the database's CHECK when the guard is bypassed),
// also under 20 concurrent requests; stock; failures and retries.

let url = "";

beforeAll(async () => {
  url = (await getDb()).url;
});

afterEach(async () => {
  await emulatorControl("/_emulator/config", { refundOutcome: "succeeded" });
});

/** Runs the order's refund jobs (retries made due). */
const work = (orderId: string) => runOrderJobs(orderId);

/** A paid two-line order: two copies of A (15.00), one of B (22.00), express shipping and a 10 % code. */
async function paidTwoLineOrder() {
  const userId = await createUser();
  const [bookA, bookB] = await Promise.all([createBook(5, 1500), createBook(5, 2200)]);
  const cart = await createCart(userId);
  await addCartItem(cart, bookA, 2);
  await addCartItem(cart, bookB, 1);
  const { order } = await checkoutCart({ userId });
  const { checkoutUrl } = await startPayment({ userId, email: "r@example.com", orderId: order.id });
  const sessionId = checkoutUrl.split("/pay/")[1]!;
  await payAtGatewayWith(sessionId, { method: "express", promotionCode: await createPromotionCode({ percentOff: 10 }) });
  await reconcileSuccessReturn({ userId, sessionId });
  const { db } = await getDb();
  const [payment] = await db.execute<{ id: string; amount_cents: number; gateway_payment_intent_id: string }>(
    sql`select id, amount_cents, gateway_payment_intent_id from payments where order_id = ${order.id} and status = 'paid'`,
  );
  return { userId, orderId: order.id, bookA, bookB, payment: payment! };
}

/** What the shopper paid for a line, from the order's rows: price × quantity − discount + tax. */
async function linePaid(orderId: string, bookId: number): Promise<{ paid: number; quantity: number }> {
  const { db } = await getDb();
  const [line] = await db.execute<{ paid: number; quantity: number }>(sql`
    select (unit_price_cents * quantity - discount_cents + tax_cents)::int as paid, quantity from order_items
    where order_id = ${orderId} and book_id = ${bookId}`);
  return line!;
}

async function paymentMoney(paymentId: string) {
  const { db } = await getDb();
  const [row] = await db.execute<{ status: string; amount_cents: number; refunded_cents: number }>(
    sql`select status, amount_cents, refunded_cents from payments where id = ${paymentId}`,
  );
  return row!;
}

async function refundRows(orderId: string) {
  const { db } = await getDb();
  return db.execute<{ id: string; status: string; amount_cents: number }>(
    sql`select id, status, amount_cents from refunds where order_id = ${orderId} order by created_at, id`,
  );
}

/** The refunds the gateway made for a payment intent: our refund id (metadata) → amount. */
async function gatewayRefunds(paymentIntentId: string): Promise<{ refundId: string; amount: number; status: string }[]> {
  const listed = await stripeClient().refunds.list({ payment_intent: paymentIntentId, limit: 100 }).autoPagingToArray({ limit: 1000 });
  return listed.map((r) => ({ refundId: r.metadata?.refund_id ?? "", amount: r.amount, status: r.status ?? "" }));
}

describe("partial refunds through dispatch", () => {
  it("a shopper refunds one of two lines before shipping: its amount, its copy back on the shelf, the order partially refunded", async () => {
    const o = await paidTwoLineOrder();
    const b = await linePaid(o.orderId, o.bookB);
    const view = await requestPartialRefund({
      userId: o.userId,
      orderId: o.orderId,
      lines: [{ bookId: o.bookB, quantity: 1 }],
      reason: "changed my mind",
    });
    expect(view.status).toBe("paid");
    expect(view.displayStatus).toBe("partially_refunded");
    expect(view.refunds).toEqual([
      expect.objectContaining({
        status: "pending",
        amountCents: b.paid,
        partial: { lines: [{ bookId: o.bookB, quantity: 1, title: expect.any(String) }], shippingCents: 0, goodwillCents: 0 },
      }),
    ]);
    expect(view.refundableLines.map((l) => [l.bookId, l.quantity])).toEqual([[o.bookA, 2]]);
    expect(await stockOf(o.bookB)).toEqual({ available: 5, reserved: 0, sold: 0, received: 5 });
    expect(await stockOf(o.bookA)).toEqual({ available: 3, reserved: 0, sold: 2, received: 5 });
    expect(await paymentMoney(o.payment.id)).toMatchObject({ status: "paid", refunded_cents: b.paid });

    await work(o.orderId);
    expect((await refundRows(o.orderId)).map((r) => r.status)).toEqual(["succeeded"]);
    expect((await orderRow(o.orderId)).status).toBe("paid");
    expect(await paymentMoney(o.payment.id)).toMatchObject({ status: "paid", refunded_cents: b.paid });
    const [refund] = await refundRows(o.orderId);
    expect(await gatewayRefunds(o.payment.gateway_payment_intent_id)).toEqual([
      { refundId: refund!.id, amount: b.paid, status: "succeeded" },
    ]);
    // The same copy again: refused, with the reason.
    await expect(
      requestPartialRefund({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookB, quantity: 1 }] }),
    ).rejects.toMatchObject({
      code: "invalid_transition",
      message: expect.stringMatching(/0 of 1 copies are left to refund/),
    });
  });

  it("the units of a line add up to its paid total; then a whole refund gives back the rest and the order is refunded", async () => {
    const o = await paidTwoLineOrder();
    const a = await linePaid(o.orderId, o.bookA);
    const first = await adminPartialRefund({
      adminId: await createUser("admin"),
      orderId: o.orderId,
      lines: [{ bookId: o.bookA, quantity: 1 }],
    });
    const second = await requestPartialRefund({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookA, quantity: 1 }] });
    expect(first.refunds[0]!.amountCents + second.refunds[1]!.amountCents).toBe(a.paid);
    expect(await stockOf(o.bookA)).toEqual({ available: 5, reserved: 0, sold: 0, received: 5 });
    const whole = await adminRefund({ adminId: await createUser("admin"), orderId: o.orderId });
    expect(whole.status).toBe("refund_pending");
    expect(whole.refunds[2]!.amountCents).toBe(o.payment.amount_cents - a.paid);
    // Only the copy still out went back.
    expect(await stockOf(o.bookB)).toEqual({ available: 5, reserved: 0, sold: 0, received: 5 });
    await work(o.orderId);
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect(await paymentMoney(o.payment.id)).toMatchObject({ status: "refunded", refunded_cents: o.payment.amount_cents });
    const atGateway = await gatewayRefunds(o.payment.gateway_payment_intent_id);
    expect(atGateway.reduce((sum, r) => sum + r.amount, 0)).toBe(o.payment.amount_cents);
  });

  it("an operator refunds the shipping and goodwill of a shipped order: no stock moves", async () => {
    const o = await paidTwoLineOrder();
    const admin = await createUser("admin");
    await adminFulfil({ adminId: admin, orderId: o.orderId });
    const before = await getOrder(o.orderId);
    // A shopper cannot after shipping.
    await expect(
      requestPartialRefund({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookA, quantity: 1 }] }),
    ).rejects.toMatchObject({
      code: "invalid_transition",
    });
    const view = await adminPartialRefund({
      adminId: admin,
      orderId: o.orderId,
      shippingCents: before.shippingCents,
      amountCents: 250,
      reason: "late",
    });
    expect(view.status).toBe("fulfilled");
    expect(view.displayStatus).toBe("partially_refunded");
    expect(view.refunds[0]).toMatchObject({
      amountCents: before.shippingCents + 250,
      partial: { lines: [], shippingCents: before.shippingCents, goodwillCents: 250 },
    });
    expect(view.refundableCents).toBe(o.payment.amount_cents - before.shippingCents - 250);
    expect(await stockOf(o.bookA)).toEqual({ available: 3, reserved: 0, sold: 2, received: 5 });
    // The shipping once only.
    await expect(adminPartialRefund({ adminId: admin, orderId: o.orderId, shippingCents: 1 })).rejects.toMatchObject({
      message: expect.stringMatching(/only 0 of the shipping is left/),
    });
    await work(o.orderId);
    const shopper = await getOrderForUser(o.userId, o.orderId);
    expect(shopper.displayStatus).toBe("partially_refunded");
    expect(shopper.refunds[0]!.status).toBe("succeeded");
  });

  it("more than was captured is refused with the reason, and nothing changes", async () => {
    const o = await paidTwoLineOrder();
    const admin = await createUser("admin");
    const before = await orderRow(o.orderId);
    await expect(adminPartialRefund({ adminId: admin, orderId: o.orderId, amountCents: o.payment.amount_cents + 1 })).rejects.toMatchObject(
      {
        code: "invalid_transition",
        message: expect.stringMatching(new RegExp(`more than the ${o.payment.amount_cents} left of what was captured`)),
      },
    );
    expect(await refundRows(o.orderId)).toEqual([]);
    expect((await orderRow(o.orderId)).revision).toBe(before.revision);
    expect(await paymentMoney(o.payment.id)).toMatchObject({ refunded_cents: 0 });
  });

  it("the database refuses a refund past the captured amount even when the machine's guard is bypassed", async () => {
    const o = await paidTwoLineOrder();
    await adminPartialRefund({ adminId: await createUser("admin"), orderId: o.orderId, amountCents: 100 });
    // The effect the machine would emit, written directly: 100 is held already, so the rest plus one is too much.
    const tooMuch = withOrderTransaction(async ({ pipeline }) => {
      insertRefund(pipeline, {
        id: randomUUID(),
        orderId: o.orderId,
        paymentId: o.payment.id,
        amountCents: o.payment.amount_cents - 99,
        currency: "usd",
        reason: "requested_by_admin",
      });
    });
    await expect(tooMuch).rejects.toMatchObject({ cause: expect.objectContaining({ constraint_name: "payments_refunded_check" }) });
    expect((await refundRows(o.orderId)).map((r) => r.amount_cents)).toEqual([100]);
    expect(await paymentMoney(o.payment.id)).toMatchObject({ refunded_cents: 100 });
  });

  it("a refund the gateway refuses gives its amount back, is retried under a new id with the same lines, then lands", async () => {
    const o = await paidTwoLineOrder();
    const b = await linePaid(o.orderId, o.bookB);
    await emulatorControl("/_emulator/config", { refundOutcome: "failed" });
    await requestPartialRefund({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookB, quantity: 1 }] });
    await work(o.orderId);
    expect((await refundRows(o.orderId)).map((r) => [r.status, r.amount_cents])).toEqual([
      ["failed", b.paid],
      ["pending", b.paid],
    ]);
    expect(await paymentMoney(o.payment.id)).toMatchObject({ refunded_cents: b.paid });
    await emulatorControl("/_emulator/config", { refundOutcome: "succeeded" });
    await work(o.orderId);
    const view = await getOrder(o.orderId);
    expect(view.refunds.map((r) => r.status)).toEqual(["failed", "succeeded"]);
    expect(view.refunds[1]!.partial?.lines).toEqual([expect.objectContaining({ bookId: o.bookB, quantity: 1 })]);
    expect(await stockOf(o.bookB)).toEqual({ available: 5, reserved: 0, sold: 0, received: 5 });
    expect(await paymentMoney(o.payment.id)).toMatchObject({ status: "paid", refunded_cents: b.paid });
  });
});

describe("20 concurrent partial refunds on one order", () => {
  it("never exceed the captured amount, and each accepted one is refunded exactly once at the gateway", async () => {
    const o = await paidTwoLineOrder();
    const captured = o.payment.amount_cents;
    // Each asks for a seventh of the money (rounded up): at most six fit.
    const each = Math.ceil(captured / 7) + 1;
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const results = await Promise.all(
      ids.map((refundId, i) =>
        dispatch(
          o.orderId,
          i % 4 === 0
            ? { type: "REQUEST_PARTIAL_REFUND", refundId, by: "admin", lines: [{ bookId: o.bookA, quantity: 1 }] }
            : { type: "REQUEST_PARTIAL_REFUND", refundId, by: "admin", amountCents: each },
          "admin",
        ),
      ),
    );
    const accepted = ids.filter((_, i) => results[i]!.outcome === "accepted");
    const refunds = await refundRows(o.orderId);
    expect(refunds.map((r) => r.id).sort()).toEqual([...accepted].sort());
    const total = refunds.reduce((sum, r) => sum + r.amount_cents, 0);
    expect(total).toBeLessThanOrEqual(captured);
    expect(accepted.length).toBeGreaterThan(1);
    expect(accepted.length).toBeLessThan(20);
    // Two copies of A at most, whatever the order the requests were served in.
    const a = await getOrder(o.orderId);
    expect(a.refunds.filter((r) => r.partial?.lines.length).length).toBeLessThanOrEqual(2);
    expect(await paymentMoney(o.payment.id)).toMatchObject({ refunded_cents: total });

    await work(o.orderId);
    await work(o.orderId);
    const atGateway = await gatewayRefunds(o.payment.gateway_payment_intent_id);
    expect(atGateway.map((r) => r.refundId).sort()).toEqual([...accepted].sort());
    expect(Object.fromEntries(atGateway.map((r) => [r.refundId, r.amount]))).toEqual(
      Object.fromEntries(refunds.map((r) => [r.id, r.amount_cents])),
    );
    expect(atGateway.every((r) => r.status === "succeeded")).toBe(true);
    expect(atGateway.reduce((sum, r) => sum + r.amount, 0)).toBeLessThanOrEqual(captured);
  }, 60_000);
});

describe("the refund e-mail", () => {
  const order = {
    id: "abcdef12-0000-0000-0000-000000000000",
    customerName: "Ada",
    currency: "usd",
    shippingAddress: null,
    paymentDeadline: new Date(0),
    trackingNumber: null,
    estimatedDelivery: null,
    items: [{ title: "A Book", quantity: 2, unitPriceCents: 1000 }],
    subtotalCents: 2000,
    discountCents: 0,
    shippingCents: 0,
    taxCents: 0,
    totalCents: 2000,
    promotionCode: null,
    shippingMethod: null,
  };

  it("says how much a partial refund gives back; a whole refund reads as before", () => {
    const partial = renderEmail("refund_started", order, { reason: "requested_by_customer", amountCents: 1000, partial: true });
    expect(partial.text).toContain("We are refunding $10.00 of your payment because you asked us to. The rest of your order is unchanged.");
    const whole = renderEmail("refund_started", order, { reason: "requested_by_customer" });
    expect(whole.text).toContain("We are refunding your payment because you asked us to.");
  });

  it("the machine asks for it with the partial refund's amount", async () => {
    const o = await paidTwoLineOrder();
    await requestPartialRefund({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookB, quantity: 1 }] });
    const { db } = await getDb();
    const jobs = await db.execute<{ data: { amountCents?: number; partial?: boolean } }>(sql`
      select payload->'data' as data from graphile_worker._private_jobs
      where payload->>'orderId' = ${o.orderId} and payload->>'template' = 'refund_started'`);
    expect(jobs.map((j) => j.data)).toEqual([
      { reason: "requested_by_customer", amountCents: (await linePaid(o.orderId, o.bookB)).paid, partial: true },
    ]);
  });
});

describe("every copy refunded before shipping", () => {
  it("the warehouse ships nothing and hands the order to an operator, who refunds the rest", async () => {
    const o = await paidTwoLineOrder();
    await requestPartialRefund({
      userId: o.userId,
      orderId: o.orderId,
      lines: [
        { bookId: o.bookA, quantity: 2 },
        { bookId: o.bookB, quantity: 1 },
      ],
    });
    const { db } = await getDb();
    await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where key = ${`fulfil:${o.orderId}`}`);
    await runDueJobs({ connectionString: url, orderId: o.orderId });
    const row = await orderRow(o.orderId);
    expect(row.status).toBe("paid");
    expect(row.needs_attention).toBe(true);
    const [flag] = await db.execute<{ attention_reason: string }>(sql`select attention_reason from orders where id = ${o.orderId}`);
    expect(flag!.attention_reason).toMatch(/every copy was refunded/);
    await adminRefund({ adminId: await createUser("admin"), orderId: o.orderId });
    await work(o.orderId);
    await work(o.orderId);
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect(await paymentMoney(o.payment.id)).toMatchObject({ status: "refunded", refunded_cents: o.payment.amount_cents });
    expect(await stockOf(o.bookA)).toEqual({ available: 5, reserved: 0, sold: 0, received: 5 });
  });
});
