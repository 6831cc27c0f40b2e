import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { control, pay, sessionParams, startHarness, waitFor, type Harness } from "./test-support";

// Stripe's published example objects (test/stripe/fixtures.json, a copy of
// /work/shared/stripe/fixtures.json): every emulator object must carry the
// same fields, so code written against the emulator reads real Stripe objects.

type Fixtures = { resources: Record<string, Record<string, unknown>> };
const fixtures = JSON.parse(readFileSync(path.join(import.meta.dirname, "../test/stripe/fixtures.json"), "utf8")) as Fixtures;
const keysOf = (name: string) => Object.keys(fixtures.resources[name] ?? {}).sort();
const sorted = (value: object) => Object.keys(value).sort();

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
    expect(sorted((JSON.parse(delivered.body) as { request: object }).request)).toEqual(sorted(fixtures.resources.event!.request as object));
  });

  it("a failed refund adds only Stripe's failure fields", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { card: "4242424242424242" });
    await control(h.emulator, "/config", { refundOutcome: "failed" });
    const intent = h.emulator.state.sessions.get(session.id)!.session.payment_intent!;
    const refund = await h.stripe.refunds.create({ payment_intent: intent });
    expect(sorted(h.emulator.state.refunds.get(refund.id)!)).toEqual([...keysOf("refund"), "failure_balance_transaction", "failure_reason"].sort());
  });

  it("a declined card's payment intent and charge keep the same field sets", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { card: "4000000000000002" });
    const intent = h.emulator.state.paymentIntents.get(h.emulator.state.sessions.get(session.id)!.session.payment_intent!)!;
    expect(sorted(intent)).toEqual(keysOf("payment_intent"));
    expect(sorted(h.emulator.state.charges.get(intent.latest_charge!)!)).toEqual(keysOf("charge"));
  });
});
