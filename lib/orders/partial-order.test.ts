import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { addCartItem, createCart, loadCart } from "@/lib/cart/cart-store";
import { findAlternatives } from "@/lib/catalog/store";
import { isAppError } from "@/lib/errors";
import { sendOrderEmail } from "@/lib/notifications/send-order-email";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { startPayment } from "@/lib/payments/start-payment";
import { createBook, createUser, stockOf } from "@/test/fixtures";
import { guestIdentity, payAtGateway } from "@/test/gateway";
import { checkoutCart, checkoutGuestCart } from "./checkout-cart";
import { getOrderForUser } from "./order-view";

async function shopperWithCart(items: [number, number][]) {
  const userId = await createUser();
  const cart = await createCart(userId);
  for (const [bookId, quantity] of items) await addCartItem(cart, bookId, quantity);
  return { userId, cart };
}

const cartLines = async (cart: string) => (await loadCart(cart)).items.map((i) => ({ bookId: i.bookId, quantity: i.quantity }));

/** A partial order of 2 of `plenty` copies (1000 each), 3 of a book with 1 copy left (800) and 1 of a sold-out book. */
async function partialOrder(plentyStock: number) {
  const plenty = await createBook(plentyStock, 1000);
  const short = await createBook(1, 800);
  const gone = await createBook(0, 500);
  const { userId, cart } = await shopperWithCart([
    [plenty, 2],
    [short, 3],
    [gone, 1],
  ]);
  const { order } = await checkoutCart({ userId, partial: true });
  return { plenty, short, gone, userId, cart, order };
}

/** A book of its own author and genre, so other tests' books are never its alternatives. */
const unique = () => ({ author: `Author ${randomUUID().slice(0, 8)}`, genre: `Genre ${randomUUID().slice(0, 8)}` });

