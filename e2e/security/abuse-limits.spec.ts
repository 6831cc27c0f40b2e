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
});
