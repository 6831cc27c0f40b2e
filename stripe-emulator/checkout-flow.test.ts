import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pay, sessionParams, startHarness, waitFor, WEBHOOK_SECRET, type Harness } from "./test-support";

let h: Harness;
let clockOffsetMs = 0;
beforeAll(async () => {
  h = await startHarness({ now: () => Date.now() + clockOffsetMs });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.emulator.reset();
  h.receiver.deliveries.length = 0;
  clockOffsetMs = 0;
});

const delivered = (type: string) => waitFor(() => h.receiver.ofType(type)[0]);

describe("paying with a card", () => {
  it("4242… completes the session, creates a succeeded intent and charge, and sends a signed checkout.session.completed", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    const result = await pay(h.emulator, session.id, { card: "4242 4242 4242 4242" });
    expect(result).toEqual({
      http: 200,
      body: expect.objectContaining({ status: "succeeded", redirectUrl: `http://localhost:3000/checkout/return?session_id=${session.id}` }),
    });

    const after = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(after).toMatchObject({ status: "complete", payment_status: "paid", url: null });
    expect(after.payment_intent).toMatch(/^pi_/);
    const intent = await h.stripe.paymentIntents.retrieve(after.payment_intent as string);
    expect(intent).toMatchObject({
      status: "succeeded",
      amount: 3448,
      amount_received: 3448,
      metadata: { order_id: "order-1", payment_id: "payment-1" },
    });
    expect(intent.latest_charge).toMatch(/^ch_/);

    const delivery = await delivered("checkout.session.completed");
    // The real SDK verifies the signature over the raw body with the shared secret.
    const event: Stripe.Event = h.stripe.webhooks.constructEvent(delivery.body, delivery.signature, WEBHOOK_SECRET);
    expect(event.type).toBe("checkout.session.completed");
    expect(event.id).toMatch(/^evt_/);
    expect(delivery.headers["content-type"]).toMatch(/^application\/json/);
    if (event.type !== "checkout.session.completed") throw new Error("narrowing");
    expect(event.data.object).toMatchObject({
      id: session.id,
      status: "complete",
      payment_status: "paid",
      metadata: { order_id: "order-1" },
    });
    expect(() => h.stripe.webhooks.constructEvent(delivery.body, delivery.signature, "whsec_wrong")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it("the hosted page shows the order and a form post redirects (303) to success_url", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    const page = await fetch(session.url!.replace("localhost", "127.0.0.1"));
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("Dune");
    expect(html).toContain("$34.48");
    expect(html).toContain(`href="http://localhost:3000/cart?cancelled=${session.id}"`);
    expect(html).toContain("← Back to the store");
    expect(html).toMatch(/<label for="card-number">Card number<\/label>/);
    expect(html).toContain("Pay $34.48");
    expect(html).toContain("Bank transfer (delayed)");

    const form = new URLSearchParams({
      method: "card",
      card_number: "4242 4242 4242 4242",
      card_expiry: "12/34",
      card_cvc: "123",
      card_name: "Ada Reader",
    });
    const posted = await fetch(`${h.emulator.url}/pay/${session.id}`, { method: "POST", body: form, redirect: "manual" });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe(`http://localhost:3000/checkout/return?session_id=${session.id}`);
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).customer_details?.name).toBe("Ada Reader");

    const again = await fetch(`${h.emulator.url}/pay/${session.id}`, { method: "POST", body: form });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("already been paid");
  });

  it.each([
    ["4000 0000 0000 0002", "generic_decline", "Your card was declined."],
    ["4000 0000 0000 9995", "insufficient_funds", "Your card has insufficient funds."],
  ])("%s is declined (%s): the session stays open and payment_intent.payment_failed is sent", async (card, declineCode, message) => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    const form = new URLSearchParams({ method: "card", card_number: card, card_expiry: "12/34", card_cvc: "123", card_name: "" });
    const posted = await fetch(`${h.emulator.url}/pay/${session.id}`, { method: "POST", body: form, redirect: "manual" });
    expect(posted.status).toBe(402);
    expect(await posted.text()).toContain(message);

    expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "open", payment_status: "unpaid" });
    const delivery = await delivered("payment_intent.payment_failed");
    const event = h.stripe.webhooks.constructEvent(delivery.body, delivery.signature, WEBHOOK_SECRET);
    if (event.type !== "payment_intent.payment_failed") throw new Error("narrowing");
    expect(event.data.object).toMatchObject({
      status: "requires_payment_method",
      metadata: { order_id: "order-1", payment_id: "payment-1" },
      last_payment_error: { type: "card_error", code: "card_declined", decline_code: declineCode, message },
    });
    expect(h.receiver.ofType("checkout.session.completed")).toHaveLength(0);

    // The customer can still pay the same session.
    expect((await pay(h.emulator, session.id, { card: "4242424242424242" })).body.status).toBe("succeeded");
  });

  it("an unknown card number is rejected on the page without any event", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    const result = await pay(h.emulator, session.id, { card: "1234 5678 9012 3456" });
    expect(result).toMatchObject({ http: 400, body: { status: "invalid", error: "Your card number is incorrect." } });
    expect([...h.emulator.state.events.values()]).toHaveLength(0);
  });
});

describe("paying by bank transfer (delayed)", () => {
  it("000123456789: complete + unpaid now, then paid with checkout.session.async_payment_succeeded", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    const result = await pay(h.emulator, session.id, { bankAccount: "000123456789" });
    expect(result.body).toMatchObject({
      status: "processing",
      redirectUrl: `http://localhost:3000/checkout/return?session_id=${session.id}`,
    });
    const completed = await delivered("checkout.session.completed");
    expect(completed.event.data.object).toMatchObject({ status: "complete", payment_status: "unpaid" });

    const succeeded = await delivered("checkout.session.async_payment_succeeded");
    expect(succeeded.event.data.object).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ payment_status: "paid" });
  });

  it("000111111113: stays unpaid with checkout.session.async_payment_failed", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { bankAccount: "000111111113" });
    const failed = await delivered("checkout.session.async_payment_failed");
    expect(failed.event.data.object).toMatchObject({ status: "complete", payment_status: "unpaid" });
    expect(h.receiver.ofType("checkout.session.async_payment_succeeded")).toHaveLength(0);
    const intent = await h.stripe.paymentIntents.retrieve((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent as string);
    expect(intent.status).toBe("requires_payment_method");
  });
});

describe("expiry", () => {
  it("expires an open session once the clock passes expires_at, with checkout.session.expired", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams({ expires_at: Math.floor(Date.now() / 1000) + 30 * 60 + 30 }));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    clockOffsetMs = 31 * 60_000;
    const delivery = await delivered("checkout.session.expired");
    expect(delivery.event.data.object).toMatchObject({ id: session.id, status: "expired" });
    expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "expired", url: null });

    const result = await pay(h.emulator, session.id, { card: "4242424242424242" });
    expect(result).toMatchObject({ http: 410, body: { status: "expired" } });
    const page = await fetch(`${h.emulator.url}/pay/${session.id}`);
    expect(page.status).toBe(410);
    expect(h.receiver.ofType("checkout.session.completed")).toHaveLength(0);
  });

  it("the expire endpoint sends checkout.session.expired carrying the request's idempotency key", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await h.stripe.checkout.sessions.expire(session.id, {}, { idempotencyKey: "expire-1" });
    const delivery = await delivered("checkout.session.expired");
    const event = h.stripe.webhooks.constructEvent(delivery.body, delivery.signature, WEBHOOK_SECRET);
    expect(event.request).toEqual({ id: expect.stringMatching(/^req_/), idempotency_key: "expire-1" });
  });
});
