// POST /api/orders/:id/reorder – put a cancelled order's books back in the cart (its shopper, or a guest holding its link)
import { loadCart } from "@/lib/cart/cart-store";
import { currentCartId } from "@/lib/cart/current-cart";
import { putOrderBooksBack } from "@/lib/cart/put-back";
import { json, route } from "@/lib/http/responses";
import { getOrderForViewer } from "@/lib/orders/order-view";
import { orderViewer } from "@/lib/orders/order-viewer";

export const POST = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const order = await getOrderForViewer(await orderViewer(id), id);
  const cartId = (await currentCartId({ create: true }))!;
  const { skipped } = await putOrderBooksBack(cartId, order);
  return json({ cart: await loadCart(cartId), skipped });
});
