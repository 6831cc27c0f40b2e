import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { eventTypes, orderRow, stockOf } from "@/test/fixtures";
import { deliver, orderAwaitingPayment, sessionObject, signedRequest, stripeEvent, stripeFixtures } from "@/test/webhooks";
import { POST as webhookRoute } from "@/app/api/webhooks/stripe/route";
import { handleWebhook } from "@/lib/payments/handle-webhook";

async function fingerprint(orderId: string, bookId: number) {
  const { db } = await getDb();
  const [row] = await db.execute(sql`
    select (select row_to_json(o) from (select status, revision from orders where id = ${orderId}) o) as o,
           (select count(*) from webhook_events) as w, (select count(*) from order_events where order_id = ${orderId}) as e`);
  return { row, stock: await stockOf(bookId) };
}

describe("POST /api/webhooks/stripe", () => {
  it("pays the order for checkout.session.completed (the fixture, pointed at a real order)", async () => {
    const o = await orderAwaitingPayment();
    const { status, body } = await deliver(stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId)));
    expect(status).toBe(200);
    expect(body.outcome).toBe("handled");
    expect((await orderRow(o.orderId)).status).toBe("paid");
    expect(await stockOf(o.bookId)).toEqual({ available: 3, reserved: 0, sold: 2, received: 5 });
  });

  it("stores the verified body as it came (not parsed and serialised again): the same text, a number past 2^53 exact", async () => {
    const o = await orderAwaitingPayment();
    const event = stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId));
    // Pretty-printed and carrying an integer JSON.parse would round (…890 → …900): only the raw text keeps it.
    const body = JSON.stringify(event, null, 2).replace(/^\{/, '{\n  "big": 12345678901234567890,');
    const response = await webhookRoute(signedRequest(body));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { outcome: string }).outcome).toBe("handled");
    const { db } = await getDb();
    const [row] = await db.execute<{ payload: Record<string, unknown>; big: string; outcome: string; order_id: string }>(sql`
      select payload, payload->>'big' as big, outcome, order_id from webhook_events where id = ${event.id}`);
    expect(row!.big).toBe("12345678901234567890");
    // json, not jsonb: the very bytes the gateway signed, whitespace and all.
    const [text] = await db.execute<{ payload: string }>(sql`select payload::text as payload from webhook_events where id = ${event.id}`);
    expect(text!.payload).toBe(body);
    const { big: _big, ...rest } = row!.payload;
    expect(rest).toEqual(event);
    expect({ outcome: row!.outcome, orderId: row!.order_id }).toEqual({ outcome: "handled", orderId: o.orderId });
  });

  it("without a raw body (the reconciler's and the benches' calls), stores the event serialised: the same row", async () => {
    const o = await orderAwaitingPayment();
    const event = stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId));
    expect(await handleWebhook(event as never)).toBe("handled");
    const { db } = await getDb();
    const [row] = await db.execute<{ payload: unknown }>(sql`select payload from webhook_events where id = ${event.id}`);
    expect(row!.payload).toEqual(event);
  });

  it("20 concurrent deliveries of one event make exactly one transition", async () => {
    const o = await orderAwaitingPayment();
    const event = stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId));
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(event)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.outcome === "handled")).toHaveLength(1);
    expect(results.filter((r) => r.body.outcome === "duplicate")).toHaveLength(19);
    expect((await eventTypes(o.orderId)).filter((t) => t === "OrderPaid")).toHaveLength(1);
    expect(await stockOf(o.bookId)).toEqual({ available: 3, reserved: 0, sold: 2, received: 5 });
  });

  const orderings = [
    ["completed", "async_succeeded", "expired"],
    ["completed", "expired", "async_succeeded"],
    ["async_succeeded", "completed", "expired"],
    ["async_succeeded", "expired", "completed"],
    ["expired", "completed", "async_succeeded"],
    ["expired", "async_succeeded", "completed"],
  ] as const;
  it.each(orderings.map((o) => [o.join(" > "), o] as const))("every ordering ends paid, money kept once: %s", async (_name, order) => {
    const o = await orderAwaitingPayment();
    const paid = sessionObject(o.sessionId, o.orderId, o.paymentId);
    const events = {
      completed: stripeEvent("checkout.session.completed", paid),
      async_succeeded: stripeEvent("checkout.session.async_payment_succeeded", paid),
      expired: stripeEvent("checkout.session.expired", { ...paid, status: "expired", payment_status: "unpaid" }),
    };
    for (const name of order) expect((await deliver(events[name])).status).toBe(200);
    const row = await orderRow(o.orderId);
    const { db } = await getDb();
    const refunds = await db.execute(sql`select 1 from refunds where order_id = ${o.orderId}`);
    // Expired first cancels the attempt; the paid events that follow still pay the order.
    expect(row.status).toBe("paid");
    expect(refunds).toHaveLength(0);
    expect((await eventTypes(o.orderId)).filter((t) => t === "OrderPaid")).toHaveLength(1);
  });

  it("refunds money that arrives after the order was cancelled", async () => {
    const o = await orderAwaitingPayment();
    const { dispatch } = await import("@/lib/orders/dispatch");
    await dispatch(o.orderId, { type: "CANCEL" }, "user");
    await deliver(stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId)));
    expect((await orderRow(o.orderId)).status).toBe("refund_pending");
    expect(await stockOf(o.bookId)).toEqual({ available: 5, reserved: 0, sold: 0, received: 5 });
  });

  it("never marks paid for a different amount or currency: flagged instead", async () => {
    const o = await orderAwaitingPayment();
    await deliver(stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId, { amount_total: 100 })));
    await deliver(stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId, { currency: "eur" })));
    const row = await orderRow(o.orderId);
    expect(row.status).toBe("created");
    expect(row.needs_attention).toBe(true);
  });

  it("a completed but unpaid session (bank transfer) waits for the async event", async () => {
    const o = await orderAwaitingPayment();
    const pending = sessionObject(o.sessionId, o.orderId, o.paymentId, { payment_status: "unpaid" });
    expect((await deliver(stripeEvent("checkout.session.completed", pending))).body.outcome).toBe("awaiting_async");
    expect((await orderRow(o.orderId)).status).toBe("created");
    await deliver(stripeEvent("checkout.session.async_payment_failed", pending));
    expect((await eventTypes(o.orderId)).at(-1)).toBe("PaymentFailed");
  });

  it("payment_intent.payment_failed (the fixture) marks the attempt failed", async () => {
    const o = await orderAwaitingPayment();
    const intent = {
      ...stripeFixtures.resources.payment_intent,
      metadata: { order_id: o.orderId, payment_id: o.paymentId },
      last_payment_error: { type: "card_error", code: "card_declined", decline_code: "insufficient_funds" },
    };
    expect((await deliver(stripeEvent("payment_intent.payment_failed", intent))).body.outcome).toBe("handled");
    const { db } = await getDb();
    const [payment] = await db.execute<{ status: string; failure_reason: string }>(
      sql`select status, failure_reason from payments where id = ${o.paymentId}`,
    );
    expect(payment).toEqual({ status: "failed", failure_reason: "insufficient_funds" });
  });

  it("other event types get 200 and are ignored", async () => {
    const { status, body } = await deliver(stripeFixtures.resources.event!);
    expect(status).toBe(200);
    expect(["ignored", "duplicate"]).toContain(body.outcome);
  });

  it.each([
    [
      "a forged body",
      (p: string) => signedRequest(p.replace('"paid"', '"unpaid"'), { signature: signedRequest(p).headers.get("stripe-signature") }),
    ],
    ["the wrong secret", (p: string) => signedRequest(p, { secret: "whsec_wrong" })],
    ["no signature header", (p: string) => signedRequest(p, { signature: null })],
    ["a timestamp older than 300 s", (p: string) => signedRequest(p, { timestamp: Math.floor(Date.now() / 1000) - 301 })],
  ])("rejects %s with 400 and changes nothing", async (_name, build) => {
    const o = await orderAwaitingPayment();
    const payload = JSON.stringify(stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId)));
    const before = await fingerprint(o.orderId, o.bookId);
    const response = await webhookRoute(build(payload));
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("invalid_request");
    expect(await fingerprint(o.orderId, o.bookId)).toEqual(before);
  });
});
