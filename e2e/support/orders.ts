import { readFileSync } from "node:fs";
import { expect } from "@playwright/test";
import { signedInShopper } from "./api";
import { createBook, e2eDb } from "./db";

export const emulatorUrl = () => readFileSync(".data/e2e-emulator-url", "utf8").trim();

/** GET from the emulator's Stripe API with the e2e server's key (a payment intent, a charge). */
export async function gatewayObject<T>(path: string): Promise<T> {
  const key = readFileSync(".data/e2e-emulator-key", "utf8").trim();
  const response = await fetch(`${emulatorUrl()}${path}`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Opens a dispute of `amount` cents on the order's paid charge at the gateway (its webhook follows); its id. */
export async function disputeOrderPayment(orderId: string, amount: number): Promise<string> {
  const [payment] = await e2eDb()`select gateway_payment_intent_id from payments where order_id = ${orderId} and status = 'paid'`;
  const intent = await gatewayObject<{ latest_charge: string }>(`/v1/payment_intents/${String(payment!.gateway_payment_intent_id)}`);
  const response = await fetch(`${emulatorUrl()}/_emulator/charges/${intent.latest_charge}/dispute`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ amount }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { dispute: { id: string } }).dispute.id;
}

/** The card network decides a dispute (its closing webhook follows). */
export async function decideDispute(disputeId: string, outcome: "won" | "lost"): Promise<void> {
  const response = await fetch(`${emulatorUrl()}/_emulator/disputes/${disputeId}/close`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ outcome }),
  });
  expect(response.status).toBe(200);
}

/** Changes the emulator's run-time settings (failNext, latencyMs, asyncDelayMs…: POST /_emulator/config). */
export async function emulatorConfig(config: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emulatorUrl()}/_emulator/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  expect(response.ok).toBe(true);
}

/** Pays a checkout session on the emulator as the hosted form would (card 4242: paid, webhook sent). */
export async function payOnEmulator(checkoutUrl: string, card = "4242424242424242"): Promise<void> {
  const sessionId = checkoutUrl.split("/pay/")[1];
  await fetch(`${emulatorUrl()}/_emulator/sessions/${sessionId}/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card }),
  });
}

export async function orderStatus(orderId: string): Promise<string | undefined> {
  return (await e2eDb()`select status from orders where id = ${orderId}`)[0]?.status as string | undefined;
}

/** A new shopper's order for `quantity` copies of a new book, paid through the API and the emulator, once the webhook made it paid. */
export async function paidOrder(options: { title: string; stock?: number; quantity?: number; priceCents?: number }) {
  const shopper = await signedInShopper();
  const bookId = await createBook(options.stock ?? 3, options.title, options.priceCents ?? 1500);
  await shopper.api.post("/api/cart/items", { data: { bookId, quantity: options.quantity ?? 1 } });
  const order = await (await shopper.api.post("/api/checkout")).json();
  const { checkoutUrl } = await (await shopper.api.post(`/api/orders/${order.id}/payments`)).json();
  await payOnEmulator(String(checkoutUrl));
  await expect.poll(() => orderStatus(order.id), { timeout: 20_000 }).toBe("paid");
  return { orderId: order.id as string, bookId, shopper };
}
