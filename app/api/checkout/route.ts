// POST /api/checkout – place an order for the cart: stock reserved, payment deadline set (signed in, or a guest with an e-mail address); `partial: true` orders what is on the shelf
import { getCurrentUser } from "@/lib/auth/session";
import { currentCartId } from "@/lib/cart/current-cart";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { readJson, readOptionalJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { checkoutCart, checkoutGuestCart } from "@/lib/orders/checkout-cart";
import { checkoutSchema, guestCheckoutSchema } from "@/lib/orders/guest-checkout-input";
import { rememberGuestOrder } from "@/lib/orders/order-viewer";

export const POST = route(async (request: Request) => {
  const key = request.headers.get("idempotency-key") ?? undefined;
  if (key !== undefined && !/^[\w.:-]{1,100}$/.test(key)) {
    throw new AppError("invalid_request", "Idempotency-Key must be 1–100 letters, digits, '-', '_', '.' or ':'");
  }
  const user = await getCurrentUser();
  if (user) {
    const { partial } = await readOptionalJson(request, checkoutSchema);
    const { order, resumed } = await checkoutCart({ userId: user.id, idempotencyKey: key, partial });
    // 200: the cart's open order of the same lines, not a new one.
    return json(order, { status: resumed ? 200 : 201 });
  }
  // A guest: the address comes first (bad input changes nothing), then their cookie's cart.
  const { email, partial } = await readJson(request, guestCheckoutSchema);
  const cartId = await currentCartId({ create: false });
  const { order, resumed } = await checkoutGuestCart({
    email,
    cartId,
    clientAddress: clientAddress(request.headers),
    idempotencyKey: key,
    partial,
  });
  // This browser follows the order at once (payment, return pages); elsewhere, through the e-mail's link.
  await rememberGuestOrder(order.id);
  return json(order, { status: resumed ? 200 : 201 });
});
