import { randomUUID } from "node:crypto";
import { expect, test } from "../support/test";
import { client, register, signedInShopper } from "../support/api";
import { createBook, e2eDb } from "../support/db";

// Issue #14 finding 5 through the real server: register is throttled per client address,
// and the caps on unpaid orders answer with a 409 that says what to do.

test.describe("abuse limits", () => {
  test("register: the 11th account from one address within the hour is a 429 with Retry-After", async () => {
    const api = await client({ ip: `198.19.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}` });
    for (let i = 0; i < 10; i++) expect((await register(api)).response.status()).toBe(201);
    const refused = await register(api);
    expect(refused.response.status()).toBe(429);
    expect(Number(refused.response.headers()["retry-after"])).toBeGreaterThan(0);
    const body = await refused.response.json();
    expect(body.error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/try again in/i) });
    // Another address is not affected.
    expect((await register(await client())).response.status()).toBe(201);
  });

  test("checkout: past the unpaid-order cap is a 409 naming the way out, and the cart is kept", async () => {
    const shopper = await signedInShopper();
    const bookId = await createBook(20);
    await shopper.api.post("/api/cart/items", { data: { bookId, quantity: 1 } });
    // A cart has one open order (a checkout of it resumes or replaces that order: docs/PAYMENTS.md), so the
    // other unpaid orders here are ones that are not this cart's (placed before that rule, say).
    for (let i = 0; i < 5; i++) {
      const placed = await shopper.api.post("/api/checkout", { headers: { "Idempotency-Key": randomUUID() } });
      expect(placed.status()).toBe(201);
      await e2eDb()`update orders set cart_fingerprint = null where id = ${(await placed.json()).id as string}`;
    }
    const refused = await shopper.api.post("/api/checkout", { headers: { "Idempotency-Key": randomUUID() } });
    expect(refused.status()).toBe(409);
    expect((await refused.json()).error).toMatchObject({
      code: "too_many_unpaid_orders",
      message: expect.stringMatching(/pay for or cancel/i),
    });
    expect((await (await shopper.api.get("/api/cart")).json()).items).toHaveLength(1);
  });

  test("reorder: a stranger gets 404, a body is refused, and the 21st within 10 minutes is a 429 with Retry-After", async () => {
    const shopper = await signedInShopper();
    const bookId = await createBook(5);
    await shopper.api.post("/api/cart/items", { data: { bookId, quantity: 1 } });
    const order = await (await shopper.api.post("/api/checkout")).json();
    expect((await shopper.api.post(`/api/orders/${order.id}/cancel`)).status()).toBe(200);
    // Someone else's order does not exist for them; a visitor is asked to sign in.
    const stranger = await signedInShopper();
    expect((await stranger.api.post(`/api/orders/${order.id}/reorder`)).status()).toBe(404);
    expect((await (await client()).post(`/api/orders/${order.id}/reorder`)).status()).toBe(401);
    // No input: anything but an empty body or {} is refused, a large body unread.
    expect((await shopper.api.post(`/api/orders/${order.id}/reorder`, { data: { bookId, quantity: 50 } })).status()).toBe(400);
    expect((await shopper.api.post(`/api/orders/${order.id}/reorder`, { data: { pad: "x".repeat(20_000) } })).status()).toBe(413);
    for (let i = 0; i < 20; i++) expect((await shopper.api.post(`/api/orders/${order.id}/reorder`, { data: {} })).status()).toBe(200);
    const refused = await shopper.api.post(`/api/orders/${order.id}/reorder`);
    expect(refused.status()).toBe(429);
    expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
    expect((await refused.json()).error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/try again in/i) });
    // The stranger's own budget is their own: still a 404, not a 429.
    expect((await stranger.api.post(`/api/orders/${order.id}/reorder`)).status()).toBe(404);
  });
});
