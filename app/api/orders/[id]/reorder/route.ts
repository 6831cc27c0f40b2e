// POST /api/orders/:id/reorder – put a cancelled order's books back in the cart (its shopper, or a guest holding its link)
import { z } from "zod";
import { loadCart } from "@/lib/cart/cart-store";
import { currentCartId } from "@/lib/cart/current-cart";
import { putOrderBooksBack } from "@/lib/cart/put-back";
import { throttleReorder } from "@/lib/http/abuse-limits";
import { clientAddress } from "@/lib/http/client-address";
import { readOptionalJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { getOrderForViewer } from "@/lib/orders/order-view";
import { orderViewer } from "@/lib/orders/order-viewer";

// No input: an empty body or `{}`; anything else is a 400, a body past the JSON cap a 413.
const reorderSchema = z.object({}).strict();

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const viewer = await orderViewer(id);
  await readOptionalJson(request, reorderSchema);
  // Counted before the order is read, so a stranger's guesses count too: per shopper, per guest order,
  // or (a cookie that opens nothing) per client address, never against the order's real guest.
  await throttleReorder(viewer.userId ?? (viewer.guestOrderId ? `guest:${id}` : `ip:${clientAddress(request.headers)}`));
  const order = await getOrderForViewer(viewer, id);
  const cartId = (await currentCartId({ create: true, clientAddress: clientAddress(request.headers) }))!;
  const { skipped } = await putOrderBooksBack(cartId, order);
  return json({ cart: await loadCart(cartId), skipped });
});
