import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { salesByDay } from "@/lib/admin/sales";
import { resetEnvCache } from "@/lib/env";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { stripeClient } from "@/lib/payments/stripe-client";
import { createUser, orderRow, refundRows } from "@/test/fixtures";
import { createPromotionCode, emulatorControl, orderAtGateway, payAtGateway, payAtGatewayWith } from "@/test/gateway";
import { openUnrecordedSession } from "@/test/late-webhooks";
import { runOrderJobs } from "@/test/run-jobs";
import { deliver, stripeEvent } from "@/test/webhooks";
import { adminDeliver, adminFulfil, adminPartialRefund, adminReceiveReturn, requestRefund, requestReturn } from "./user-actions";

// Disputes and refunds meeting, and a line refunded copy by copy (a money audit's finds, round 3):
// each test failed before its fix, where the defect was.

const DISPUTED_CARD = "4000000000000259"; // pays, then the card network opens a chargeback at once

afterEach(async () => {
  delete process.env.JOB_MAX_ATTEMPTS;
  resetEnvCache();
  await emulatorControl("/_emulator/config", { refundOutcome: "succeeded" });
});

/** Runs the order's jobs, its refund jobs (and their retries and polls) made due now. */
const work = (orderId: string) => runOrderJobs(orderId);

/** Each payment of the order: captured, held by refunds (pending + succeeded), lost in disputes. */
async function paymentMoney(orderId: string) {
  const { db } = await getDb();
  return db.execute<{ id: string; amount_cents: number; refunded_cents: number; lost_cents: number }>(sql`
    select p.id, p.amount_cents, p.refunded_cents,
      coalesce((select sum(d.amount_cents) from disputes d where d.payment_id = p.id and d.outcome = 'lost'), 0)::int as lost_cents
    from payments p where p.order_id = ${orderId} and p.amount_cents is not null order by p.created_at`);
}

const asObject = (o: object) => o as unknown as Record<string, unknown>;

/** The gateway's dispute on a session's payment, delivered to the store as its signed webhooks: opened, then (optionally) decided. */
async function disputeOfSession(sessionId: string): Promise<Stripe.Dispute> {
  const stripe = stripeClient();
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  const [dispute] = (await stripe.disputes.list({ payment_intent: String(session.payment_intent) })).data;
  expect(dispute, "the card network opened a dispute").toBeDefined();
  return dispute!;
}

async function deliverDisputeOpened(dispute: Stripe.Dispute): Promise<void> {
  expect((await deliver(stripeEvent("charge.dispute.created", asObject(dispute)))).body.outcome).toBe("handled");
}

async function loseDispute(dispute: Stripe.Dispute): Promise<void> {
  await emulatorControl(`/_emulator/disputes/${dispute.id}/close`, { outcome: "lost" });
  const closed = await stripeClient().disputes.retrieve(dispute.id);
  expect(closed.status).toBe("lost");
  expect((await deliver(stripeEvent("charge.dispute.closed", asObject(closed)))).body.outcome).toBe("handled");
}

/** The refund job meets the open dispute (refunds.create: charge_disputed), then the dispute is lost: the payment's money then. */
async function refusedThenLost(orderId: string, dispute: Stripe.Dispute) {
  await work(orderId);
  await loseDispute(dispute);
  await work(orderId);
  const [payment] = await paymentMoney(orderId);
  expect(payment!.lost_cents).toBe(payment!.amount_cents);
  return payment;
}

/**
 * A paid order (one copy at 15.00) and a second payment for it that the store never recorded (a payment
 * page opened for the order whose START_PAYMENT was lost), paid with a card the network then disputes.
 * The store records that money and refunds it (unrecorded_payment); the shopper's bank charges it back
 * and the dispute is lost.
 */
