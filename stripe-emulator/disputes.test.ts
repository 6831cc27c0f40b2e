import { readFileSync } from "node:fs";
import path from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DISPUTE_CARDS, DISPUTE_FEE } from "./server";
import { control, pay, sessionParams, startHarness, waitFor, WEBHOOK_SECRET, type Harness } from "./test-support";

// Disputes through the real SDK: Stripe's dispute test cards, the evidence
// and accept calls, the control API that decides them, the webhooks and the
// balance transactions, against Stripe's published dispute example.

type Fixtures = { resources: Record<string, Record<string, unknown>> };
const fixtures = JSON.parse(readFileSync(path.join(import.meta.dirname, "dispute-fixtures.json"), "utf8")) as Fixtures;
const keysOf = (value: object) => Object.keys(value).sort();

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
beforeEach(() => {
  h.emulator.reset();
  h.receiver.deliveries.length = 0;
});

/** Pays with `card`; returns the payment intent id. */
async function paidWith(card: string): Promise<string> {
  const session = await h.stripe.checkout.sessions.create(sessionParams());
  expect((await pay(h.emulator, session.id, { card })).body.status).toBe("succeeded");
  return (await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
}

/** The verified webhook of `type` about dispute `id` (or the first one). */
function verified(type: string, id?: string): Promise<Stripe.Event> {
  return waitFor(() => {
    const delivery = h.receiver.ofType(type).find((d) => id === undefined || d.event.data.object.id === id);
    return delivery && h.stripe.webhooks.constructEvent(delivery.body, delivery.signature, WEBHOOK_SECRET);
  });
}

const disputeOf = async (intent: string) => (await h.stripe.disputes.list({ payment_intent: intent })).data[0]!;

describe("disputes", () => {
  it("card 4000 0000 0000 0259 pays, then opens a fraudulent dispute: webhook, object, funds withdrawn, charge.disputed", async () => {
    const intent = await paidWith("4000000000000259");
    const created = await verified("charge.dispute.created");
    const dispute = created.data.object as Stripe.Dispute;
    expect(dispute).toMatchObject({
      object: "dispute",
      amount: 3448,
      currency: "usd",
      reason: "fraudulent",
      status: "needs_response",
      payment_intent: intent,
      is_charge_refundable: false,
    });
    expect(dispute.id).toMatch(/^dp_/);
    const now = Math.floor(Date.now() / 1000);
    expect(dispute.evidence_details).toMatchObject({ has_evidence: false, past_due: false, submission_count: 0 });
    expect(dispute.evidence_details.due_by).toBeGreaterThan(now + 6 * 86_400);
    expect(dispute.evidence_details.due_by! % 86_400).toBe(86_399);
    const [withdrawal] = dispute.balance_transactions;
    expect(dispute.balance_transactions).toHaveLength(1);
    expect(withdrawal).toMatchObject({
      object: "balance_transaction",
      type: "adjustment",
      reporting_category: "dispute",
      amount: -3448,
      fee: DISPUTE_FEE,
      net: -3448 - DISPUTE_FEE,
      source: dispute.id,
    });
    expect(withdrawal!.fee_details).toEqual([
      { amount: DISPUTE_FEE, application: null, currency: "usd", description: "Dispute fee", type: "stripe_fee" },
    ]);
    expect(await h.stripe.balanceTransactions.retrieve(withdrawal!.id)).toMatchObject({ id: withdrawal!.id, amount: -3448 });
    await verified("charge.dispute.funds_withdrawn", dispute.id);

    // It arrives after the sale's own events, so the store knows the payment first.
    const types = h.receiver.deliveries.filter((d) => d.event.data.object.payment_intent === intent).map((d) => d.event.type);
    expect(types.indexOf("checkout.session.completed")).toBeLessThan(types.indexOf("charge.dispute.created"));
    expect(await h.stripe.charges.retrieve(dispute.charge as string)).toMatchObject({
      disputed: true,
      status: "succeeded",
      amount_refunded: 0,
    });
    expect(await h.stripe.disputes.retrieve(dispute.id)).toMatchObject({ id: dispute.id, status: "needs_response" });
  });

  it("card 4000 0000 0000 2685 opens a product_not_received dispute; 4242 opens none", async () => {
    const intent = await paidWith("4000000000002685");
    expect(await disputeOf(intent)).toMatchObject({ reason: "product_not_received", status: "needs_response" });
    const plain = await paidWith("4242424242424242");
    expect((await h.stripe.disputes.list({ payment_intent: plain })).data).toHaveLength(0);
  });

  it("objects have exactly the fields of Stripe's dispute and balance transaction examples", async () => {
    const intent = await paidWith("4000000000000259");
    const dispute = await disputeOf(intent);
    const example = fixtures.resources.dispute!;
    expect(keysOf(dispute)).toEqual(keysOf(example));
    for (const part of ["evidence", "evidence_details", "payment_method_details", "payment_method_details.card"]) {
      let mine: unknown = dispute;
      let theirs: unknown = example;
      for (const key of part.split(".")) {
        mine = (mine as Record<string, unknown>)[key];
        theirs = (theirs as Record<string, unknown>)[key];
      }
      expect(keysOf(mine as object), part).toEqual(keysOf(theirs as object));
    }
    expect(keysOf(dispute.balance_transactions[0]!)).toEqual(keysOf(fixtures.resources.balance_transaction!));
  });

  it("lists filter by payment_intent and charge, newest first", async () => {
    const first = await paidWith("4000000000000259");
    const second = await paidWith("4000000000002685");
    const all = await h.stripe.disputes.list();
    expect(all.data).toHaveLength(2);
    expect(all.data[0]!.payment_intent).toBe(second);
    const one = await disputeOf(first);
    expect((await h.stripe.disputes.list({ charge: one.charge as string })).data.map((d) => d.id)).toEqual([one.id]);
    expect((await h.stripe.disputes.list({ payment_intent: "pi_none" })).data).toEqual([]);
    const missing = (await h.stripe.disputes.retrieve("dp_missing").catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing" });
  });

  it("evidence: staged with submit=false, then submitted: charge.dispute.updated, under_review; no second submission", async () => {
    const dispute = await disputeOf(await paidWith("4000000000000259"));
    const staged = await h.stripe.disputes.update(dispute.id, { evidence: { customer_name: "Ada Reader" }, submit: false });
    expect(staged).toMatchObject({
      status: "needs_response",
      evidence: { customer_name: "Ada Reader" },
      evidence_details: { has_evidence: true, submission_count: 0 },
    });
    const submitted = await h.stripe.disputes.update(dispute.id, {
      evidence: { shipping_tracking_number: "PL123", uncategorized_text: "Delivered and signed for." },
      metadata: { order_id: "order-1" },
    });
    expect(submitted).toMatchObject({
      status: "under_review",
      metadata: { order_id: "order-1" },
      evidence: { customer_name: "Ada Reader", shipping_tracking_number: "PL123" },
      evidence_details: { has_evidence: true, submission_count: 1 },
    });
    const ofDispute = () => h.receiver.ofType("charge.dispute.updated").filter((d) => d.event.data.object.id === dispute.id);
    const updates = await waitFor(() => ofDispute().length === 2 && ofDispute());
    const last = h.stripe.webhooks.constructEvent(updates[1]!.body, updates[1]!.signature, WEBHOOK_SECRET);
    expect(last.data.object).toMatchObject({ id: dispute.id, status: "under_review" });
    expect(last.data.previous_attributes).toMatchObject({ status: "needs_response" });

    const again = (await h.stripe.disputes
      .update(dispute.id, { evidence: { customer_name: "Someone" } })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(again).toMatchObject({ statusCode: 400, type: "StripeInvalidRequestError" });
    expect((await h.stripe.disputes.retrieve(dispute.id)).evidence.customer_name).toBe("Ada Reader");
    // Metadata may still change; accepting a dispute under review may not.
    expect((await h.stripe.disputes.update(dispute.id, { metadata: { note: "x" } })).metadata).toEqual({ order_id: "order-1", note: "x" });
    expect(((await h.stripe.disputes.close(dispute.id).catch((e: unknown) => e)) as Stripe.errors.StripeError).statusCode).toBe(400);
    // Unknown evidence fields are refused as Stripe refuses unknown params.
    const unknown = (await h.stripe.disputes
      .update(dispute.id, { evidence: { favourite_colour: "red" } as Stripe.DisputeUpdateParams.Evidence })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(unknown).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "evidence[favourite_colour]" });
  });

  it("Stripe's test evidence decides it: uncategorized_text winning_evidence wins, losing_evidence loses, shortly after submission", async () => {
    const winning = await disputeOf(await paidWith("4000000000000259"));
    const submitted = await h.stripe.disputes.update(winning.id, { evidence: { uncategorized_text: "winning_evidence" } });
    expect(submitted.status).toBe("under_review");
    expect((await verified("charge.dispute.closed", winning.id)).data.object).toMatchObject({ status: "won" });
    await verified("charge.dispute.funds_reinstated", winning.id);

    const losing = await disputeOf(await paidWith("4000000000002685"));
    await h.stripe.disputes.update(losing.id, { evidence: { uncategorized_text: "losing_evidence" } });
    expect((await verified("charge.dispute.closed", losing.id)).data.object).toMatchObject({ status: "lost" });

    // Staged (not submitted) test evidence decides nothing; other text waits for the control API.
    const staged = await disputeOf(await paidWith("4000000000000259"));
    await h.stripe.disputes.update(staged.id, { evidence: { uncategorized_text: "winning_evidence" }, submit: false });
    const plain = await disputeOf(await paidWith("4000000000000259"));
    await h.stripe.disputes.update(plain.id, { evidence: { uncategorized_text: "Signed for at the door." } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await h.stripe.disputes.retrieve(staged.id)).status).toBe("needs_response");
    expect((await h.stripe.disputes.retrieve(plain.id)).status).toBe("under_review");
  });

  it("evidence is limited to 20,000 characters a field and 150,000 in all", async () => {
    const dispute = await disputeOf(await paidWith("4000000000000259"));
    const long = (await h.stripe.disputes
      .update(dispute.id, { evidence: { uncategorized_text: "x".repeat(20_001) } })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(long).toMatchObject({ statusCode: 400, param: "evidence[uncategorized_text]" });
    const fields = [
      "access_activity_log",
      "cancellation_rebuttal",
      "duplicate_charge_explanation",
      "product_description",
      "refund_policy_disclosure",
      "refund_refusal_explanation",
      "uncategorized_text",
      "cancellation_policy_disclosure",
    ] as const;
    const evidence = Object.fromEntries(fields.map((f) => [f, "y".repeat(19_000)]));
    const tooMuch = (await h.stripe.disputes
      .update(dispute.id, { evidence, submit: false })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(tooMuch).toMatchObject({ statusCode: 400, param: "evidence" });
    expect((await h.stripe.disputes.retrieve(dispute.id)).evidence_details.has_evidence).toBe(false);
  });

  it("past the due date, past_due is true and evidence is refused", async () => {
    const dispute = await disputeOf(await paidWith("4000000000000259"));
    await control(h.emulator, "/clock", { advanceMs: 9 * 86_400_000 });
    expect((await h.stripe.disputes.retrieve(dispute.id)).evidence_details.past_due).toBe(true);
    const late = (await h.stripe.disputes
      .update(dispute.id, { evidence: { customer_name: "Ada" } })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(late).toMatchObject({ statusCode: 400, param: "evidence" });
  });

  it("accepting (close) loses it: charge.dispute.closed with status lost; closing twice is refused", async () => {
    const dispute = await disputeOf(await paidWith("4000000000000259"));
    const closed = await h.stripe.disputes.close(dispute.id);
    expect(closed.status).toBe("lost");
    const event = await verified("charge.dispute.closed", dispute.id);
    expect(event.data.object).toMatchObject({ status: "lost" });
    expect(event.data.previous_attributes).toEqual({ status: "needs_response" });
    expect(closed.balance_transactions).toHaveLength(1);
    const twice = (await h.stripe.disputes.close(dispute.id).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(twice).toMatchObject({ statusCode: 400, type: "StripeInvalidRequestError" });
    expect(h.receiver.ofType("charge.dispute.funds_reinstated")).toHaveLength(0);
  });

  it("control API decides it won: charge.dispute.closed and funds_reinstated with a reversal; the fee is kept", async () => {
    const dispute = await disputeOf(await paidWith("4000000000000259"));
    await h.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: "Signed for." } });
    const decided = await control(h.emulator, `/disputes/${dispute.id}/close`, { outcome: "won" });
    expect(decided).toMatchObject({ http: 200, body: { dispute: { status: "won" } } });
    const closed = await verified("charge.dispute.closed", dispute.id);
    expect(closed.data.previous_attributes).toEqual({ status: "under_review" });
    const reinstated = (await verified("charge.dispute.funds_reinstated", dispute.id)).data.object as Stripe.Dispute;
    expect(reinstated.balance_transactions.map((t) => [t.reporting_category, t.amount, t.fee, t.net])).toEqual([
      ["dispute", -3448, DISPUTE_FEE, -3448 - DISPUTE_FEE],
      ["dispute_reversal", 3448, 0, 3448],
    ]);
    // Deciding again is a 409 and changes nothing.
    expect((await control(h.emulator, `/disputes/${dispute.id}/close`, { outcome: "lost" })).http).toBe(409);
    expect((await h.stripe.disputes.retrieve(dispute.id)).status).toBe("won");
    expect((await control(h.emulator, `/disputes/${dispute.id}/close`, { outcome: "maybe" })).http).toBe(400);
    expect((await control(h.emulator, `/disputes/dp_missing/close`, { outcome: "won" })).http).toBe(404);
  });

  it("control API decides it lost: closed, no reinstatement", async () => {
    const dispute = await disputeOf(await paidWith("4000000000000259"));
    expect((await control(h.emulator, `/disputes/${dispute.id}/close`, { outcome: "lost" })).body).toMatchObject({
      dispute: { status: "lost" },
    });
    expect((await verified("charge.dispute.closed", dispute.id)).data.object).toMatchObject({ status: "lost" });
    expect((await h.stripe.disputes.retrieve(dispute.id)).balance_transactions).toHaveLength(1);
  });

  it("a disputed payment cannot be refunded (charge_disputed), open or lost; after a win it can", async () => {
    const intent = await paidWith("4000000000000259");
    const dispute = await disputeOf(intent);
    const refused = (await h.stripe.refunds
      .create({ payment_intent: intent, amount: 100 })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(refused).toMatchObject({
      statusCode: 400,
      type: "StripeInvalidRequestError",
      code: "charge_disputed",
      message: `Charge ${String(dispute.charge)} has been charged back; cannot issue a refund.`,
    });
    expect(h.emulator.state.refunds.size).toBe(0);
    await control(h.emulator, `/disputes/${dispute.id}/close`, { outcome: "lost" });
    expect(
      ((await h.stripe.refunds.create({ charge: dispute.charge as string }).catch((e: unknown) => e)) as Stripe.errors.StripeError).code,
    ).toBe("charge_disputed");

    const wonIntent = await paidWith("4000000000000259");
    const won = await disputeOf(wonIntent);
    await control(h.emulator, `/disputes/${won.id}/close`, { outcome: "won" });
    expect((await h.stripe.refunds.create({ payment_intent: wonIntent, amount: 100 })).status).toBe("succeeded");
  });

  it("control API opens a dispute on any captured charge (after shipping), for part of what is left after refunds", async () => {
    const intent = await paidWith("4242424242424242");
    await h.stripe.refunds.create({ payment_intent: intent, amount: 448 });
    const chargeId = (await h.stripe.paymentIntents.retrieve(intent)).latest_charge as string;
    const tooMuch = await control(h.emulator, `/charges/${chargeId}/dispute`, { reason: "product_not_received", amount: 3001 });
    expect(tooMuch.http).toBe(400);
    const opened = await control(h.emulator, `/charges/${chargeId}/dispute`, { reason: "product_not_received", amount: 1000 });
    expect(opened).toMatchObject({
      http: 200,
      body: { dispute: { amount: 1000, reason: "product_not_received", status: "needs_response", charge: chargeId } },
    });
    expect((await control(h.emulator, `/charges/${chargeId}/dispute`, {})).http).toBe(409);
    expect((await control(h.emulator, `/charges/ch_missing/dispute`, {})).http).toBe(404);
    expect((await control(h.emulator, `/charges/${chargeId}/dispute`, { reason: "because" })).http).toBe(400);
    expect((await h.stripe.charges.retrieve(chargeId)).disputed).toBe(true);
  });

  it("in process: emulator.disputes.open and .decide do what the control API does", async () => {
    const intent = await paidWith("4242424242424242");
    const chargeId = (await h.stripe.paymentIntents.retrieve(intent)).latest_charge as string;
    const opened = h.emulator.disputes.open(chargeId, { reason: "product_unacceptable" });
    expect(opened).toMatchObject({ status: "needs_response", reason: "product_unacceptable", amount: 3448 });
    expect(h.emulator.disputes.decide(opened.id, "lost").status).toBe("lost");
    expect(() => h.emulator.disputes.open("ch_missing")).toThrow("No such charge");
    expect((await verified("charge.dispute.closed", opened.id)).data.object).toMatchObject({ status: "lost" });
    expect(DISPUTE_CARDS["4000000000000259"]).toEqual({ reason: "fraudulent", kind: "chargeback" });
  });

  it("card 4000 0000 0000 1976 opens an inquiry: nothing withdrawn, still refundable; won closes it, lost escalates it to a chargeback", async () => {
    const intent = await paidWith("4000000000001976");
    const inquiry = await disputeOf(intent);
    expect(inquiry).toMatchObject({
      status: "warning_needs_response",
      is_charge_refundable: true,
      balance_transactions: [],
      payment_method_details: { card: { case_type: "inquiry" } },
    });
    await verified("charge.dispute.created", inquiry.id);
    // While it is an inquiry the merchant may refund (part of) it.
    expect((await h.stripe.refunds.create({ payment_intent: intent, amount: 448 })).status).toBe("succeeded");
    await h.stripe.disputes.update(inquiry.id, { evidence: { customer_name: "Ada Reader" } });
    expect((await h.stripe.disputes.retrieve(inquiry.id)).status).toBe("warning_under_review");

    const escalated = await control(h.emulator, `/disputes/${inquiry.id}/close`, { outcome: "lost" });
    expect(escalated.body).toMatchObject({
      dispute: {
        status: "needs_response",
        is_charge_refundable: false,
        amount: 3000,
        payment_method_details: { card: { case_type: "chargeback" } },
      },
    });
    const updates = await waitFor(() => {
      const mine = h.receiver.ofType("charge.dispute.updated").filter((d) => d.event.data.object.id === inquiry.id);
      return mine.length === 2 && mine;
    });
    const updated = h.stripe.webhooks.constructEvent(updates[1]!.body, updates[1]!.signature, WEBHOOK_SECRET);
    expect(updated.data.previous_attributes).toMatchObject({ status: "warning_under_review", is_charge_refundable: true, amount: 3448 });
    const withdrawn = (await verified("charge.dispute.funds_withdrawn", inquiry.id)).data.object as Stripe.Dispute;
    expect(withdrawn.balance_transactions.map((t) => [t.amount, t.fee])).toEqual([[-3000, DISPUTE_FEE]]);
    expect(
      ((await h.stripe.refunds.create({ payment_intent: intent, amount: 1 }).catch((e: unknown) => e)) as Stripe.errors.StripeError).code,
    ).toBe("charge_disputed");

    // Another inquiry, closed: warning_closed, nothing moved; accepting one (close) does the same.
    const closedOne = await disputeOf(await paidWith("4000000000001976"));
    expect((await control(h.emulator, `/disputes/${closedOne.id}/close`, { outcome: "won" })).body).toMatchObject({
      dispute: { status: "warning_closed", balance_transactions: [] },
    });
    expect(h.receiver.ofType("charge.dispute.funds_reinstated").filter((d) => d.event.data.object.id === closedOne.id)).toHaveLength(0);
    const accepted = await disputeOf(await paidWith("4000000000001976"));
    expect((await h.stripe.disputes.close(accepted.id)).status).toBe("warning_closed");
    // The control API opens inquiries too; one refunded in full cannot escalate.
    const plain = await paidWith("4242424242424242");
    const chargeId = (await h.stripe.paymentIntents.retrieve(plain)).latest_charge as string;
    const opened = await control(h.emulator, `/charges/${chargeId}/dispute`, { kind: "inquiry" });
    expect(opened.body).toMatchObject({ dispute: { status: "warning_needs_response" } });
    await h.stripe.refunds.create({ payment_intent: plain });
    expect((await control(h.emulator, `/disputes/${(opened.body.dispute as { id: string }).id}/close`, { outcome: "lost" })).http).toBe(
      409,
    );
  });

  it("only captured card charges can be disputed", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { bankAccount: "000123456789" });
    const intent = (await h.stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
    const pending = (await h.stripe.paymentIntents.retrieve(intent)).latest_charge as string;
    expect((await control(h.emulator, `/charges/${pending}/dispute`, {})).http).toBe(409);
    await control(h.emulator, `/sessions/${session.id}/settle`, { outcome: "succeeded" });
    expect((await control(h.emulator, `/charges/${pending}/dispute`, {})).body).toMatchObject({
      error: expect.stringContaining("only card payments") as unknown,
    });
    expect(h.emulator.state.disputes.size).toBe(0);
  });

  it("the dispute control routes keep the control API's CSRF rules", async () => {
    const intent = await paidWith("4000000000000259");
    const dispute = await disputeOf(intent);
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${h.emulator.url}/_emulator/disputes/${dispute.id}/close`, { method: "POST", headers, body, redirect: "manual" });
    expect((await post({ "content-type": "text/plain" }, JSON.stringify({ outcome: "won" }))).status).toBe(415);
    expect(
      (await post({ "content-type": "application/json", origin: "https://evil.example" }, JSON.stringify({ outcome: "won" }))).status,
    ).toBe(403);
    expect((await post({ "content-type": "application/x-www-form-urlencoded" }, "outcome=won")).status).toBe(403);
    expect((await h.stripe.disputes.retrieve(dispute.id)).status).toBe("needs_response");
  });

  it("the dashboard lists disputes; its Won button posts a form with the emulator's own Origin and closes the dispute", async () => {
    const dispute = await disputeOf(await paidWith("4000000000000259"));
    const html = await (await fetch(`${h.emulator.url}/`)).text();
    expect(html).toContain(dispute.id);
    expect(html).toContain(`action="/_emulator/disputes/${dispute.id}/close"`);
    const posted = await fetch(`${h.emulator.url}/_emulator/disputes/${dispute.id}/close`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: h.emulator.publicUrl },
      body: "outcome=won",
      redirect: "manual",
    });
    expect(posted.status).toBe(303);
    expect((await h.stripe.disputes.retrieve(dispute.id)).status).toBe("won");
    expect(await (await fetch(`${h.emulator.url}/`)).text()).not.toContain(`action="/_emulator/disputes/${dispute.id}/close"`);
  });
});
