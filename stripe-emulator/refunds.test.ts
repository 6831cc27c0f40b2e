import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { control, pay, sessionParams, startHarness, waitFor, WEBHOOK_SECRET, type Harness } from "./test-support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
beforeEach(() => {
  h.emulator.reset();
  h.receiver.deliveries.length = 0;
});

/** A paid session's payment intent id. */
async function paidIntent(): Promise<string> {
  const session = await h.stripe.checkout.sessions.create(sessionParams());
  await pay(h.emulator, session.id, { card: "4242424242424242" });
  return (await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
}

const refundParams = (paymentIntent: string, amount?: number): Stripe.RefundCreateParams => ({
  payment_intent: paymentIntent,
  ...(amount === undefined ? {} : { amount }),
  metadata: { refund_id: "refund-1", order_id: "order-1" },
});

function verified(type: string) {
  return waitFor(() => {
    const delivery = h.receiver.ofType(type)[0];
    return delivery && h.stripe.webhooks.constructEvent(delivery.body, delivery.signature, WEBHOOK_SECRET);
  });
}

describe("refunds", () => {
  it("succeed immediately by default: charge.refunded and refund.updated", async () => {
    const intent = await paidIntent();
    const refund: Stripe.Refund = await h.stripe.refunds.create(refundParams(intent, 1000), { idempotencyKey: "refund-refund-1" });
    expect(refund).toMatchObject({ object: "refund", status: "succeeded", amount: 1000, payment_intent: intent, metadata: { refund_id: "refund-1", order_id: "order-1" } });
    expect(refund.id).toMatch(/^re_/);
    expect(await h.stripe.refunds.retrieve(refund.id)).toMatchObject({ id: refund.id, status: "succeeded" });

    const charged = await verified("charge.refunded");
    if (charged.type !== "charge.refunded") throw new Error("narrowing");
    expect(charged.data.object).toMatchObject({ amount_refunded: 1000, refunded: false });
    expect(charged.data.object.refunds?.data.map((r) => r.id)).toEqual([refund.id]);
    const updated = await verified("refund.updated");
    expect(updated.data.object).toMatchObject({ id: refund.id, status: "succeeded", metadata: { refund_id: "refund-1" } });

    // Same key and params: the same refund, not a second one.
    const replay = await h.stripe.refunds.create(refundParams(intent, 1000), { idempotencyKey: "refund-refund-1" });
    expect(replay.id).toBe(refund.id);
    expect(h.emulator.state.refunds.size).toBe(1);
  });

  it("default amount is what is left; more than that is amount_too_large", async () => {
    const intent = await paidIntent();
    await h.stripe.refunds.create(refundParams(intent, 448));
    const tooMuch = (await h.stripe.refunds.create(refundParams(intent, 3001)).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(tooMuch).toMatchObject({ statusCode: 400, code: "amount_too_large", param: "amount" });
    const rest = await h.stripe.refunds.create(refundParams(intent));
    expect(rest.amount).toBe(3000);
    const charge = h.emulator.state.charges.get(rest.charge as string);
    expect(charge).toMatchObject({ amount_refunded: 3448, refunded: true });
    const again = (await h.stripe.refunds.create(refundParams(intent)).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(again).toMatchObject({ statusCode: 400, code: "charge_already_refunded" });
  });

  it("cannot refund an unpaid payment intent", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { card: "4000000000000002" });
    const intent = (await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
    const error = (await h.stripe.refunds.create(refundParams(intent)).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(400);
    const missing = (await h.stripe.refunds.create(refundParams("pi_missing")).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });
  });

  it("pending refunds settle to succeeded after the async delay", async () => {
    await control(h.emulator, "/config", { refundOutcome: "pending" });
    const intent = await paidIntent();
    const refund = await h.stripe.refunds.create(refundParams(intent));
    expect(refund.status).toBe("pending");
    const updated = await verified("refund.updated");
    expect(updated.data.object).toMatchObject({ id: refund.id, status: "succeeded" });
    expect(updated.data.previous_attributes).toEqual({ status: "pending" });
    await verified("charge.refunded");
    expect((await h.stripe.refunds.retrieve(refund.id)).status).toBe("succeeded");
  });

  it("pending refunds can be settled as failed through the control API", async () => {
    await control(h.emulator, "/config", { refundOutcome: "pending", asyncDelayMs: 60_000 });
    const intent = await paidIntent();
    const refund = await h.stripe.refunds.create(refundParams(intent));
    const settled = await control(h.emulator, `/refunds/${refund.id}/settle`, { outcome: "failed" });
    expect(settled).toMatchObject({ http: 200, body: { refund: { status: "failed", failure_reason: "declined" } } });
    await verified("refund.failed");
    expect(h.receiver.ofType("charge.refunded")).toHaveLength(0);
  });

  it("failed refunds: status failed, failure_reason declined, refund.failed", async () => {
    await control(h.emulator, "/config", { refundOutcome: "failed" });
    const intent = await paidIntent();
    const refund = await h.stripe.refunds.create(refundParams(intent));
    expect(refund).toMatchObject({ status: "failed", failure_reason: "declined" });
    const failed = await verified("refund.failed");
    expect(failed.data.object).toMatchObject({ id: refund.id, status: "failed", failure_reason: "declined", metadata: { refund_id: "refund-1" } });
    // The money was not returned: it can be refunded again.
    await control(h.emulator, "/config", { refundOutcome: "succeeded" });
    expect((await h.stripe.refunds.create(refundParams(intent))).status).toBe("succeeded");
  });
});