describe("partial orders", () => {
  it("without consent a short cart is refused as before, with each short line's alternatives; nothing is reserved", async () => {
    const about = unique();
    const plenty = await createBook(10, 1000);
    const short = await createBook(1, 800, about);
    const alternative = await createBook(4, 900, { ...about, title: "Another by the same author" });
    const { userId, cart } = await shopperWithCart([
      [plenty, 2],
      [short, 3],
    ]);
    const error = await checkoutCart({ userId }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("out_of_stock");
    expect(isAppError(error) && error.details).toEqual([
      {
        bookId: short,
        requested: 3,
        available: 1,
        alternatives: [expect.objectContaining({ bookId: alternative, available: 4, sameAuthor: true, priceCents: 900 })],
      },
    ]);
    expect(await stockOf(plenty)).toEqual({ available: 10, reserved: 0, sold: 0, received: 10 });
    expect(await stockOf(short)).toEqual({ available: 1, reserved: 0, sold: 0, received: 1 });
    expect(await cartLines(cart)).toHaveLength(2);
  });

  it("with consent reserves exactly what is on the shelf: totals, lines, what was left out, the event log and the e-mail", async () => {
    const { plenty, short, gone, cart, order } = await partialOrder(10);
    expect(order).toMatchObject({ status: "created", totalCents: 2 * 1000 + 800, subtotalCents: 2800 });
    expect(order.items.map((i) => [i.bookId, i.quantity, i.unitPriceCents]).sort((x, y) => x[0]! - y[0]!)).toEqual([
      [plenty, 2, 1000],
      [short, 1, 800],
    ]);
    expect(order.leftOut).toEqual([
      { bookId: short, title: expect.any(String), requested: 3, ordered: 1 },
      { bookId: gone, title: expect.any(String), requested: 1, ordered: 0 },
    ]);
    expect(order.events[0]).toMatchObject({ type: "OrderCreated", payload: { totalCents: 2800, leftOut: order.leftOut } });
    expect(await stockOf(plenty)).toEqual({ available: 8, reserved: 2, sold: 0, received: 10 });
    expect(await stockOf(short)).toEqual({ available: 0, reserved: 1, sold: 0, received: 1 });
    expect(await stockOf(gone)).toEqual({ available: 0, reserved: 0, sold: 0, received: 0 });
    // The cart is untouched until payment.
    expect(await cartLines(cart)).toHaveLength(3);

    // The reserved e-mail (its job's data) lists the ordered lines and names what was left out.
    const { db } = await getDb();
    const [job] = await db.execute<{ payload: { data: Record<string, unknown> } }>(sql`
      select payload from graphile_worker._private_jobs where key = ${`email:${order.id}:order_created:1`}`);
    expect(job!.payload.data).toEqual({ leftOut: order.leftOut });
    await sendOrderEmail({ orderId: order.id, template: "order_created", dedupeKey: `${order.id}:partial`, data: job!.payload.data });
    const [mail] = await db.execute<{ text_body: string }>(sql`select text_body from emails where dedupe_key = ${`${order.id}:partial`}`);
    const titleOf = (bookId: number) => order.items.find((i) => i.bookId === bookId)!.title;
    const [plentyTitle, shortTitle] = [titleOf(plenty), titleOf(short)];
    expect(mail!.text_body).toContain(`2 × ${plentyTitle}`);
    expect(mail!.text_body).toContain(`1 × ${shortTitle}`);
    expect(mail!.text_body).toContain(`Left out, as you agreed (not on our shelves; still in your cart): 2 × ${shortTitle}, 1 × `);
    expect(mail!.text_body).not.toContain(`3 × ${shortTitle}`);
  });

  it("the same cart checked out again is the same open order (resumed, nothing reserved twice), with or without consent", async () => {
    const plenty = await createBook(5);
    const short = await createBook(1);
    const { userId } = await shopperWithCart([
      [plenty, 1],
      [short, 2],
    ]);
    const first = await checkoutCart({ userId, partial: true });
    const again = await checkoutCart({ userId, partial: true });
    const whole = await checkoutCart({ userId });
    expect([again.order.id, whole.order.id]).toEqual([first.order.id, first.order.id]);
    expect([again.resumed, whole.resumed]).toEqual([true, true]);
    expect(await stockOf(plenty)).toMatchObject({ available: 4, reserved: 1 });
    expect(await stockOf(short)).toMatchObject({ available: 0, reserved: 1 });
  });

  it("the cart's open order says which copies it holds and which it left out; a changed cart or a whole order says none", async () => {
    const { plenty, short, gone, cart, order } = await partialOrder(5);
    const copies = (list: { bookId: number; quantity: number }[] = []) => list.map((c) => [c.bookId, c.quantity]);
    const open = (await loadCart(cart)).openOrder!;
    expect([open.id, open.sameLines]).toEqual([order.id, true]);
    expect(copies(open.partial?.ordered)).toEqual([
      [plenty, 2],
      [short, 1],
    ]);
    expect(copies(open.partial?.leftOut)).toEqual([
      [short, 2],
      [gone, 1],
    ]);
    const { db } = await getDb();
    const [title] = await db.execute<{ title: string }>(sql`select title from books where id = ${gone}`);
    expect(open.partial?.leftOut[1]?.title).toBe(title!.title);

    // A changed cart is no longer this order's: checking out replaces it, so nothing is claimed as ordered.
    await addCartItem(cart, plenty, 1);
    expect((await loadCart(cart)).openOrder).toMatchObject({ id: order.id, sameLines: false });
    expect((await loadCart(cart)).openOrder?.partial).toBeUndefined();

    const whole = await shopperWithCart([[await createBook(3), 2]]);
    await checkoutCart({ userId: whole.userId });
    expect((await loadCart(whole.cart)).openOrder).toMatchObject({ sameLines: true });
    expect((await loadCart(whole.cart)).openOrder?.partial).toBeUndefined();
  });

  it("payment takes only the ordered copies out of the cart: what was left out stays", async () => {
    const { plenty, short, gone, userId, cart, order } = await partialOrder(5);
    const { checkoutUrl } = await startPayment({ userId, email: "partial@example.com", orderId: order.id });
    const sessionId = checkoutUrl.split("/pay/")[1]!;
    await payAtGateway(sessionId);
    await reconcileSuccessReturn({ userId, sessionId });
    expect((await getOrderForUser(userId, order.id)).status).toBe("paid");
    expect(await cartLines(cart)).toEqual(
      expect.arrayContaining([
        { bookId: short, quantity: 2 },
        { bookId: gone, quantity: 1 },
      ]),
    );
    expect(await cartLines(cart)).toHaveLength(2);
    expect(await stockOf(short)).toEqual({ available: 0, reserved: 0, sold: 1, received: 1 });
    expect(await stockOf(plenty)).toEqual({ available: 3, reserved: 0, sold: 2, received: 5 });
  });

  it("nothing on the shelf at all is still out_of_stock, and reserves nothing", async () => {
    const gone = await createBook(0);
    const { userId } = await shopperWithCart([[gone, 2]]);
    await expect(checkoutCart({ userId, partial: true })).rejects.toMatchObject({
      code: "out_of_stock",
      details: [{ bookId: gone, requested: 2, available: 0 }],
    });
    expect(await stockOf(gone)).toEqual({ available: 0, reserved: 0, sold: 0, received: 0 });
  });

  it("shoppers racing for the last copies with consent never oversell: each order holds exactly what it reserved", async () => {
    const scarce = await createBook(3, 1000);
    const shoppers = await Promise.all(Array.from({ length: 5 }, () => shopperWithCart([[scarce, 2]])));
    const results = await Promise.allSettled(shoppers.map(({ userId }) => checkoutCart({ userId, partial: true })));
    const orders = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.order] : []));
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "out_of_stock" });
    const ordered = orders.map((o) => o.items[0]!.quantity);
    expect(ordered.reduce((a, b) => a + b, 0)).toBe(3);
    for (const o of orders) {
      expect(o.totalCents).toBe(o.items[0]!.quantity * 1000);
      expect(o.leftOut).toEqual(o.items[0]!.quantity === 2 ? [] : [expect.objectContaining({ requested: 2, ordered: 1 })]);
    }
    expect(await stockOf(scarce)).toEqual({ available: 0, reserved: 3, sold: 0, received: 3 });
  });

  it("a guest places a partial order the same way", async () => {
    const plenty = await createBook(5, 1000);
    const short = await createBook(1, 800);
    const cartId = await createCart(null);
    await addCartItem(cartId, plenty, 1);
    await addCartItem(cartId, short, 2);
    const guest = guestIdentity();
    await expect(checkoutGuestCart({ ...guest, cartId })).rejects.toMatchObject({ code: "out_of_stock" });
    const { order } = await checkoutGuestCart({ ...guest, cartId, partial: true });
    expect(order.totalCents).toBe(1800);
    expect(order.leftOut).toEqual([expect.objectContaining({ bookId: short, requested: 2, ordered: 1 })]);
    expect(await stockOf(short)).toMatchObject({ available: 0, reserved: 1 });
    const open = (await loadCart(cartId)).openOrder;
    expect(open?.partial?.leftOut.map((c) => [c.bookId, c.quantity])).toEqual([[short, 1]]);
  });
});

