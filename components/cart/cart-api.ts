// Browser-side cart calls; every change is announced with a `cart:updated`
// window event carrying the new cart, so the header count updates too.
import { apiRequest, isRecord, type ApiResult } from "@/components/api-client";
import type { BookCopies, CartLine, CartView, OpenOrder } from "@/lib/cart/types";

export const CART_UPDATED = "cart:updated";

export type CartResult = { ok: true; cart: CartView } | { ok: false; message: string };

const isLine = (value: unknown): value is CartLine =>
  isRecord(value) &&
  typeof value.bookId === "number" &&
  typeof value.title === "string" &&
  typeof value.quantity === "number" &&
  typeof value.unitPriceCents === "number" &&
  typeof value.lineTotalCents === "number" &&
  typeof value.available === "number";

const isCopies = (value: unknown): value is BookCopies[] =>
  Array.isArray(value) &&
  value.every((c) => isRecord(c) && typeof c.bookId === "number" && typeof c.title === "string" && typeof c.quantity === "number");

const isOpenOrder = (value: unknown): value is OpenOrder =>
  isRecord(value) &&
  typeof value.id === "string" &&
  typeof value.totalCents === "number" &&
  typeof value.currency === "string" &&
  typeof value.paymentDeadline === "string" &&
  typeof value.sameLines === "boolean" &&
  (value.partial === undefined || (isRecord(value.partial) && isCopies(value.partial.ordered) && isCopies(value.partial.leftOut)));

/** The cart from a JSON body, or null when it does not look like one. */
export function parseCart(value: unknown): CartView | null {
  if (!isRecord(value) || !Array.isArray(value.items) || typeof value.count !== "number") return null;
  if (typeof value.totalCents !== "number" || typeof value.currency !== "string" || !value.items.every(isLine)) return null;
  const cart: CartView = { items: value.items, totalCents: value.totalCents, currency: value.currency, count: value.count };
  if (isOpenOrder(value.openOrder)) cart.openOrder = value.openOrder;
  return cart;
}

export function announceCart(cart: CartView): void {
  window.dispatchEvent(new CustomEvent<CartView>(CART_UPDATED, { detail: cart }));
}

async function change(bookId: number, method: "PATCH" | "DELETE", quantity?: number): Promise<CartResult> {
  const result = await apiRequest(`/api/cart/items/${bookId}`, { method, body: method === "PATCH" ? { quantity } : undefined });
  return announced(result);
}

/** Adds copies of a book (an alternative offered at checkout, say) to the cart. */
export async function addLine(bookId: number, quantity = 1): Promise<CartResult> {
  return announced(await apiRequest("/api/cart/items", { method: "POST", body: { bookId, quantity } }));
}

function announced(result: ApiResult): CartResult {
  if (!result.ok) return { ok: false, message: result.message };
  const cart = parseCart(result.data);
  if (!cart) return { ok: false, message: "Your cart changed, but we couldn’t show it. Please reload the page." };
  announceCart(cart);
  return { ok: true, cart };
}

/** Sets a line's quantity (0 removes the line). */
export function setLineQuantity(bookId: number, quantity: number): Promise<CartResult> {
  return quantity === 0 ? change(bookId, "DELETE") : change(bookId, "PATCH", quantity);
}

export function removeLine(bookId: number): Promise<CartResult> {
  return change(bookId, "DELETE");
}

/** The shortfall text for a line, or undefined when there are enough copies. */
export function shortageLabel(quantity: number, available: number): string | undefined {
  if (quantity <= available) return undefined;
  return available <= 0 ? "Out of stock" : `Only ${available} left`;
}
