import { loadCart, findUserCart } from "@/lib/cart/cart-store";
import { cartFingerprint } from "@/lib/cart/fingerprint";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { throttleCheckout, throttleGuestCheckout } from "@/lib/http/abuse-limits";
import { getOrderForUser, getOrderForViewer, type OrderView } from "./order-view";
import { withAlternatives } from "./partial-order";
import { placeOrder, type PlaceOrderInput } from "./place-order";
import { instrument } from "@/lib/observability/operations";

export { cartFingerprint };

/** The order a cart checkout led to: new, replayed (same idempotency key) or resumed (the cart's open order of the same lines). */
export type CartCheckout = { order: OrderView; replayed: boolean; resumed?: boolean };

/**
 * Places an order for everything in the user's cart. The cart stays as it is
 * until payment succeeds. With an idempotency key a retry returns the same
 * order; without one, the same cart checked out again within a few seconds
 * (a double click) is refused. One open order per cart: the same lines still
 * waiting for payment are that order (resumed); a changed cart replaces it.
 */
export function checkoutCart(input: { userId: string; idempotencyKey?: string; partial?: boolean }): Promise<CartCheckout> {
  return instrument("order_creation", { name: "checkout", orderOf: (result) => result.order.id }, () => placeCartOrder(input));
}

async function placeCartOrder(input: { userId: string; idempotencyKey?: string; partial?: boolean }): Promise<CartCheckout> {
  const cart = await loadCart(await findUserCart(input.userId));
  if (cart.items.length === 0) {
    if (input.idempotencyKey) {
      // A retry after the cart was emptied by payment still finds its order.
      const replay = await placeOrder({ userId: input.userId, items: [], idempotencyKey: input.idempotencyKey }).catch(() => undefined);
      if (replay) return { order: await getOrderForUser(input.userId, replay.orderId), replayed: true };
    }
    throw new AppError("empty_cart", "Your cart is empty");
  }
  // Only a checkout that reaches the stock counts against the shopper's rate.
  await throttleCheckout(input.userId);
  const items = cart.items.map((i) => ({ bookId: i.bookId, quantity: i.quantity }));
  const result = await placeCartItems({
    // A shopper's order is shipped: the rates offered are fixed on it now.
    offerShipping: true,
    userId: input.userId,
    items,
    idempotencyKey: input.idempotencyKey,
    cartFingerprint: cartFingerprint(items),
    duplicateWindowSeconds: input.idempotencyKey ? undefined : 10,
    limits: { maxUnpaidOrders: env().MAX_UNPAID_ORDERS_PER_SHOPPER, maxReservedCopies: env().MAX_RESERVED_COPIES_PER_SHOPPER },
    oneOpenOrderPerCart: true,
    partial: input.partial === true,
  });
  return { order: await getOrderForUser(input.userId, result.orderId), replayed: result.replayed, resumed: result.resumed === true };
}

/**
 * placeOrder for a cart's lines; a shortage comes back with each short line's
 * alternatives (the cart's own books excluded), for the shopper to choose from.
 */
async function placeCartItems(input: PlaceOrderInput & { items: { bookId: number }[] }) {
  try {
    return await placeOrder(input);
  } catch (error) {
    throw await withAlternatives(
      error,
      input.items.map((i) => i.bookId),
    );
  }
}

/** A guest's checkout: their cookie-identified cart, the address they gave, and the client's address for its limits. */
export type GuestCheckout = { email: string; cartId: string | null; clientAddress: string; idempotencyKey?: string; partial?: boolean };

/**
 * Places a guest's order for everything in their cart, as checkoutCart does for
 * a shopper with an account; the order is held by the e-mail address (its link
 * and e-mails go there) until a verified account of that address claims it.
 * Limits: per client address and per e-mail address (rates), and what one
 * address may hold unpaid (settings).
 */
export function checkoutGuestCart(input: GuestCheckout): Promise<CartCheckout> {
  return instrument("order_creation", { name: "guest_checkout", orderOf: (result) => result.order.id }, () => placeGuestCartOrder(input));
}

async function placeGuestCartOrder(input: GuestCheckout): Promise<CartCheckout> {
  const asGuest = (orderId: string) => getOrderForViewer({ userId: null, guestOrderId: orderId }, orderId);
  // No cookie, no cart: nothing to order (and no earlier checkout of it to replay).
  if (!input.cartId) throw new AppError("empty_cart", "Your cart is empty");
  const cart = await loadCart(input.cartId);
  const guest = { email: input.email, cartId: input.cartId };
  if (cart.items.length === 0) {
    if (input.idempotencyKey) {
      const replay = await placeOrder({ userId: null, guest, items: [], idempotencyKey: input.idempotencyKey }).catch(() => undefined);
      if (replay) return { order: await asGuest(replay.orderId), replayed: true };
    }
    throw new AppError("empty_cart", "Your cart is empty");
  }
  await throttleGuestCheckout(input.clientAddress, input.email);
  const items = cart.items.map((i) => ({ bookId: i.bookId, quantity: i.quantity }));
  const result = await placeCartItems({
    offerShipping: true,
    userId: null,
    guest,
    items,
    idempotencyKey: input.idempotencyKey,
    cartFingerprint: cartFingerprint(items),
    duplicateWindowSeconds: input.idempotencyKey ? undefined : 10,
    limits: { maxUnpaidOrders: env().MAX_UNPAID_GUEST_ORDERS_PER_EMAIL, maxReservedCopies: env().MAX_RESERVED_COPIES_PER_GUEST_EMAIL },
    oneOpenOrderPerCart: true,
    partial: input.partial === true,
  });
  return { order: await asGuest(result.orderId), replayed: result.replayed, resumed: result.resumed === true };
}
