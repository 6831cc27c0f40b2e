import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { createBook, createUser } from "@/test/fixtures";
import { addCartItem, createCart, loadCart, mergeCarts, setCartItemQuantity } from "./cart-store";
import { addItemSchema, MAX_LINES_PER_CART, setQuantitySchema } from "./types";

describe("cart store", () => {
  it("adds to a line, prices from the database, and never passes 50 per line", async () => {
    const cart = await createCart(null);
    const book = await createBook(100, 1499);
    await addCartItem(cart, book, 20);
    await addCartItem(cart, book, 30);
    const view = await loadCart(cart);
    expect(view.items).toEqual([
      expect.objectContaining({ bookId: book, quantity: 50, unitPriceCents: 1499, lineTotalCents: 50 * 1499, available: 100 }),
    ]);
    expect(view.totalCents).toBe(50 * 1499);
    await expect(addCartItem(cart, book, 1)).rejects.toMatchObject({ code: "invalid_request" });
    expect((await loadCart(cart)).items[0]?.quantity).toBe(50);
    await expect(addCartItem(cart, 999_999_999, 1)).rejects.toMatchObject({ code: "not_found" });
  });

  it(`holds at most MAX_LINES_PER_CART different books (a guest's cookie cart too); more of a book already in it still fits`, async () => {
    const cart = await createCart(null);
    const { db } = await getDb();
    const books = await Promise.all(Array.from({ length: MAX_LINES_PER_CART + 1 }, () => createBook(5)));
    await db.execute(sql`insert into cart_items (cart_id, book_id, quantity)
      select ${cart}, unnest(${`{${books.slice(0, MAX_LINES_PER_CART).join(",")}}`}::int[]), 1`);
    await expect(addCartItem(cart, books.at(-1)!, 1)).rejects.toMatchObject({ code: "invalid_request", status: 400 });
    await addCartItem(cart, books[0]!, 1);
    const view = await loadCart(cart);
    expect(view.items).toHaveLength(MAX_LINES_PER_CART);
    expect(view.count).toBe(MAX_LINES_PER_CART + 1);
  });

  it("sets and removes lines; an absent line is not_found", async () => {
    const cart = await createCart(null);
    const book = await createBook(5);
    await addCartItem(cart, book, 2);
    await setCartItemQuantity(cart, book, 4);
    expect((await loadCart(cart)).count).toBe(4);
    await setCartItemQuantity(cart, book, 0);
    expect((await loadCart(cart)).items).toEqual([]);
    await expect(setCartItemQuantity(cart, book, 3)).rejects.toMatchObject({ code: "not_found" });
  });

  it("merges an anonymous cart into the user's: quantities add, capped at 50", async () => {
    const userId = await createUser();
    const userCart = await createCart(userId);
    const anonymous = await createCart(null);
    const [a, b, c] = [await createBook(9), await createBook(9), await createBook(9)];
    await addCartItem(userCart, a, 30);
    await addCartItem(userCart, b, 1);
    await addCartItem(anonymous, a, 30);
    await addCartItem(anonymous, c, 2);
    await mergeCarts(anonymous, userCart);
    const merged = Object.fromEntries((await loadCart(userCart)).items.map((i) => [i.bookId, i.quantity]));
    expect(merged).toEqual({ [a]: 50, [b]: 1, [c]: 2 });
    const { db } = await getDb();
    expect(await db.execute(sql`select 1 from carts where id = ${anonymous}`)).toHaveLength(0);
  });

  it.each([
    [{ bookId: 1, quantity: 0 }],
    [{ bookId: 1, quantity: -1 }],
    [{ bookId: 1, quantity: 51 }],
    [{ bookId: 1, quantity: 1.5 }],
    [{ bookId: 1, quantity: "x" }],
    [{ bookId: "1", quantity: 1 }],
    [{ quantity: 1 }],
    [{}],
    [null],
  ])("rejects the add body %j", (body) => {
    expect(addItemSchema.safeParse(body).success).toBe(false);
  });

  it("accepts 0 as a quantity update (remove) but not 51", () => {
    expect(setQuantitySchema.safeParse({ quantity: 0 }).success).toBe(true);
    expect(setQuantitySchema.safeParse({ quantity: 51 }).success).toBe(false);
  });
});

describe("concurrent merges", () => {
  it("merging the same anonymous cart from two requests at once adds its lines once", async () => {
    const userId = await createUser();
    const userCart = await createCart(userId);
    const anonymous = await createCart(null);
    const book = await createBook(9);
    await addCartItem(anonymous, book, 2);
    await Promise.all([mergeCarts(anonymous, userCart), mergeCarts(anonymous, userCart), mergeCarts(anonymous, userCart)]);
    expect((await loadCart(userCart)).items.map((i) => i.quantity)).toEqual([2]);
  });
});
