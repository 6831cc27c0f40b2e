import { request } from "@playwright/test";
import { expect, test } from "../support/test";
import { baseURL, client, register, signIn, signedInShopper } from "../support/api";
import { createBook } from "../support/db";
import { paidOrder } from "../support/orders";

test.describe("security", () => {
  test("IDOR matrix: user B on user A's order gets 404 for view, cancel, refund, pay", async () => {
    const alice = await signedInShopper();
    const book = await createBook(3);
    await alice.api.post("/api/cart/items", { data: { bookId: book, quantity: 1 } });
    const order = await (await alice.api.post("/api/checkout")).json();
    const bob = await signedInShopper();
    const attempts = [
      await bob.api.get(`/api/orders/${order.id}`),
      await bob.api.post(`/api/orders/${order.id}/cancel`),
      await bob.api.post(`/api/orders/${order.id}/refund`, { data: {} }),
      await bob.api.post(`/api/orders/${order.id}/payments`),
    ];
    for (const response of attempts) {
      expect(response.status()).toBe(404);
      expect((await response.json()).error.code).toBe("not_found");
    }
    // The live stream of the order: 404 to another shopper, 401 without a session; no event sent.
    const stranger = await bob.api.get(`/api/orders/${order.id}/events`);
    expect(stranger.status()).toBe(404);
    expect((await stranger.json()).error.code).toBe("not_found");
    const anonymous = await (await client()).get(`/api/orders/${order.id}/events`);
    expect(anonymous.status()).toBe(401);
    expect(anonymous.headers()["content-type"]).toMatch(/^application\/json/);
    expect((await anonymous.json()).error.code).toBe("unauthenticated");
    expect((await (await alice.api.get(`/api/orders/${order.id}`)).json()).status).toBe("created");
    const page = await bob.api.get(`/orders/${order.id}`);
    expect(page.status()).toBe(404);
  });

  test("admin API answers 404 to customers and anonymous visitors", async () => {
    const shopper = await signedInShopper();
    const anonymous = await client();
    for (const api of [shopper.api, anonymous]) {
      expect((await api.get("/api/admin/orders")).status()).toBe(404);
      expect((await api.post("/api/admin/orders/00000000-0000-4000-8000-000000000000/refund", { data: {} })).status()).toBe(404);
      expect((await api.get("/api/admin/promotion-codes")).status()).toBe(404);
      expect((await api.post("/api/admin/promotion-codes", { data: { code: "NOPE10", kind: "percent", percentOff: 10 } })).status()).toBe(
        404,
      );
    }
  });

  test("a receipt is its shopper's, for a paid order; a packing slip is the operators'", async () => {
    const { orderId, shopper } = await paidOrder({ title: "A Private Receipt Book" });
    expect((await shopper.api.get(`/orders/${orderId}/receipt`)).status()).toBe(200);
    const other = await signedInShopper();
    expect((await other.api.get(`/orders/${orderId}/receipt`)).status()).toBe(404);
    expect((await shopper.api.get(`/admin/orders/${orderId}/packing-slip`)).status()).toBe(404);
    const unpaid = await signedInShopper();
    const book = await createBook(3);
    await unpaid.api.post("/api/cart/items", { data: { bookId: book, quantity: 1 } });
    const order = await (await unpaid.api.post("/api/checkout")).json();
    expect((await unpaid.api.get(`/orders/${order.id}/receipt`)).status()).toBe(404);
  });

  test("an operator's promotion code form needs our Origin too (CSRF): a foreign page's post gets 403 and creates nothing", async () => {
    const operator = await client();
    await signIn(operator, "admin@example.com", "admin-pass-1");
    // The operator's own session cookie, sent by a page on another site.
    const foreign = await request.newContext({
      baseURL,
      storageState: await operator.storageState(),
      extraHTTPHeaders: { Origin: "https://evil.example" },
    });
    const code = `CSRF${Date.now().toString(36).toUpperCase()}`;
    const response = await foreign.post("/api/admin/promotion-codes", { data: { code, kind: "percent", percentOff: 90 } });
    expect(response.status()).toBe(403);
    const listed = await (await operator.get("/api/admin/promotion-codes")).json();
    expect(listed.promotionCodes.map((c: { code: string }) => c.code)).not.toContain(code);
  });

  test("state-changing requests need our Origin: foreign or missing gets 403 and changes nothing", async () => {
    const book = await createBook(3);
    for (const origin of ["https://evil.example", null]) {
      const api = await client({ origin });
      const response = await api.post("/api/cart/items", { data: { bookId: book, quantity: 1 } });
      expect(response.status()).toBe(403);
      expect((await response.json()).error.code).toBe("forbidden");
      const register = await api.post("/api/register", {
        data: { email: `x${Date.now()}@example.com`, password: "long enough pw", name: "X" },
      });
      expect(register.status()).toBe(403);
    }
    const ok = await client({ origin: baseURL });
    expect((await ok.post("/api/cart/items", { data: { bookId: book, quantity: 1 } })).status()).toBe(200);
  });

  test("security headers on every page and API response", async () => {
    const api = await client();
    for (const path of ["/", "/cart", "/signin", "/api/books?pageSize=1", "/books/1"]) {
      const headers = (await api.get(path)).headers();
      expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(headers["content-security-policy"], path).not.toContain("unsafe-eval");
      expect(headers["x-content-type-options"], path).toBe("nosniff");
      expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(headers["x-request-id"], path).toMatch(/^[\w-]{8,64}$/);
    }
  });

  test("anonymous visitors of orders and account pages go to sign-in and back; checkout is open to guests", async () => {
    const api = await client();
    expect((await api.get("/checkout", { maxRedirects: 0 })).status()).toBe(200);
    for (const path of ["/orders", "/account"]) {
      const response = await api.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBe(307);
      const location = new URL(response.headers().location!, baseURL);
      expect(location.pathname).toBe("/signin");
      expect(location.searchParams.get("callbackUrl")).toBe(path);
    }
  });

  test("signing in issues a fresh session cookie, never one a visitor could plant", async () => {
    const api = await client();
    const account = await register(api);
    const sessionCookie = async () => (await api.storageState()).cookies.find((c) => c.name.endsWith("next-auth.session-token"));
    expect(await sessionCookie()).toBeUndefined();
    // A session cookie someone planted is not a session (the token is signed).
    const planted = await client();
    expect((await planted.get("/api/orders", { headers: { Cookie: "next-auth.session-token=planted-value" } })).status()).toBe(401);
    expect((await signIn(api, account.email, account.password)).status()).toBeLessThan(400);
    const first = await sessionCookie();
    expect(first?.value).toBeTruthy();
    expect(first?.httpOnly).toBe(true);
    expect(first?.sameSite).toBe("Lax");
    // Signing in again with that session in the jar (as if it had been planted) replaces it at once:
    // every token carries its own id (jti), so no waiting for a new issue time is needed.
    expect((await signIn(api, account.email, account.password)).status()).toBeLessThan(400);
    const second = await sessionCookie();
    expect(second?.value).toBeTruthy();
    expect(second?.value).not.toBe(first?.value);
  });
});