async function paidOrderWithLostDisputeOnStrayPayment() {
  const o = await orderAtGateway({ stock: 3, priceCents: 1500 });
  await payAtGateway(o.sessionId);
  expect((await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId })).outcome).toBe("paid");
  const stray = await openUnrecordedSession(o.orderId, 1500);
  await payAtGateway(stray.sessionId, DISPUTED_CARD);
  const session = await stripeClient().checkout.sessions.retrieve(stray.sessionId);
  expect((await deliver(stripeEvent("checkout.session.completed", asObject(session)))).body.outcome).toBe("handled");
  const dispute = await disputeOfSession(stray.sessionId);
  await deliverDisputeOpened(dispute);
  await work(o.orderId); // the stray money's refund: the gateway refuses it (charge_disputed)
  await loseDispute(dispute);
  return { ...o, disputedCents: dispute.amount };
}

describe("disputes on money the order never used (a stray second payment)", () => {
  it("a lost dispute of a stray payment does not hold the order its own payment paid for: it ships", async () => {
    const o = await paidOrderWithLostDisputeOnStrayPayment();
    expect((await orderRow(o.orderId)).status).toBe("paid");
    // The order's own payment is untouched: nothing of it is disputed, refunded or lost.
    const [own, stray] = await paymentMoney(o.orderId);
    expect(own).toMatchObject({ refunded_cents: 0, lost_cents: 0 });
    expect(stray).toMatchObject({ amount_cents: 1500, lost_cents: 1500 });
    // The order was paid in full by its own payment: the warehouse (or an operator) ships it.
    const admin = await createUser("admin");
    const shipped = await adminFulfil({ adminId: admin, orderId: o.orderId }).then(
      (view) => view.status,
      (error: Error) => `refused: ${error.message}`,
    );
    expect(shipped).toBe("fulfilled");
  });

  it("a lost dispute of a stray payment is not subtracted from net revenue, which never counted that money", async () => {
    const before = (await salesByDay({ days: 1 })).days.at(-1)!;
    const o = await paidOrderWithLostDisputeOnStrayPayment();
    const after = (await salesByDay({ days: 1 })).days.at(-1)!;
    const total = (await orderRow(o.orderId)).total_cents;
    // The store captured the order's total and the stray 15.00, and lost the stray 15.00 in the dispute: it kept the total.
    expect({
      revenue: after.revenueCents - before.revenueCents,
      refunded: after.refundedCents - before.refundedCents,
      net: after.netCents - before.netCents,
    }).toEqual({ revenue: total, refunded: 0, net: total });
  });
});

describe("a refund in flight when the dispute opens", () => {
  it("a refund the gateway refuses for the dispute fails (its claim given back): nothing counts as gone twice", async () => {
    // The shopper asks for a refund and, the same day, has the bank charge the payment back.
    const o = await orderAtGateway({ stock: 3, priceCents: 1500 });
    await payAtGateway(o.sessionId, DISPUTED_CARD);
    expect((await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId })).outcome).toBe("paid");
    await requestRefund({ userId: o.userId, orderId: o.orderId });
    expect((await refundRows(o.orderId)).map((r) => r.status)).toEqual(["pending"]);
    const dispute = await disputeOfSession(o.sessionId);
    await deliverDisputeOpened(dispute);
    const payment = await refusedThenLost(o.orderId, dispute);
    expect({
      refunds: (await refundRows(o.orderId)).map((r) => r.status),
      heldAndLost: payment!.refunded_cents + payment!.lost_cents,
    }).toEqual({
      // The gateway refused it and never will take it (the money went back through the chargeback):
      // the refund failed, its claim given back; nothing counts as gone twice.
      refunds: ["failed"],
      heldAndLost: payment!.amount_cents,
    });
  });
});

