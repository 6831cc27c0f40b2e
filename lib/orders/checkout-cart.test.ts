import { describe, expect, it } from "vitest";
import { addCartItem, createCart, loadCart } from "@/lib/cart/cart-store";
import { createBook, createUser, stockOf } from "@/test/fixtures";
import { checkoutCart } from "./checkout-cart";

async function userWithCart(items: [number, number][]) {
  const userId = await createUser();
  const cart = await createCart(userId);
  for (const [bookId, quantity] of items) await addCartItem(cart, bookId, quantity);
  return { userId, cart };
}

describe("checkoutCart", () => {
  it("places an order for the cart, reserves stock, keeps the cart until payment", async () => {
    const book = await createBook(5, 1000);
    const { userId, cart } = await userWithCart([[book, 2]]);
    const { order, replayed } = await checkoutCart({ userId });
    expect(replayed).toBe(false);
    expect(order).toMatchObject({ status: "created", totalCents: 2000, currency: "usd", allowedActions: ["pay", "cancel"] });
    expect(order.items).toEqual([expect.objectContaining({ bookId: book, quantity: 2, unitPriceCents: 1000 })]);
    expect(order.events.map((e) => e.type)).toEqual(["OrderCreated"]);
    expect(new Date(order.paymentDeadline).getTime()).toBeGreaterThan(Date.now() + 1700_000);
    expect(await stockOf(book)).toEqual({ available: 3, reserved: 2, sold: 0, received: 5 });
    expect((await loadCart(cart)).count).toBe(2);
  });

  it("returns the same order for a retried Idempotency-Key", async () => {
    const book = await createBook(5);
    const { userId } = await userWithCart([[book, 1]]);
    const [first, second] = await Promise.all([
      checkoutCart({ userId, idempotencyKey: "key-1" }),
      checkoutCart({ userId, idempotencyKey: "key-1" }),
    ]);
    expect(first.order.id).toBe(second.order.id);
    expect([first.replayed, second.replayed].sort()).toEqual([false, true]);
    expect(await stockOf(book)).toEqual({ available: 4, reserved: 1, sold: 0, received: 5 });
  });

  it("the same cart twice at once without a key (double click) is one order, reserved once", async () => {
    const book = await createBook(5);
    const { userId } = await userWithCart([[book, 1]]);
    const [first, second] = await Promise.all([checkoutCart({ userId }), checkoutCart({ userId })]);
    expect(first.order.id).toBe(second.order.id);
    expect([first.resumed, second.resumed].sort()).toEqual([false, true]);
    expect(await stockOf(book)).toEqual({ available: 4, reserved: 1, sold: 0, received: 5 });
  });

  it("answers out_of_stock with each short line and reserves nothing", async () => {
    const plenty = await createBook(10);
    const short = await createBook(1);
    const { userId } = await userWithCart([
      [plenty, 2],
      [short, 3],
    ]);
    await expect(checkoutCart({ userId })).rejects.toMatchObject({
      code: "out_of_stock",
      details: [{ bookId: short, requested: 3, available: 1 }],
    });
    expect(await stockOf(plenty)).toEqual({ available: 10, reserved: 0, sold: 0, received: 10 });
  });

  it("answers empty_cart for an empty cart", async () => {
    const userId = await createUser();
    await expect(checkoutCart({ userId })).rejects.toMatchObject({ code: "empty_cart" });
  });
});
