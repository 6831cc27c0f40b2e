import { expect, test } from "../support/test";
import { client, signedInShopper } from "../support/api";
import { createBook, e2eDb, stockOf } from "../support/db";

test.describe("checkout and orders API", () => {
  test("anonymous order requests get 401 JSON; an anonymous checkout is a guest's and needs an e-mail address (400)", async () => {
    const api = await client();
    const guest = await api.post("/api/checkout");
    expect(guest.status()).toBe(400);
    expect((await guest.json()).error.code).toBe("invalid_request");
    for (const response of [await api.get("/api/orders"), await api.get("/api/orders/00000000-0000-4000-8000-000000000000")]) {
      expect(response.status()).toBe(401);
      expect((await response.json()).error.code).toBe("unauthenticated");
    }
  });

  test("happy path: 201 Order, stock reserved, deadline set, OrderCreated, cart kept", async () => {
    const { api } = await signedInShopper();
    const book = await createBook(6, "Checkout Happy Book", 2000);
    await api.post("/api/cart/items", { data: { bookId: book, quantity: 2 } });
    const response = await api.post("/api/checkout");
    expect(response.status()).toBe(201);
    const order = await response.json();
    expect(order).toMatchObject({ status: "created", totalCents: 4000, currency: "usd", allowedActions: ["pay", "cancel"], payments: [] });
    expect(order.items).toEqual([
      { bookId: book, title: "Checkout Happy Book", quantity: 2, unitPriceCents: 2000, discountCents: 0, taxCents: 0 },
    ]);
    expect(order.events).toEqual([expect.objectContaining({ type: "OrderCreated", source: "user" })]);
    const deadline = new Date(order.paymentDeadline).getTime() - Date.now();
    expect(deadline).toBeGreaterThan(25 * 60_000);
    expect(await stockOf(book)).toEqual({ available: 4, reserved: 2, sold: 0 });
    const [row] = await e2eDb()`select status from orders where id = ${order.id}`;
    expect(row?.status).toBe("created");
    expect((await (await api.get("/api/cart")).json()).items).toHaveLength(1);
    const list = await (await api.get("/api/orders")).json();
    expect(list.items[0].id).toBe(order.id);
    expect((await (await api.get(`/api/orders/${order.id}`)).json()).id).toBe(order.id);
  });

  test("out of stock: 409 with each short line, nothing reserved", async () => {
    const { api } = await signedInShopper();
    const fine = await createBook(5);
    const short = await createBook(1);
    await api.post("/api/cart/items", { data: { bookId: fine, quantity: 2 } });
    await api.post("/api/cart/items", { data: { bookId: short, quantity: 3 } });
    const response = await api.post("/api/checkout");
    expect(response.status()).toBe(409);
    const body = await response.json();
    expect(body.error.code).toBe("out_of_stock");
    // Each short line, with its in-stock alternatives (e2e/checkout/partial-order.spec.ts checks them).
    expect(body.error.details).toEqual([{ bookId: short, requested: 3, available: 1, alternatives: expect.any(Array) }]);
    expect(await stockOf(fine)).toEqual({ available: 5, reserved: 0, sold: 0 });
    expect(await stockOf(short)).toEqual({ available: 1, reserved: 0, sold: 0 });
  });

  test("Idempotency-Key: a retried checkout returns the same order", async () => {
    const { api } = await signedInShopper();
    const book = await createBook(5);
    await api.post("/api/cart/items", { data: { bookId: book, quantity: 1 } });
    const headers = { "Idempotency-Key": `retry-${Date.now()}` };
    const [first, second] = await Promise.all([api.post("/api/checkout", { headers }), api.post("/api/checkout", { headers })]);
    expect((await first.json()).id).toBe((await second.json()).id);
    expect(await stockOf(book)).toEqual({ available: 4, reserved: 1, sold: 0 });
  });

  test("an empty cart is 400 empty_cart", async () => {
    const { api } = await signedInShopper();
    const response = await api.post("/api/checkout");
    expect(response.status()).toBe(400);
    expect((await response.json()).error.code).toBe("empty_cart");
  });

  test("cancel releases the stock; a second cancel and a refund of an unpaid order are refused or idempotent", async () => {
    const { api } = await signedInShopper();
    const book = await createBook(3);
    await api.post("/api/cart/items", { data: { bookId: book, quantity: 2 } });
    const order = await (await api.post("/api/checkout")).json();
    const cancelled = await api.post(`/api/orders/${order.id}/cancel`);
    expect(cancelled.status()).toBe(200);
    expect((await cancelled.json()).status).toBe("cancelled");
    expect(await stockOf(book)).toEqual({ available: 3, reserved: 0, sold: 0 });
    expect((await api.post(`/api/orders/${order.id}/cancel`)).status()).toBe(200);
    const refund = await api.post(`/api/orders/${order.id}/refund`, { data: {} });
    expect(refund.status()).toBe(409);
    expect((await refund.json()).error.code).toBe("invalid_transition");
  });
});