describe("a return received while a dispute is open", () => {
  it("its refund, refused by the gateway while the payment is disputed, fails and is flagged: nothing counts as gone twice", async () => {
    // Delivered; the shopper sends a copy back and also has the bank charge the payment back.
    const o = await orderAtGateway({ stock: 3, priceCents: 1500, quantity: 2 });
    await payAtGateway(o.sessionId, DISPUTED_CARD);
    expect((await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId })).outcome).toBe("paid");
    const admin = await createUser("admin");
    await adminFulfil({ adminId: admin, orderId: o.orderId });
    await adminDeliver({ adminId: admin, orderId: o.orderId });
    const asked = await requestReturn({
      userId: o.userId,
      orderId: o.orderId,
      lines: [{ bookId: o.bookId, quantity: 1 }],
      reason: "damaged",
    });
    const dispute = await disputeOfSession(o.sessionId);
    await deliverDisputeOpened(dispute);
    // The parcel arrives while the dispute is open (the machine refuses refunds of a disputed payment).
    await adminReceiveReturn({
      adminId: admin,
      orderId: o.orderId,
      returnId: asked.returns[0]!.id,
      restock: [{ bookId: o.bookId, quantity: 1 }],
    });
    const payment = await refusedThenLost(o.orderId, dispute);
    expect({
      pendingRefunds: (await refundRows(o.orderId)).filter((r) => r.status === "pending").length,
      heldAndLost: payment!.refunded_cents + payment!.lost_cents,
    }).toEqual({ pendingRefunds: 0, heldAndLost: payment!.amount_cents });
  });
});

describe("a line's copies refunded one by one (the rounding remainder)", () => {
  it("a failed partial refund asked again gives back what is left of the line, never its rounding remainder twice", async () => {
    // Three copies at 10.00 with a 1.00-off code: 29.00 (+ tax) for the line, not a multiple of 3 cents.
    const { userId, bookId, orderId, sessionId } = await orderAtGateway({ stock: 5, priceCents: 1000, quantity: 3 });
    await payAtGatewayWith(sessionId, { method: "standard", promotionCode: await createPromotionCode({ amountOff: 100 }) });
    expect((await reconcileSuccessReturn({ userId, sessionId })).outcome).toBe("paid");
    const { db } = await getDb();
    const [line] = await db.execute<{ paid: number }>(sql`
      select (unit_price_cents * quantity - discount_cents + tax_cents)::int as paid from order_items where order_id = ${orderId}`);
    const paid = line!.paid;
    const each = Math.floor(paid / 3);
    expect(paid % 3, "the line's total leaves a remainder over its copies").toBeGreaterThan(0);
    const admin = await createUser("admin");
    await adminFulfil({ adminId: admin, orderId: orderId });

    // Two refunds at once: two copies (2 × each), then the last copy (each + the remainder).
    await emulatorControl("/_emulator/config", { refundOutcome: "pending" });
    await adminPartialRefund({ adminId: admin, orderId: orderId, lines: [{ bookId, quantity: 2 }] });
    await adminPartialRefund({ adminId: admin, orderId: orderId, lines: [{ bookId, quantity: 1 }] });
    await work(orderId);
    const [two, last] = await refundRows(orderId);
    expect([two!.amount_cents, last!.amount_cents]).toEqual([2 * each, paid - 2 * each]);
    // The card refuses the first for good; the second lands.
    await emulatorControl(`/_emulator/refunds/${two!.gateway_refund_id}/settle`, { outcome: "failed" });
    await emulatorControl(`/_emulator/refunds/${last!.gateway_refund_id}/settle`, { outcome: "succeeded" });
    process.env.JOB_MAX_ATTEMPTS = "1";
    resetEnvCache();
    await work(orderId);
    expect((await refundRows(orderId)).map((r) => r.status)).toEqual(["failed", "succeeded"]);

    // The operator refunds the two copies again.
    await emulatorControl("/_emulator/config", { refundOutcome: "succeeded" });
    await adminPartialRefund({ adminId: admin, orderId: orderId, lines: [{ bookId, quantity: 2 }] });
    await work(orderId);
    const succeeded = (await refundRows(orderId)).filter((r) => r.status === "succeeded");
    expect(succeeded).toHaveLength(2);
    // All three copies came back once each: exactly what the line was paid, not a cent more.
    expect(succeeded.reduce((sum, r) => sum + r.amount_cents, 0)).toBe(paid);
  });
});
