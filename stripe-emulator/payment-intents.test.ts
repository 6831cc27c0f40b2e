import { readFileSync } from "node:fs";
import path from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { control, pay, sessionParams, startHarness, type Harness } from "./test-support";

// What a store reads when its webhooks are lost: the PaymentIntent behind a
// session (its status and last_payment_error), the sessions and the events,
// all through the real SDK, with the fields of Stripe's published examples.

type Fixtures = { resources: Record<string, Record<string, unknown>> };
const fixtures = JSON.parse(readFileSync(path.join(import.meta.dirname, "../test/stripe/fixtures.json"), "utf8")) as Fixtures;
const keysOf = (name: string) => Object.keys(fixtures.resources[name] ?? {}).sort();
const sorted = (value: object) => Object.keys(value).sort();

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ webhookUrl: "" });
});
afterAll(() => h.stop());
beforeEach(() => h.emulator.reset());

async function intentOf(sessionId: string): Promise<Stripe.PaymentIntent> {
  const session = await h.stripe.checkout.sessions.retrieve(sessionId);
  const intent = await h.stripe.paymentIntents.retrieve(String(session.payment_intent), { expand: ["latest_charge"] });
  expect(sorted(intent)).toEqual(keysOf("payment_intent"));
  if (intent.latest_charge) expect(sorted(intent.latest_charge as Stripe.Charge)).toEqual(keysOf("charge"));
  return intent;
}

describe("GET /v1/payment_intents/:id", () => {
  it("a declined card: requires_payment_method with the decline in last_payment_error; the session stays open", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { card: "4000000000009995" });
    const intent = await intentOf(session.id);
    expect(intent.status).toBe("requires_payment_method");
    expect(intent.last_payment_error).toMatchObject({
      type: "card_error",
      code: "card_declined",
      decline_code: "insufficient_funds",
      payment_method_type: "card",
    });
    const charge = intent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ status: "failed", id: intent.last_payment_error?.charge });
    expect(charge.created).toBeGreaterThan(0);
    expect(intent.metadata).toEqual({ order_id: "order-1", payment_id: "payment-1" });
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    // Another card on the same page: the error is gone and the intent succeeded.
    await pay(h.emulator, session.id, { card: "4242424242424242" });
    const paid = await intentOf(session.id);
    expect(paid).toMatchObject({ status: "succeeded", last_payment_error: null, amount_received: 3448 });
  });

  it("a bank transfer: processing while the session is complete but unpaid, then requires_payment_method when it fails", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { bankAccount: "000111111113" });
    expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "complete", payment_status: "unpaid" });
    expect(await intentOf(session.id)).toMatchObject({ status: "processing", last_payment_error: null });

    await control(h.emulator, `/sessions/${session.id}/settle`, { outcome: "failed" });
    expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "complete", payment_status: "unpaid" });
    const failed = await intentOf(session.id);
    expect(failed.status).toBe("requires_payment_method");
    expect(failed.last_payment_error).toMatchObject({ code: "insufficient_funds", payment_method_type: "us_bank_account" });
  });

  it("an expired session after a decline: canceled, with canceled_at and the reason", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { card: "4000000000000002" });
    await h.stripe.checkout.sessions.expire(session.id);
    const intent = await intentOf(session.id);
    expect(intent).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" });
    expect(intent.canceled_at).toBeGreaterThan(0);
  });

  it("without expand, latest_charge is the charge's id", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { card: "4242424242424242" });
    const id = String((await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent);
    expect((await h.stripe.paymentIntents.retrieve(id)).latest_charge).toMatch(/^ch_/);
  });
});

describe("lists: GET /v1/events and GET /v1/checkout/sessions", () => {
  it("events filtered by types and created, newest first, paged with starting_after", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) {
      const session = await h.stripe.checkout.sessions.create(sessionParams());
      await pay(h.emulator, session.id, { card: "4242424242424242" });
      ids.push(session.id);
    }
    const declined = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, declined.id, { card: "4000000000000002" });

    const seen: string[] = [];
    for await (const event of h.stripe.events.list({
      types: ["checkout.session.completed", "checkout.session.async_payment_succeeded"],
      created: { gte: since },
      limit: 2,
    })) {
      seen.push((event.data.object as Stripe.Checkout.Session).id);
    }
    expect(seen).toEqual([...ids].reverse());
    const page = await h.stripe.events.list({ type: "checkout.session.*", limit: 100 });
    expect(page.data.map((e) => e.type)).toEqual(Array(5).fill("checkout.session.completed"));
    expect((await h.stripe.events.list({ type: "payment_intent.payment_failed" })).data).toHaveLength(1);
    expect((await h.stripe.events.list({ created: { gt: since + 3600 } })).data).toEqual([]);
  });

  it("sessions filtered by status and payment_intent", async () => {
    const open = await h.stripe.checkout.sessions.create(sessionParams());
    const paid = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, paid.id, { card: "4242424242424242" });
    const intent = String((await h.stripe.checkout.sessions.retrieve(paid.id)).payment_intent);
    expect((await h.stripe.checkout.sessions.list({ status: "complete" })).data.map((s) => s.id)).toEqual([paid.id]);
    expect((await h.stripe.checkout.sessions.list({ status: "open" })).data.map((s) => s.id)).toEqual([open.id]);
    const byIntent = await h.stripe.checkout.sessions.list({ payment_intent: intent });
    expect(byIntent.data.map((s) => s.id)).toEqual([paid.id]);
    expect(sorted(byIntent.data[0]!)).toEqual(keysOf("checkout.session"));
    const newestFirst = await h.stripe.checkout.sessions.list({ limit: 1 });
    expect(newestFirst).toMatchObject({ has_more: true, url: "/v1/checkout/sessions" });
    expect(newestFirst.data.map((s) => s.id)).toEqual([paid.id]);
    const older = await h.stripe.checkout.sessions.list({ limit: 1, starting_after: paid.id });
    expect(older.data.map((s) => s.id)).toEqual([open.id]);
    expect(older.has_more).toBe(false);
    const newer = await h.stripe.checkout.sessions.list({ limit: 1, ending_before: open.id });
    expect(newer.data.map((s) => s.id)).toEqual([paid.id]);
  });

  it("bad list params get Stripe's 400 naming the param", async () => {
    const cases: [() => Promise<unknown>, string | undefined, RegExp][] = [
      [() => h.stripe.events.list({ limit: 101 }), "limit", /less than or equal to 100/],
      [() => h.stripe.checkout.sessions.list({ status: "paid" as "open" }), "status", /must be one of/],
      [() => h.stripe.events.list({ created: { gte: "soon" as unknown as number } }), "created[gte]", /Invalid integer/],
      [() => h.stripe.events.list({ type: "a", types: ["b"] }), undefined, /only specify one of/],
      [() => h.stripe.checkout.sessions.list({ starting_after: "cs_test_nope" }), "starting_after", /No such object/],
    ];
    for (const [call, param, message] of cases) {
      const error = (await call().catch((e: unknown) => e)) as Stripe.errors.StripeError;
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.param).toBe(param);
      expect(error.message).toMatch(message);
    }
  });
});
