import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADA_IN_BERLIN,
  bookSaleParams,
  control,
  pay,
  postPage,
  sessionParams,
  startHarness,
  TEST_CARD,
  waitFor,
  type Harness,
} from "./test-support";

// Stripe's published example objects (test/stripe/fixtures.json, a copy of
// /work/shared/stripe/fixtures.json): every emulator object must carry the
// same fields, so code written against the emulator reads real Stripe objects.

type Fixtures = { resources: Record<string, Record<string, unknown>> };
const fixtures = JSON.parse(readFileSync(path.join(import.meta.dirname, "../test/stripe/fixtures.json"), "utf8")) as Fixtures;
const keysOf = (name: string) => Object.keys(fixtures.resources[name] ?? {}).sort();
const sorted = (value: object) => Object.keys(value).sort();
/** The keys of a nested part of a fixture (`checkout.session`, "collected_information.shipping_details"). */
const nestedKeys = (name: string, path: string) => {
  let node: unknown = fixtures.resources[name];
  for (const key of path.split(".")) node = (node as Record<string, unknown>)[key];
  return Object.keys(node as object).sort();
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

describe("objects have exactly the fields of Stripe's fixtures", () => {
  it("checkout.session, payment_intent, charge, refund and the event envelope", async () => {
    const open = await h.stripe.checkout.sessions.create(sessionParams());
    // What the SDK parsed from the HTTP response (lastResponse is not enumerable).
    expect(sorted(open)).toEqual(keysOf("checkout.session"));

    await pay(h.emulator, open.id, { card: "4242424242424242" });
    const paidSession = h.emulator.state.sessions.get(open.id)!.session;
    expect(sorted(paidSession)).toEqual(keysOf("checkout.session"));

    const intent = h.emulator.state.paymentIntents.get(paidSession.payment_intent!)!;
    expect(sorted(intent)).toEqual(keysOf("payment_intent"));
    const charge = h.emulator.state.charges.get(intent.latest_charge!)!;
    expect(sorted(charge)).toEqual(keysOf("charge"));

    const refund = await h.stripe.refunds.create({ payment_intent: intent.id, amount: 100 });
    const storedRefund = h.emulator.state.refunds.get(refund.id)!;
    expect(sorted(storedRefund)).toEqual(keysOf("refund"));

    const events = [...h.emulator.state.events.values()];
    expect(events.length).toBeGreaterThan(3);
    for (const { event } of events) expect(sorted(event), event.type).toEqual(keysOf("event"));
    const delivered = await waitFor(() => h.receiver.ofType("checkout.session.completed")[0]);
    expect(sorted(JSON.parse(delivered.body) as object)).toEqual(keysOf("event"));
    expect(sorted((JSON.parse(delivered.body) as { request: object }).request)).toEqual(
      sorted(fixtures.resources.event!.request as object),
    );
  });

  it("a failed refund adds only Stripe's failure fields", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { card: "4242424242424242" });
    await control(h.emulator, "/config", { refundOutcome: "failed" });
    const intent = h.emulator.state.sessions.get(session.id)!.session.payment_intent!;
    const refund = await h.stripe.refunds.create({ payment_intent: intent });
    expect(sorted(h.emulator.state.refunds.get(refund.id)!)).toEqual(
      [...keysOf("refund"), "failure_balance_transaction", "failure_reason"].sort(),
    );
  });

  it("a declined card's payment intent and charge keep the same field sets", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { card: "4000000000000002" });
    const intent = h.emulator.state.paymentIntents.get(h.emulator.state.sessions.get(session.id)!.session.payment_intent!)!;
    expect(sorted(intent)).toEqual(keysOf("payment_intent"));
    expect(sorted(h.emulator.state.charges.get(intent.latest_charge!)!)).toEqual(keysOf("charge"));
  });
});

describe("shipping, tax and discount objects have the fields of Stripe's fixtures", () => {
  it("coupon, promotion code, shipping rate, tax rates (manual and automatic), customer and discount", async () => {
    const coupon = await h.stripe.coupons.create({ percent_off: 10 });
    expect(sorted(coupon)).toEqual(keysOf("coupon"));
    const code = await h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "FIXTURE10" });
    expect(sorted(code)).toEqual(keysOf("promotion_code"));
    for (const part of ["restrictions", "promotion"])
      expect(sorted((code as unknown as Record<string, object>)[part]!), part).toEqual(nestedKeys("promotion_code", part));
    const manual = await h.stripe.taxRates.create({ display_name: "VAT", percentage: 19, inclusive: false });
    expect(sorted(manual)).toEqual(keysOf("tax_rate"));

    const session = await h.stripe.checkout.sessions.create(bookSaleParams({ customer_creation: "always" }));
    const rate = await h.stripe.shippingRates.retrieve(String(session.shipping_options[0]!.shipping_rate));
    expect(sorted(rate)).toEqual(keysOf("shipping_rate"));
    expect(sorted(rate.delivery_estimate!)).toEqual(nestedKeys("shipping_rate", "delivery_estimate"));
    expect(sorted(rate.fixed_amount!)).toEqual(nestedKeys("shipping_rate", "fixed_amount"));

    await postPage(h.emulator, session.id, { action: "apply_code", ...ADA_IN_BERLIN, promotion_code: "FIXTURE10" });
    const paid = await postPage(h.emulator, session.id, { ...ADA_IN_BERLIN, ...TEST_CARD, method: "card" });
    expect(paid.status).toBe(303);
    const done = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(sorted(done)).toEqual(keysOf("checkout.session"));
    for (const part of [
      "collected_information",
      "collected_information.shipping_details",
      "collected_information.shipping_details.address",
      "customer_details",
      "customer_details.address",
      "shipping_cost",
      "total_details",
      "automatic_tax",
      "shipping_address_collection",
    ]) {
      let node: unknown = done;
      for (const key of part.split(".")) node = (node as Record<string, unknown>)[key];
      expect(sorted(node as object), part).toEqual(nestedKeys("checkout.session", part));
    }
    const customer = await h.stripe.customers.retrieve(String(done.customer));
    expect(sorted(customer)).toEqual(keysOf("customer"));
    expect(sorted((customer as { invoice_settings: object }).invoice_settings)).toEqual(nestedKeys("customer", "invoice_settings"));

    const expanded = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["total_details.breakdown"] });
    const { discounts, taxes } = expanded.total_details!.breakdown!;
    expect(sorted(discounts[0]!.discount)).toEqual(nestedKeys("customer", "discount"));
    expect(sorted(discounts[0]!.discount.source)).toEqual(nestedKeys("customer", "discount.source"));
    // The automatic tax's rates are TaxRate objects too.
    expect(sorted(taxes[0]!.rate)).toEqual(keysOf("tax_rate"));
  });
});