describe("findAlternatives", () => {
  it("offers in-stock books by the same author first, then the same genre, by title; never the cart's books or the book itself", async () => {
    const about = unique();
    const short = await createBook(0, 1000, { ...about, title: "M short" });
    const otherGenre = { author: about.author, genre: `Other ${randomUUID().slice(0, 6)}` };
    const authorB = await createBook(2, 1000, { ...otherGenre, title: "B by the author" });
    const authorA = await createBook(1, 1000, { ...about, title: "A by the author" });
    await createBook(0, 1000, { ...about, title: "0 by the author, sold out" });
    const inCart = await createBook(5, 1000, { ...about, title: "1 by the author, in the cart" });
    const genreA = await createBook(3, 1000, { author: "Someone else", genre: about.genre, title: "A same genre" });
    await createBook(3, 1000, { author: "Someone else", genre: about.genre, title: "Z same genre" });
    await createBook(0, 1000, { author: "Someone else", genre: about.genre, title: "0 same genre, sold out" });
    const { db } = await getDb();
    const found = await findAlternatives(db, [short], [short, inCart], 3);
    expect(found.map((a) => [a.forBookId, a.bookId, a.sameAuthor])).toEqual([
      [short, authorA, true],
      [short, authorB, true],
      [short, genreA, false],
    ]);
    expect(found.every((a) => a.available > 0)).toBe(true);
    expect((await findAlternatives(db, [short], [short, inCart], 1)).map((a) => a.bookId)).toEqual([authorA]);
  });

  it("answers for several short books in one query, each with its own", async () => {
    const first = unique();
    const second = unique();
    const a = await createBook(0, 1000, first);
    const b = await createBook(0, 1000, second);
    const forA = await createBook(1, 1000, first);
    const forB = await createBook(1, 1000, second);
    const { db } = await getDb();
    const found = await findAlternatives(db, [a, b], [a, b], 3);
    expect(found.map((x) => [x.forBookId, x.bookId])).toEqual([
      [a, forA],
      [b, forB],
    ]);
  });
});
