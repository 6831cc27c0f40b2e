// Issue #20, no duplicate unpaid orders: one open order per cart. The same cart checked out
// again goes to its open order; a changed cart replaces it (cancelled through dispatch, its
// stock released); the cart counts the copies its own open order holds as the shopper's.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { addCartItem, createCart, loadCart, setCartItemQuantity } from "@/lib/cart/cart-store";
import { startPayment } from "@/lib/payments/start-payment";
import { createBook, createUser, eventTypes, jobKeys, stockOf } from "@/test/fixtures";
import { guestIdentity, payAtGateway } from "@/test/gateway";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { checkoutCart, checkoutGuestCart } from "./checkout-cart";
import { getOrder } from "./order-view";

async function userWithCart(lines: [number, number][]) {
  const userId = await createUser();
  const cart = await createCart(userId);
  for (const [bookId, quantity] of lines) await addCartItem(cart, bookId, quantity);
  return { userId, cart };
}

/** As the checkout page does: a fresh Idempotency-Key per visit. */
const checkout = (userId: string) => checkoutCart({ userId, idempotencyKey: randomUUID() });

async function openOrdersOf(userId: string): Promise<string[]> {
  const { db } = await getDb();
  const rows = await db.execute<{ id: string }>(sql`select id from orders where user_id = ${userId} and status = 'created'`);
  return rows.map((r) => r.id);
}

async function cancelEvent(orderId: string) {
  const { db } = await getDb();
  const [row] = await db.execute<{ reason: string; source: string }>(
    sql`select payload->>'reason' as reason, source from order_events where order_id = ${orderId} and type = 'OrderCancelled'`,
  );
  return row;
}

