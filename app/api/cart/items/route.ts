// POST /api/cart/items – add copies of a book to the cart
import { addCartItem, loadCart } from "@/lib/cart/cart-store";
import { getBook } from "@/lib/catalog/get-book";
import { currentCartId } from "@/lib/cart/current-cart";
import { addItemSchema } from "@/lib/cart/types";
import { clientAddress } from "@/lib/http/client-address";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";

export const POST = route(async (request: Request) => {
  const { bookId, quantity } = await readJson(request, addItemSchema);
  await getBook(bookId); // an unknown book is a 404 before any cart is made
  const cartId = (await currentCartId({ create: true, clientAddress: clientAddress(request.headers) }))!;
  await addCartItem(cartId, bookId, quantity);
  return json(await loadCart(cartId));
});
