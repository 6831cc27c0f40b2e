// PATCH /api/cart/items/:bookId – set a line's quantity (0 removes it)
// DELETE /api/cart/items/:bookId – remove a line
import { loadCart, setCartItemQuantity } from "@/lib/cart/cart-store";
import { currentCartId } from "@/lib/cart/current-cart";
import { setQuantitySchema } from "@/lib/cart/types";
import { bookIdSchema } from "@/lib/catalog/types";
import { AppError } from "@/lib/errors";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";

type Context = { params: Promise<{ bookId: string }> };

async function lineTarget(context: Context) {
  const { bookId } = await context.params;
  const parsed = bookIdSchema.safeParse(bookId);
  if (!parsed.success) throw new AppError("not_found", `Book ${bookId} is not in your cart`);
  const cartId = await currentCartId({ create: false });
  if (!cartId) throw new AppError("not_found", `Book ${bookId} is not in your cart`);
  return { cartId, bookId: parsed.data };
}

export const PATCH = route(async (request: Request, context: Context) => {
  const { quantity } = await readJson(request, setQuantitySchema);
  const { cartId, bookId } = await lineTarget(context);
  await setCartItemQuantity(cartId, bookId, quantity);
  return json(await loadCart(cartId));
});

export const DELETE = route(async (_request: Request, context: Context) => {
  const { cartId, bookId } = await lineTarget(context);
  await setCartItemQuantity(cartId, bookId, 0);
  return json(await loadCart(cartId));
});
