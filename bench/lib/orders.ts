import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { dispatch } from "@/lib/orders/dispatch";
import { placeOrder } from "@/lib/orders/place-order";
import { webhookSecret } from "@/lib/payments/stripe-client";
import { createBook, createUser } from "@/test/fixtures";
import { sessionObject, stripeEvent } from "@/test/webhooks";

export type AwaitingOrder = { orderId: string; paymentId: string; sessionId: string };

/** Runs `fn` over `items`, `concurrency` at a time. */
export async function inBatches<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** `n` orders of 2 × 12.99 (what the fixture session pays), each with one pending payment attempt. */
export async function ordersAwaitingPayment(n: number): Promise<AwaitingOrder[]> {
  const userId = await createUser();
  // Four orders a book: payments of one book serialise on its stock row, as they must.
  const books = await Promise.all(Array.from({ length: Math.ceil(n / 4) }, () => createBook(20, 1299)));
  return inBatches(
    Array.from({ length: n }, (_, i) => i),
    8,
    async (i) => {
      const { orderId } = await placeOrder({ userId, items: [{ bookId: books[i % books.length]!, quantity: 2 }] });
      const paymentId = randomUUID();
      const sessionId = `cs_test_${paymentId.replace(/-/g, "")}`;
      await dispatch(orderId, { type: "START_PAYMENT", paymentId }, "user", {
        session: { id: sessionId, url: `https://pay.example/${sessionId}` },
      });
      return { orderId, paymentId, sessionId };
    },
  );
}

const sdk = new Stripe("sk_test_unused");

/** A signed checkout.session.completed delivery for the order, as the gateway sends it. */
export function completedDelivery(order: AwaitingOrder): { body: string; signature: string; event: Stripe.Event } {
  const event = stripeEvent(
    "checkout.session.completed",
    sessionObject(order.sessionId, order.orderId, order.paymentId),
  ) as unknown as Stripe.Event;
  const body = JSON.stringify(event);
  return { body, event, signature: sdk.webhooks.generateTestHeaderString({ payload: body, secret: webhookSecret() }) };
}
