import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import Stripe from "stripe";
import { dispatch } from "@/lib/orders/dispatch";
import { placeOrder } from "@/lib/orders/place-order";
import { webhookSecret } from "@/lib/payments/stripe-client";
import { POST as webhookRoute } from "@/app/api/webhooks/stripe/route";
import { createBook, createUser } from "./fixtures";

type Fixtures = { resources: Record<string, Record<string, unknown>> };
// Stripe's own published example objects (MIT, see LICENSE-stripe-openapi beside it).
export const stripeFixtures = JSON.parse(readFileSync("test/stripe/fixtures.json", "utf8")) as Fixtures;

const sdk = new Stripe("sk_test_unused");

export function signedRequest(payload: string, options: { secret?: string; timestamp?: number; signature?: string | null } = {}): Request {
  const header =
    options.signature !== undefined
      ? options.signature
      : sdk.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? webhookSecret(), timestamp: options.timestamp });
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (header !== null) headers["stripe-signature"] = header;
  return new Request("http://localhost/api/webhooks/stripe", { method: "POST", body: payload, headers });
}

export async function deliver(event: object, options?: Parameters<typeof signedRequest>[1]) {
  const response = await webhookRoute(signedRequest(JSON.stringify(event), options));
  return { status: response.status, body: (await response.json()) as { outcome?: string; error?: { code: string } } };
}

/** A Stripe event built from the fixtures' envelope around `object`. */
export function stripeEvent(type: string, object: Record<string, unknown>, id = `evt_${randomUUID().replace(/-/g, "")}`) {
  return { ...stripeFixtures.resources.event!, id, type, created: Math.floor(Date.now() / 1000), data: { object } };
}

/** The fixture checkout.session pointed at one of our payments. */
export function sessionObject(sessionId: string, orderId: string, paymentId: string, overrides: Record<string, unknown> = {}) {
  return {
    ...stripeFixtures.resources["checkout.session"],
    id: sessionId,
    client_reference_id: orderId,
    metadata: { order_id: orderId, payment_id: paymentId },
    amount_total: 2598,
    amount_subtotal: 2598,
    currency: "usd",
    status: "complete",
    payment_status: "paid",
    payment_intent: `pi_${paymentId.replace(/-/g, "")}`,
    ...overrides,
  };
}

/** An order for 2 × 12.99 with one pending payment attempt and its session id. */
export async function orderAwaitingPayment(stock = 5) {
  const userId = await createUser();
  const bookId = await createBook(stock, 1299);
  const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 2 }] });
  const paymentId = randomUUID();
  const sessionId = `cs_test_${paymentId.replace(/-/g, "")}`;
  await dispatch(orderId, { type: "START_PAYMENT", paymentId }, "user", {
    session: { id: sessionId, url: `https://pay.example/${sessionId}` },
  });
  return { userId, bookId, orderId, paymentId, sessionId };
}

const disputeFixture = (
  JSON.parse(readFileSync("stripe-emulator/dispute-fixtures.json", "utf8")) as { resources: { dispute: Record<string, unknown> } }
).resources.dispute;

/** A chargeback of a session's payment for `amount`, opened and then lost, delivered as the gateway's signed webhooks. */
export async function disputeLostByWebhook(session: { payment_intent: unknown }, amount: number): Promise<void> {
  const id = `dp_${randomUUID().replace(/-/g, "")}`;
  const dispute = (status: string) => ({
    ...disputeFixture,
    id,
    amount,
    currency: "usd",
    payment_intent: session.payment_intent,
    reason: "fraudulent",
    status,
  });
  await deliver(stripeEvent("charge.dispute.created", dispute("needs_response")));
  await deliver(stripeEvent("charge.dispute.closed", dispute("lost")));
}
