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
    expect(refund).toMatchObject({
      object: "refund",
      status: "succeeded",
      amount: 1000,
      payment_intent: intent,
      metadata: { refund_id: "refund-1", order_id: "order-1" },
    });
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
    expect(failed.data.object).toMatchObject({
      id: refund.id,
      status: "failed",
      failure_reason: "declined",
      metadata: { refund_id: "refund-1" },
    });
    // The money was not returned: it can be refunded again.
    await control(h.emulator, "/config", { refundOutcome: "succeeded" });
    expect((await h.stripe.refunds.create(refundParams(intent))).status).toBe("succeeded");
  });

  it("partial refunds: many per payment, each with its amount in refund.created and charge.refunded; listed by payment_intent", async () => {
    const intent = await paidIntent();
    const amounts = [1299, 850, 500];
    const refunds: Stripe.Refund[] = [];
    for (const [i, amount] of amounts.entries())
      refunds.push(await h.stripe.refunds.create(refundParams(intent, amount), { idempotencyKey: `partial-${i}` }));
    const charge = await h.stripe.charges.retrieve(refunds[0]!.charge as string);
    expect(charge).toMatchObject({ amount: 3448, amount_refunded: 2649, refunded: false });

    // (Filtered by payment: a previous test's last delivery may still be arriving.)
    const ofIntent = (type: string) => h.receiver.ofType(type).filter((d) => d.event.data.object.payment_intent === intent);
    const created = await waitFor(() => ofIntent("refund.created").length === 3 && ofIntent("refund.created"));
    expect(created.map((d) => d.event.data.object.amount)).toEqual(amounts);
    const refunded = await waitFor(() => ofIntent("charge.refunded").length === 3 && ofIntent("charge.refunded"));
    // Each charge.refunded carries the running total and the refunds so far (newest first).
    expect(refunded.map((d) => d.event.data.object.amount_refunded)).toEqual([1299, 2149, 2649]);
    expect((refunded[2]!.event.data.object.refunds as { data: { amount: number }[] }).data.map((r) => r.amount)).toEqual([500, 850, 1299]);

    const listed = await h.stripe.refunds.list({ payment_intent: intent });
    expect(listed.data.map((r) => r.id)).toEqual(refunds.map((r) => r.id).reverse());
    expect((await h.stripe.refunds.list({ payment_intent: intent, limit: 2 })).has_more).toBe(true);
    expect((await h.stripe.refunds.list({ charge: charge.id })).data).toHaveLength(3);
    expect((await h.stripe.refunds.list({ payment_intent: "pi_other" })).data).toHaveLength(0);

    // The last cent over is refused with Stripe's message, and nothing is created.
    const over = (await h.stripe.refunds.create(refundParams(intent, 800)).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(over).toMatchObject({
      type: "StripeInvalidRequestError",
      code: "amount_too_large",
      param: "amount",
      message: "Refund amount ($8.00) is greater than unrefunded amount on charge ($7.99)",
    });
    expect(h.emulator.state.refunds.size).toBe(3);
    expect((await h.stripe.refunds.create(refundParams(intent, 799))).amount).toBe(799);
    expect(await h.stripe.charges.retrieve(charge.id)).toMatchObject({ amount_refunded: 3448, refunded: true });
  });

  it("Idempotency-Key: the same key and params replay the refund; the same key with another amount is Stripe's idempotency_error", async () => {
    const intent = await paidIntent();
    const first = await h.stripe.refunds.create(refundParams(intent, 500), { idempotencyKey: "order-1-refund-7" });
    const replay = await h.stripe.refunds.create(refundParams(intent, 500), { idempotencyKey: "order-1-refund-7" });
    expect(replay.id).toBe(first.id);
    expect(replay.lastResponse.headers["idempotent-replayed"]).toBe("true");
    const conflict = (await h.stripe.refunds
      .create(refundParams(intent, 600), { idempotencyKey: "order-1-refund-7" })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(conflict).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(conflict.message).toContain("Keys for idempotent requests can only be used with the same parameters they were first used with.");
    expect(h.emulator.state.refunds.size).toBe(1);
    expect(h.emulator.state.charges.get(first.charge as string)!.amount_refunded).toBe(500);
  });

  it("20 concurrent partial refunds never exceed the captured amount; retries of accepted ones are not refunded twice", async () => {
    const intent = await paidIntent(); // 3448
    const attempts = Array.from({ length: 20 }, (_, i) => ({ key: `concurrent-${i}`, amount: 300 + i }));
    const results = await Promise.allSettled(
      attempts.map((a) => h.stripe.refunds.create(refundParams(intent, a.amount), { idempotencyKey: a.key })),
    );
    const accepted = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as Stripe.errors.StripeError] : []));
    const total = accepted.reduce((sum, r) => sum + r.amount, 0);
    expect(total).toBeLessThanOrEqual(3448);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) expect(error.code).toBe("amount_too_large");
    // Whatever is left is smaller than every refused amount: nothing was refused that fitted.
    const left = 3448 - total;
    for (const [i, r] of results.entries()) if (r.status === "rejected") expect(attempts[i]!.amount).toBeGreaterThan(left);
    const charge = h.emulator.state.charges.get(accepted[0]!.charge as string)!;
    expect(charge.amount_refunded).toBe(total);
    expect(h.emulator.state.refunds.size).toBe(accepted.length);

    // Every client retries every request with its key: the accepted ones replay, none is refunded twice.
    const retried = await Promise.allSettled(
      attempts.map((a) => h.stripe.refunds.create(refundParams(intent, a.amount), { idempotencyKey: a.key })),
    );
    const replayed = retried.flatMap((r) => (r.status === "fulfilled" ? [r.value.id] : []));
    expect(new Set(replayed)).toEqual(new Set(accepted.map((r) => r.id)));
    expect(h.emulator.state.refunds.size).toBe(accepted.length);
    expect(charge.amount_refunded).toBe(total);
  });
});
