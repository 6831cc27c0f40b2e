import { AppError, isAppError } from "@/lib/errors";
import type { OrderView } from "@/lib/orders/order-view";
import { addCartItem, loadCart } from "./cart-store";

/**
 * A cancelled order's books back in the cart (issue #20: "Put these books
 * back in my cart"): each line is topped up to the order's quantity (a cart
 * that still holds the books is not doubled), as the cart add does, so a line
 * already at 50 copies, a full cart or a book that no longer exists is
 * skipped and named, never an error for the rest. Writes the cart only: the
 * order stays cancelled, nothing is reserved (checkout does that).
 */
export async function putOrderBooksBack(cartId: string, order: Pick<OrderView, "status" | "items">): Promise<{ skipped: string[] }> {
  if (order.status !== "cancelled") {
    throw new AppError("invalid_transition", "Only a cancelled order's books can be put back in the cart", { status: order.status });
  }
  const skipped: string[] = [];
  const inCart = new Map((await loadCart(cartId)).items.map((line) => [line.bookId, line.quantity]));
  for (const item of order.items) {
    const missing = item.quantity - (inCart.get(item.bookId) ?? 0);
    if (missing <= 0) continue;
    try {
      await addCartItem(cartId, item.bookId, missing);
    } catch (error) {
      if (!isAppError(error) || (error.code !== "invalid_request" && error.code !== "not_found")) throw error;
      skipped.push(item.title);
    }
  }
  return { skipped };
}
