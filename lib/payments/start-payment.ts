import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { appUrl } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { throttlePaymentStart } from "@/lib/http/abuse-limits";
import { dispatch } from "@/lib/orders/dispatch";
import { getOrderForUser } from "@/lib/orders/order-view";
import { getPaymentGateway } from "./gateway";
import { instrument } from "@/lib/observability/operations";

export type StartedPayment = { paymentId: string; checkoutUrl: string; created: boolean };

/**
 * Starts paying for an order. The Checkout Session is created at the gateway
 * first (idempotency key = the new payment's id), and only then is
 * START_PAYMENT dispatched with it, so a gateway failure changes nothing.
 * While an attempt is pending, its checkout URL is returned again.
 */
export function startPayment(input: { userId: string; email: string; orderId: string; requestId?: string }): Promise<StartedPayment> {
  return instrument("payment_processing", { name: "start_payment", orderId: input.orderId }, () => openCheckoutSession(input));
}

async function openCheckoutSession(input: { userId: string; email: string; orderId: string; requestId?: string }): Promise<StartedPayment> {
  const order = await getOrderForUser(input.userId, input.orderId);
  const { db } = await getDb();
  const [pending] = await db.execute<{ id: string; checkout_url: string | null }>(sql`
    select id, checkout_url from payments where order_id = ${order.id} and status = 'pending' order by created_at desc limit 1`);
  const open = Date.now() < new Date(order.paymentDeadline).getTime();
  if (pending?.checkout_url && open && order.status === "created") {
    return { paymentId: pending.id, checkoutUrl: pending.checkout_url, created: false };
  }
  if (order.status !== "created") throw new AppError("invalid_transition", "This order is not waiting for payment", { status: order.status });
  if (!open) throw new AppError("payment_window_closed", "The time to pay for this order has run out");

  // Only an attempt that would open a gateway session counts against the shopper's rate.
  await throttlePaymentStart(input.userId);
  const paymentId = randomUUID();
  const base = appUrl();
  const gateway = await getPaymentGateway();
  let session: { id: string; url: string };
  try {
    session = await gateway.createCheckoutSession({
      orderId: order.id,
      paymentId,
      customerEmail: input.email,
      currency: order.currency,
      lines: order.items.map((i) => ({ title: i.title, quantity: i.quantity, unitPriceCents: i.unitPriceCents })),
      successUrl: `${base}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${base}/checkout/cancelled?session_id={CHECKOUT_SESSION_ID}`,
      expiresAt: new Date(order.paymentDeadline),
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("gateway_unavailable", "The payment service is not answering right now. Nothing was charged; please try again in a minute.");
  }
  const result = await dispatch(order.id, { type: "START_PAYMENT", paymentId }, "user", { session, requestId: input.requestId });
  if (result.outcome !== "accepted") {
    throw new AppError("invalid_transition", "This order is not waiting for payment", { status: result.status });
  }
  return { paymentId, checkoutUrl: session.url, created: true };
}
