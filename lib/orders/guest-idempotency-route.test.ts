// A guest's Idempotency-Key is theirs per cart. An address and a key are no
// secret (a client may well send "checkout-1"), and POST /api/checkout hands the
// browser it answers the order's guest cookie: a replay for another cart would
// give that browser someone else's order. Found by a security audit; the first
// test failed before the fix (the other browser got the order, its cookie, and
// could read and cancel it).
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { POST as checkoutRoute } from "@/app/api/checkout/route";
import { POST as cancelRoute } from "@/app/api/orders/[id]/cancel/route";
import { GET as orderRoute } from "@/app/api/orders/[id]/route";
import { addCartItem, createCart } from "@/lib/cart/cart-store";
import { guestCookieName } from "@/lib/orders/guest-link";
import { createBook, orderRow } from "@/test/fixtures";

const jar = vi.hoisted(() => ({ cookies: new Map<string, string>() }));

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => null,
}));

vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (jar.cookies.has(name) ? { name, value: jar.cookies.get(name) } : undefined),
    has: (name: string) => jar.cookies.has(name),
    set: (name: string, value: string) => void jar.cookies.set(name, value),
    delete: (name: string) => void jar.cookies.delete(name),
  }),
}));

const checkout = (email: string, key: string) =>
  new Request("http://localhost/api/checkout", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "idempotency-key": key,
      "x-forwarded-for": `198.51.100.${Math.ceil(Math.random() * 250)}`,
    },
    body: JSON.stringify({ email }),
  });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

/** A browser holding a guest cart (`copies` of `bookId`, or empty), and nothing else. */
async function browserWithCart(bookId?: number, copies = 1): Promise<string> {
  const cartId = await createCart(null);
  if (bookId !== undefined) await addCartItem(cartId, bookId, copies);
  jar.cookies = new Map([["cart_id", cartId]]);
  return cartId;
}

async function placeWithKey(email: string, key: string): Promise<string> {
  const placed = await checkoutRoute(checkout(email, key), undefined);
  expect(placed.status).toBe(201);
  return ((await placed.json()) as { id: string }).id;
}

describe("a guest checkout's Idempotency-Key", () => {
  it("replays nothing to another browser that knows the address and the key: no order, no cookie, no access", async () => {
    const email = `guest-${randomUUID().slice(0, 8)}@example.com`;
    const book = await createBook(5, 2000);
    await browserWithCart(book);
    const orderId = await placeWithKey(email, "checkout-1");

    // Another browser, its own empty cart: nothing to order, and nothing of the first.
    await browserWithCart();
    const replay = await checkoutRoute(checkout(email, "checkout-1"), undefined);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: { code: "empty_cart" } });
    expect(jar.cookies.has(guestCookieName(orderId))).toBe(false);
    expect((await orderRoute(new Request(`http://localhost/api/orders/${orderId}`), params(orderId))).status).toBe(401);
    const cancel = await cancelRoute(new Request(`http://localhost/api/orders/${orderId}/cancel`, { method: "POST" }), params(orderId));
    expect(cancel.status).toBe(401);
    expect((await orderRow(orderId)).status).toBe("created");
  });

  it("places another browser's own cart as an order of its own, with the same address and key", async () => {
    const email = `guest-${randomUUID().slice(0, 8)}@example.com`;
    const book = await createBook(5, 2000);
    await browserWithCart(book);
    const first = await placeWithKey(email, "checkout-1");
    await browserWithCart(book, 2);
    const second = await placeWithKey(email, "checkout-1");
    expect(second).not.toBe(first);
    expect(jar.cookies.has(guestCookieName(first))).toBe(false);
    expect(jar.cookies.has(guestCookieName(second))).toBe(true);
    expect((await orderRow(first)).status).toBe("created");
  });

  it("still replays the same cart's retry: the same order, and its cookie for this browser", async () => {
    const email = `guest-${randomUUID().slice(0, 8)}@example.com`;
    const book = await createBook(5, 2000);
    const cartId = await browserWithCart(book);
    const orderId = await placeWithKey(email, "retry-1");
    // The browser lost its cookie jar but kept its cart (a retry after a dropped answer).
    jar.cookies = new Map([["cart_id", cartId]]);
    const retry = await checkoutRoute(checkout(email, "retry-1"), undefined);
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { id: string }).id).toBe(orderId);
    expect(jar.cookies.has(guestCookieName(orderId))).toBe(true);
  });
});