describe("one open order per cart", () => {
  it("the same cart checked out again goes to the same order, reserved once; the cart offers it and is not 'out of stock' by its own hold", async () => {
    const book = await createBook(2, 1000);
    const { userId, cart } = await userWithCart([[book, 2]]);
    const first = await checkout(userId);
    expect(first.resumed).toBe(false);
    expect(await stockOf(book)).toMatchObject({ available: 0, reserved: 2 });
    // Back from the payment page through the cart: the shelf is empty, but those copies are this shopper's.
    const view = await loadCart(cart);
    expect(view.items).toEqual([expect.objectContaining({ bookId: book, quantity: 2, available: 2 })]);
    expect(view.openOrder).toEqual({
      id: first.order.id,
      totalCents: 2000,
      currency: "usd",
      paymentDeadline: first.order.paymentDeadline,
      sameLines: true,
    });
    const again = await checkout(userId);
    expect(again).toMatchObject({ resumed: true, replayed: false, order: { id: first.order.id, status: "created" } });
    expect(await stockOf(book)).toMatchObject({ available: 0, reserved: 2 });
    expect(await openOrdersOf(userId)).toEqual([first.order.id]);
    expect(await eventTypes(first.order.id)).toEqual(["OrderCreated"]);
  });

  it("a changed cart replaces the open order: cancelled through dispatch (reason replaced, no e-mail), its stock back, then the new one reserves", async () => {
    const kept = await createBook(2, 1000);
    const added = await createBook(5, 700);
    const { userId, cart } = await userWithCart([[kept, 2]]);
    const first = await checkout(userId);
    // The shopper opened the payment page, came back and changed the cart.
    await startPayment({ userId, email: "r@example.com", orderId: first.order.id });
    await addCartItem(cart, added, 1);
    expect((await loadCart(cart)).openOrder).toMatchObject({ id: first.order.id, sameLines: false });
    const second = await checkout(userId);
    expect(second.resumed).toBe(false);
    expect(second.order.id).not.toBe(first.order.id);
    // The old order went through the machine: cancelled, its open payment cancelled, its copies released.
    const old = await getOrder(first.order.id);
    expect(old.status).toBe("cancelled");
    expect(old.payments.map((p) => p.status)).toEqual(["cancelled"]);
    expect(await cancelEvent(first.order.id)).toEqual({ reason: "replaced_by_new_order", source: "user" });
    const keys = await jobKeys(first.order.id);
    expect(keys.some((key) => key.startsWith("expire:") || key.includes("expire"))).toBe(true); // its payment page is closed
    expect(keys.filter((key) => key.includes("order_cancelled"))).toEqual([]);
    // Both copies of the first book were free again for the new order: the release came before the reservation.
    expect(second.order.items.map((i) => [i.bookId, i.quantity]).sort()).toEqual(
      [
        [kept, 2],
        [added, 1],
      ].sort(),
    );
    expect(await stockOf(kept)).toMatchObject({ available: 0, reserved: 2 });
    expect(await stockOf(added)).toMatchObject({ available: 4, reserved: 1 });
    expect(await openOrdersOf(userId)).toEqual([second.order.id]);
    expect((await loadCart(cart)).openOrder).toMatchObject({ id: second.order.id, sameLines: true });
  });

  it("a changed cart that cannot be reserved leaves the open order as it was", async () => {
    const book = await createBook(3, 1000);
    const { userId, cart } = await userWithCart([[book, 2]]);
    const first = await checkout(userId);
    await setCartItemQuantity(cart, book, 4);
    await expect(checkout(userId)).rejects.toMatchObject({ code: "out_of_stock" });
    expect((await getOrder(first.order.id)).status).toBe("created");
    expect(await stockOf(book)).toMatchObject({ available: 1, reserved: 2 });
    // The cart says what this shopper can have: the shelf's one and the two their order holds.
    expect((await loadCart(cart)).items).toEqual([expect.objectContaining({ quantity: 4, available: 3 })]);
  });

  it("two tabs placing at once leave one open order, for the same or a changed cart", async () => {
    const book = await createBook(20, 1000);
    const { userId, cart } = await userWithCart([[book, 1]]);
    const same = await Promise.all(Array.from({ length: 5 }, () => checkout(userId)));
    expect(new Set(same.map((r) => r.order.id)).size).toBe(1);
    expect(same.filter((r) => !r.resumed)).toHaveLength(1);
    expect(await stockOf(book)).toMatchObject({ reserved: 1 });
    // One tab changes the cart while others check out: whatever the order, one open order, holding the cart's copies.
    await Promise.all([checkout(userId), setCartItemQuantity(cart, book, 3).then(() => checkout(userId)), checkout(userId)]);
    await checkout(userId); // the cart as it is now
    const open = await openOrdersOf(userId);
    expect(open).toHaveLength(1);
    expect((await getOrder(open[0]!)).items).toEqual([expect.objectContaining({ bookId: book, quantity: 3 })]);
    expect(await stockOf(book)).toMatchObject({ available: 17, reserved: 3 });
  });

  it("a guest's cart: the same address resumes; another address (a typo fixed) replaces; two addresses at once leave one", async () => {
    const book = await createBook(10, 1000);
    const cartId = await createCart(null);
    await addCartItem(cartId, book, 1);
    const { email, clientAddress } = guestIdentity();
    const first = await checkoutGuestCart({ email, cartId, clientAddress, idempotencyKey: randomUUID() });
    const again = await checkoutGuestCart({ email, cartId, clientAddress, idempotencyKey: randomUUID() });
    expect(again).toMatchObject({ resumed: true, order: { id: first.order.id } });
    expect((await loadCart(cartId)).openOrder).toMatchObject({ id: first.order.id, sameLines: true });
    const fixed = guestIdentity().email;
    const second = await checkoutGuestCart({ email: fixed, cartId, clientAddress, idempotencyKey: randomUUID() });
    expect(second.order.id).not.toBe(first.order.id);
    expect(second.order.guestEmail).toBe(fixed);
    expect((await getOrder(first.order.id)).status).toBe("cancelled");
    const racing = await Promise.all(
      [guestIdentity().email, guestIdentity().email].map((address) =>
        checkoutGuestCart({ email: address, cartId, clientAddress, idempotencyKey: randomUUID() }),
      ),
    );
    const { db } = await getDb();
    const open = await db.execute<{ id: string }>(sql`select id from orders where guest_cart_id = ${cartId} and status = 'created'`);
    expect(open).toHaveLength(1);
    expect(racing.map((r) => r.order.id)).toContain(open[0]!.id);
    expect(await stockOf(book)).toMatchObject({ reserved: 1 });
  });

  it("an open order past its deadline is not resumed: it times out through the machine and a new order is placed", async () => {
    const book = await createBook(5, 1000);
    const { userId } = await userWithCart([[book, 1]]);
    const first = await checkout(userId);
    const { db } = await getDb();
    await db.execute(sql`update orders set payment_deadline = now() - interval '1 minute',
      machine_snapshot = jsonb_set(machine_snapshot, '{context,paymentDeadline}', '0'::jsonb) where id = ${first.order.id}`);
    const second = await checkout(userId);
    expect(second.order.id).not.toBe(first.order.id);
    expect((await getOrder(first.order.id)).status).toBe("cancelled");
    expect(await eventTypes(first.order.id)).toContain("PaymentTimedOut");
    expect(await stockOf(book)).toMatchObject({ reserved: 1 });
  });

  it("a paid order is never touched: the next checkout of the cart is a new order", async () => {
    const book = await createBook(5, 1000);
    const { userId, cart } = await userWithCart([[book, 1]]);
    const first = await checkout(userId);
    // Paid elsewhere (the webhook): the cart's books leave the cart.
    const { checkoutUrl } = await startPayment({ userId, email: "r@example.com", orderId: first.order.id });
    const sessionId = checkoutUrl.split("/pay/")[1]!;
    await payAtGateway(sessionId);
    await reconcileSuccessReturn({ userId, sessionId });
    expect((await getOrder(first.order.id)).status).toBe("paid");
    expect((await loadCart(cart)).openOrder).toBeUndefined();
    await addCartItem(cart, book, 1);
    const second = await checkout(userId);
    expect(second.order.id).not.toBe(first.order.id);
    expect((await getOrder(first.order.id)).status).toBe("paid");
  });
});
