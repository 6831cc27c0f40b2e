import { randomUUID } from "node:crypto";
import { getDb } from "@/db";
import { appUrl } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/observability/log";
import { throttlePaymentStart } from "@/lib/http/abuse-limits";
import { dispatch } from "@/lib/orders/dispatch";
import { addJob } from "@/lib/worker/jobs";
import { getOrderForViewer, type OrderView } from "@/lib/orders/order-view";
import { shippingCountries } from "@/lib/orders/shipping";
import { getPaymentGateway, type PaymentGateway } from "./gateway";
import { settleSession, type SettleOutcome } from "./settle-from-gateway";
import { isTransientGatewayError } from "./resilience";
import { pendingPaymentOfOrder } from "./store";
import { instrument } from "@/lib/observability/operations";

export type StartedPayment = { paymentId: string; checkoutUrl: string; created: boolean };
/**
 * No payment page could be opened because the gateway is down: the order waits in
 * created.paymentDelayed, its books reserved until paymentDeadline, and the shopper is
 * e-mailed a link to pay when the gateway answers again.
 */
export type DelayedPayment = { delayed: true; paymentDeadline: string; message: string };

/** A signed-in shopper (their e-mail goes to the gateway), or a guest holding the order's link (the order's address goes). */
type Input = { userId: string | null; guestOrderId?: string | null; email?: string; orderId: string };

/** A session that closes within this long is not worth handing to a shopper. */
const MIN_TIME_TO_PAY_MS = 2 * 60_000;

/**
 * Starts paying for an order. The Checkout Session is created at the gateway
 * first (idempotency key = the new payment's id), and only then is
 * START_PAYMENT dispatched with it, so a gateway failure changes nothing.
 * While an attempt is pending and its session can still be paid, its
 * checkout URL is returned again; a session the gateway has closed (paid,
 * failed, expired) is settled first, then a new attempt starts.
 */
export function openPayment(input: Input): Promise<StartedPayment | DelayedPayment> {
  return instrument("payment_processing", { name: "start_payment", orderId: input.orderId }, () => openCheckoutSession(input));
}

/** openPayment for callers that need a payment page: a delayed payment is the gateway_unavailable error. */
export async function startPayment(input: Input): Promise<StartedPayment> {
  const started = await openPayment(input);
  if ("delayed" in started)
    throw new AppError("gateway_unavailable", started.message, { delayed: true, paymentDeadline: started.paymentDeadline });
  return started;
}

/** Circuit open, or failing after the retries (5xx, 429, a timeout, no connection): an outage, not a refusal. */
function isOutage(error: unknown): boolean {
  if (error instanceof AppError) return error.code === "gateway_unavailable";
  return error instanceof Error && isTransientGatewayError(error);
}

/**
 * The gateway is down: the order does not fail, its payment is delayed (PAYMENT_DELAYED; a repeat while
 * delayed is a duplicate). An order that cannot be delayed (a payment in progress, the window closing)
 * answers gateway_unavailable, as before.
 */
async function delayPayment(order: OrderView, error: unknown): Promise<DelayedPayment> {
  const reason = error instanceof AppError ? "circuit_open" : "gateway_error";
  const result = await dispatch(order.id, { type: "PAYMENT_DELAYED", reason }, "user");
  if (result.outcome === "ignored") throw gatewayDown();
  logger().warn({ orderId: order.id, reason, outcome: result.outcome }, "payment delayed: the gateway is down");
  return {
    delayed: true,
    paymentDeadline: order.paymentDeadline,
    message:
      "Payment is delayed: our payment service is not answering right now. Nothing was charged. " +
      `Your books are held for you until ${new Date(order.paymentDeadline).toUTCString()}, and we’ll e-mail you a link to pay ` +
      "as soon as the payment service is back.",
  };
}

const gatewayDown = () =>
  new AppError("gateway_unavailable", "The payment service is not answering right now. Nothing was charged; please try again in a minute.");

/**
 * Whether the pending attempt's session can still be paid. If not, what the
 * gateway says about it is dispatched first (paid, failed, expired…).
 */
async function checkPending(gateway: PaymentGateway, sessionId: string | null): Promise<"payable" | "closing" | SettleOutcome> {
  if (!sessionId) return "payable";
  try {
    const session = await gateway.retrieveCheckoutSession(sessionId);
    if (session.status !== "open") return await settleSession(session, "gateway");
    // Open but about to close: the new attempt's START_PAYMENT cancels and expires it.
    return (session.expiresAt ?? Infinity) > Date.now() + MIN_TIME_TO_PAY_MS ? "payable" : "closing";
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw gatewayDown();
  }
}

