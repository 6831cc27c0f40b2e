import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { env } from "@/lib/env";
import { addCartItem, createCart } from "@/lib/cart/cart-store";
import { checkoutCart, checkoutGuestCart } from "@/lib/orders/checkout-cart";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { startPayment } from "@/lib/payments/start-payment";
import { stripeClient } from "@/lib/payments/stripe-client";
import { createBook, createUser } from "./fixtures";

/** Calls the local Stripe emulator's control API (started by the test setup). */
export async function emulatorControl(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${env().STRIPE_API_BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

/** Pays a session on the emulator as the hosted page would. */
export function payAtGateway(sessionId: string, card = "4242424242424242"): Promise<unknown> {
  return emulatorControl(`/_emulator/sessions/${sessionId}/pay`, { card });
}

type OrderOptions = { stock?: number; priceCents?: number; quantity?: number };

/** A new shopper's order (checked out from the cart), not yet paid. */
export async function placedOrder(options: OrderOptions = {}) {
  const userId = await createUser();
  const bookId = await createBook(options.stock ?? 3, options.priceCents ?? 1500);
  const cart = await createCart(userId);
  await addCartItem(cart, bookId, options.quantity ?? 1);
  const { order } = await checkoutCart({ userId });
  return { userId, bookId, orderId: order.id };
}

/** A shopper's order with one started payment: a real session on the emulator. */
export async function orderAtGateway(options: OrderOptions = {}) {
  const placed = await placedOrder(options);
  const { checkoutUrl, paymentId } = await startPayment({ userId: placed.userId, email: "r@example.com", orderId: placed.orderId });
  return { ...placed, paymentId, sessionId: checkoutUrl.split("/pay/")[1]! };
}

/** The same, paid with 4242 and confirmed by the success page. */
export async function paidOrderAtGateway(options: Parameters<typeof orderAtGateway>[0] = {}) {
  const order = await orderAtGateway(options);
  await payAtGateway(order.sessionId);
  await reconcileSuccessReturn({ userId: order.userId, sessionId: order.sessionId });
  return order;
}

/** A promotion code at the gateway (a coupon of `percentOff` % or `amountOff` cents, and its code). */
export async function createPromotionCode(off: { percentOff?: number; amountOff?: number }): Promise<string> {
  const stripe = stripeClient();
  const coupon = await stripe.coupons.create(
    off.amountOff
      ? { amount_off: off.amountOff, currency: "usd", duration: "once" }
      : { percent_off: off.percentOff ?? 10, duration: "once" },
  );
  const code = `T${randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase()}`;
  await stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code });
  return code;
}

/** The id of the session's shipping option the store offered as `method` (standard or express). */
export async function shippingRateOf(sessionId: string, method: string): Promise<Stripe.ShippingRate> {
  const session = await stripeClient().checkout.sessions.retrieve(sessionId, { expand: ["shipping_options.shipping_rate"] });
  return session.shipping_options.map((o) => o.shipping_rate as Stripe.ShippingRate).find((r) => r.metadata.method === method)!;
}

/** Pays as a shopper who picked a rate and entered a code on the hosted page (the emulator fills in a sample address). */
export async function payAtGatewayWith(
  sessionId: string,
  options: { method?: string; promotionCode?: string; shipping?: unknown; card?: string },
): Promise<{ status: string }> {
  const shippingRate = options.method ? (await shippingRateOf(sessionId, options.method)).id : undefined;
  return (await emulatorControl(`/_emulator/sessions/${sessionId}/pay`, {
    card: options.card ?? "4242424242424242",
    ...(shippingRate ? { shippingRate } : {}),
    ...(options.promotionCode ? { promotionCode: options.promotionCode } : {}),
    ...(options.shipping ? { shipping: options.shipping } : {}),
  })) as { status: string };
}

/** A fresh guest address (lower case, as the checkout stores it) and a client address of its own, so limits start at zero. */
export function guestIdentity(): { email: string; clientAddress: string } {
  const n = () => Math.floor(Math.random() * 250) + 1;
  return { email: `guest-${randomUUID().slice(0, 12)}@test.example`, clientAddress: `10.${n()}.${n()}.${n()}` };
}

/** A guest's order (no account): an anonymous cart checked out with an e-mail address, not yet paid. */
export async function placedGuestOrder(options: OrderOptions & { email?: string; clientAddress?: string } = {}) {
  const identity = guestIdentity();
  const email = options.email ?? identity.email;
  const bookId = await createBook(options.stock ?? 3, options.priceCents ?? 1500);
  const cartId = await createCart(null);
  await addCartItem(cartId, bookId, options.quantity ?? 1);
  const { order } = await checkoutGuestCart({
    email,
    cartId,
    clientAddress: options.clientAddress ?? identity.clientAddress,
    idempotencyKey: randomUUID(),
  });
  return { email, cartId, bookId, orderId: order.id };
}

/** A guest's order with one started payment (through its link, as the order page would). */
export async function guestOrderAtGateway(options: OrderOptions = {}) {
  const placed = await placedGuestOrder(options);
  const { checkoutUrl, paymentId } = await startPayment({ userId: null, guestOrderId: placed.orderId, orderId: placed.orderId });
  return { ...placed, paymentId, sessionId: checkoutUrl.split("/pay/")[1]! };
}

/** The gateway's own view: what was captured on the session and how much of it went back. */
export async function moneyAtGateway(sessionId: string): Promise<{ captured: number; refunded: number }> {
  const stripe = stripeClient();
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  if (!session.payment_intent) return { captured: 0, refunded: 0 };
  const intent = await stripe.paymentIntents.retrieve(String(session.payment_intent), { expand: ["latest_charge"] });
  const charge = intent.latest_charge as Stripe.Charge | null;
  return { captured: charge?.amount_captured ?? 0, refunded: charge?.amount_refunded ?? 0 };
}
