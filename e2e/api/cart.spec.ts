import { expect, test } from "../support/test";
import { client, register, signIn } from "../support/api";
import { createBook } from "../support/db";

test.describe("cart API", () => {
  test("an anonymous cart follows its cookie: add, update, remove; prices from the database", async () => {
    const api = await client();
    const book = await createBook(10, "Cart Test Book", 1234);
    expect((await (await api.get("/api/cart")).json()).items).toEqual([]);
    let cart = await (await api.post("/api/cart/items", { data: { bookId: book, quantity: 2 } })).json();
    cart = await (await api.post("/api/cart/items", { data: { bookId: book, quantity: 1, unitPriceCents: 1 } })).json();
    expect(cart.items).toEqual([
      expect.objectContaining({ bookId: book, title: "Cart Test Book", quantity: 3, unitPriceCents: 1234, lineTotalCents: 3702 }),
    ]);
    expect(cart).toMatchObject({ totalCents: 3702, currency: "usd" });
    const cookie = (await api.storageState()).cookies.find((c) => c.name === "cart_id");
    expect(cookie?.httpOnly).toBe(true);
    cart = await (await api.patch(`/api/cart/items/${book}`, { data: { quantity: 5 } })).json();
    expect(cart.items[0].quantity).toBe(5);
    cart = await (await api.delete(`/api/cart/items/${book}`)).json();
    expect(cart.items).toEqual([]);
  });

  test("bad input gets a clear 4xx and leaves the cart unchanged", async () => {
    const api = await client();
    const book = await createBook(10);
    await api.post("/api/cart/items", { data: { bookId: book, quantity: 2 } });
    const snapshot = await (await api.get("/api/cart")).json();
    const cases: [string, () => Promise<import("@playwright/test").APIResponse>, number][] = [
      ["unknown book", () => api.post("/api/cart/items", { data: { bookId: 999999999, quantity: 1 } }), 404],
      ["quantity 0", () => api.post("/api/cart/items", { data: { bookId: book, quantity: 0 } }), 400],
      ["quantity -1", () => api.post("/api/cart/items", { data: { bookId: book, quantity: -1 } }), 400],
      ["quantity 51", () => api.post("/api/cart/items", { data: { bookId: book, quantity: 51 } }), 400],
      ["quantity 1.5", () => api.post("/api/cart/items", { data: { bookId: book, quantity: 1.5 } }), 400],
      ['quantity "x"', () => api.post("/api/cart/items", { data: { bookId: book, quantity: "x" } }), 400],
      ["missing body", () => api.post("/api/cart/items", { headers: { "Content-Type": "application/json" }, data: "" }), 400],
      ["malformed JSON", () => api.post("/api/cart/items", { headers: { "Content-Type": "application/json" }, data: '{"bookId":' }), 400],
      ["past 50 in total", () => api.post("/api/cart/items", { data: { bookId: book, quantity: 49 } }), 400],
      ["patch 51", () => api.patch(`/api/cart/items/${book}`, { data: { quantity: 51 } }), 400],
      ["patch -1", () => api.patch(`/api/cart/items/${book}`, { data: { quantity: -1 } }), 400],
      ["patch a book not in the cart", () => api.patch(`/api/cart/items/${book + 1000000}`, { data: { quantity: 1 } }), 404],
      ["patch a bad id", () => api.patch("/api/cart/items/abc", { data: { quantity: 1 } }), 404],
      ["delete a bad id", () => api.delete("/api/cart/items/-4"), 404],
    ];
    for (const [name, send, status] of cases) {
      const response = await send();
      expect(response.status(), name).toBe(status);
      const body = await response.json();
      expect(typeof body.error?.message, name).toBe("string");
      expect(await (await api.get("/api/cart")).json(), name).toEqual(snapshot);
    }
  });

  test("on sign-in the anonymous cart merges into the user's: quantities add, capped at 50", async () => {
    const setup = await client();
    const account = await register(setup);
    const [a, b] = [await createBook(100), await createBook(100)];
    // The account already has a cart from an earlier visit.
    await signIn(setup, account.email, account.password);
    await setup.post("/api/cart/items", { data: { bookId: a, quantity: 40 } });
    // Later, anonymous in another browser: fill a cart, then sign in.
    const browser = await client();
    await browser.post("/api/cart/items", { data: { bookId: a, quantity: 30 } });
    await browser.post("/api/cart/items", { data: { bookId: b, quantity: 2 } });
    await signIn(browser, account.email, account.password);
    const cart = await (await browser.get("/api/cart")).json();
    const quantities = Object.fromEntries(cart.items.map((i: { bookId: number; quantity: number }) => [i.bookId, i.quantity]));
    expect(quantities).toEqual({ [a]: 50, [b]: 2 });
    // Same cart on the first device.
    expect((await (await setup.get("/api/cart")).json()).items).toHaveLength(2);
  });
});