async function openCheckoutSession(input: Input): Promise<StartedPayment | DelayedPayment> {
  let order: OrderView = await getOrderForViewer(input, input.orderId);
  const pending = await pendingPaymentOfOrder(order.id);
  const gateway = await getPaymentGateway();
  const inWindow = () => Date.now() < new Date(order.paymentDeadline).getTime();
  if (pending?.checkoutUrl && inWindow() && order.status === "created") {
    const state = await checkPending(gateway, pending.sessionId);
    if (state === "payable") return { paymentId: pending.id, checkoutUrl: pending.checkoutUrl, created: false };
    // A bank transfer on its way: a second payment could take the money twice.
    if (state === "processing") {
      throw new AppError(
        "invalid_transition",
        "Your bank transfer is still being processed. The order page will show when it has gone through.",
        { status: order.status, payment: "processing" },
      );
    }
    order = await getOrderForViewer(input, input.orderId);
  }
  if (order.status !== "created")
    throw new AppError("invalid_transition", "This order is not waiting for payment", { status: order.status });
  if (!inWindow()) throw new AppError("payment_window_closed", "The time to pay for this order has run out");

  // Only an attempt that would open a gateway session counts against the shopper's rate.
  // A guest's attempts count against their address, as their checkouts do.
  await throttlePaymentStart(order.guestEmail && !input.userId ? `guest:${order.guestEmail}` : (input.userId ?? order.id));
  const paymentId = randomUUID();
  const base = appUrl();
  let session: { id: string; url: string };
  try {
    session = await gateway.createCheckoutSession({
      orderId: order.id,
      paymentId,
      // A guest's address was collected by the store's checkout form: the payment page shows it, prefilled.
      customerEmail: input.email ?? order.guestEmail,
      currency: order.currency,
      // In the machine's order (by book id): the sale read back lists its lines the same way.
      lines: [...order.items]
        .sort((a, b) => a.bookId - b.bookId)
        .map((i) => ({ title: i.title, quantity: i.quantity, unitPriceCents: i.unitPriceCents })),
      // A shipped sale: address, rates, tax and codes. Orders without rates sell the books alone (see placeOrder).
      ...(order.shippingOptions.length > 0
        ? { shipping: { countries: shippingCountries(), options: order.shippingOptions }, automaticTax: true, allowPromotionCodes: true }
        : {}),
      successUrl: `${base}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${base}/checkout/cancelled?session_id={CHECKOUT_SESSION_ID}`,
      expiresAt: new Date(order.paymentDeadline),
    });
  } catch (error) {
    if (isOutage(error)) return delayPayment(order, error);
    if (error instanceof AppError) throw error;
    throw gatewayDown();
  }
  const result = await dispatch(order.id, { type: "START_PAYMENT", paymentId }, "user", { session });
  if (result.outcome !== "accepted") {
    await closeUnrecordedSession(gateway, order.id, session.id);
    // Still unpaid: the window closed while the gateway was answering.
    if (result.status === "created") throw new AppError("payment_window_closed", "The time to pay for this order has run out");
    throw new AppError("invalid_transition", "This order is not waiting for payment", { status: result.status });
  }
  return { paymentId, checkoutUrl: session.url, created: true };
}

/**
 * START_PAYMENT was refused after the session was opened at the gateway (the
 * order was paid or cancelled meanwhile): nothing in the store points at it,
 * so it is expired now. If the gateway cannot be reached, a job keeps trying;
 * money that still reaches it is refunded (UNRECORDED_PAYMENT).
 */
async function closeUnrecordedSession(gateway: PaymentGateway, orderId: string, sessionId: string): Promise<void> {
  try {
    const session = await gateway.expireCheckoutSession(sessionId);
    if (session.status !== "expired") await settleSession(session, "system");
  } catch (error) {
    logger().warn({ orderId, sessionId, err: error }, "could not expire an unrecorded checkout session now; a job will");
    const { db } = await getDb();
    await addJob(db, "expire_checkout_session", { orderId, sessionId }, { jobKey: `expire-unrecorded:${sessionId}` });
  }
}
