import { env } from "@/lib/env";
import { addCartItem, createCart } from "@/lib/cart/cart-store";
import { checkoutCart } from "@/lib/orders/checkout-cart";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { startPayment } from "@/lib/payments/start-payment";
import { createBook, createUser } from "./fixtures";

/** Calls the local Stripe emulator's control API (started by the test setup). */
export async function emulatorControl(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${env().STRIPE_API_BASE}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
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
