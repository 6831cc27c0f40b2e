import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { control, KEY, sessionParams, startHarness, type Harness } from "./test-support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ webhookUrl: "" });
});
afterAll(() => h.stop());
beforeEach(() => h.emulator.reset());

describe("checkout sessions through the real SDK", () => {
  it("creates, retrieves and expires a session with Stripe's shapes (and the SDK's types)", async () => {
    // Compile-time check: the SDK's return types apply to emulator responses.
    const created: Stripe.Checkout.Session = await h.stripe.checkout.sessions.create(sessionParams());
    expect(created).toMatchObject({
      object: "checkout.session",
      status: "open",
      payment_status: "unpaid",
      mode: "payment",
      amount_subtotal: 3448,
      amount_total: 3448,
      currency: "usd",
      customer_email: "reader@example.com",
      client_reference_id: "order-1",
      metadata: { order_id: "order-1", payment_id: "payment-1" },
      success_url: "http://localhost:3000/checkout/return?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://localhost:3000/cart?cancelled={CHECKOUT_SESSION_ID}",
      livemode: false,
    });
    expect(created.id).toMatch(/^cs_test_[A-Za-z0-9]+$/);
    expect(created.url).toBe(`http://localhost:${h.emulator.port}/pay/${created.id}`);

    const retrieved: Stripe.Checkout.Session = await h.stripe.checkout.sessions.retrieve(created.id);
    expect(retrieved.id).toBe(created.id);
    expect((await h.stripe.checkout.sessions.retrieve(created.id)).lastResponse.requestId).toMatch(/^req_/);

    const expired: Stripe.Checkout.Session = await h.stripe.checkout.sessions.expire(created.id);
    expect(expired).toMatchObject({ status: "expired", url: null });
    const again = await h.stripe.checkout.sessions.expire(created.id).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((again as Stripe.errors.StripeError).statusCode).toBe(400);
    expect((again as Stripe.errors.StripeError).message).toMatch(/can be expired\. This Checkout Session has a status of `expired`/);
  });

  it("lists a session's line items", async () => {
    const created = await h.stripe.checkout.sessions.create(sessionParams());
    const items = await h.stripe.checkout.sessions.listLineItems(created.id);
    expect(items.data.map((i) => [i.description, i.quantity, i.amount_total])).toEqual([
      ["Dune", 2, 2598],
      ["Emma", 1, 850],
    ]);
  });

  it("answers unknown ids with 404 resource_missing", async () => {
    for (const call of [
      () => h.stripe.checkout.sessions.retrieve("cs_test_nope"),
      () => h.stripe.refunds.retrieve("re_nope"),
      () => h.stripe.paymentIntents.retrieve("pi_nope"),
    ]) {
      const error = (await call().catch((e: unknown) => e)) as Stripe.errors.StripeError;
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe("resource_missing");
      expect(error.type).toBe("StripeInvalidRequestError");
    }
  });

  it("validates params like Stripe, naming the param", async () => {
    const cases: [Partial<Stripe.Checkout.SessionCreateParams>, string, RegExp][] = [
      [{ line_items: [] }, "line_items", /Missing required param/],
      [{ expires_at: Math.floor(Date.now() / 1000) + 10 * 60 }, "expires_at", /at least 30 minutes/],
      [{ expires_at: Math.floor(Date.now() / 1000) + 25 * 3600 }, "expires_at", /less than 24 hours/],
      [{ success_url: "not a url" }, "success_url", /Not a valid URL/],
      [
        { line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 100, product_data: { name: "" } } }] },
        "line_items[0][price_data][product_data][name]",
        /./,
      ],
    ];
    for (const [override, param, message] of cases) {
      const error = (await h.stripe.checkout.sessions
        .create(sessionParams(override))
        .catch((e: unknown) => e)) as Stripe.errors.StripeError;
      expect(error.statusCode, param).toBe(400);
      expect(error.param).toBe(param);
      expect(error.message).toMatch(message);
    }
    const noMode = await fetch(`${h.emulator.url}/v1/checkout/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: new URLSearchParams({ success_url: "http://x.test" }),
    });
    expect(await noMode.json()).toMatchObject({
      error: { type: "invalid_request_error", param: "mode", message: "Missing required param: mode." },
    });
  });

  it("rejects a missing or wrong key with 401 in Stripe's error shape", async () => {
    const wrong = new Stripe("sk_test_wrong_key_123456", {
      host: "127.0.0.1",
      port: h.emulator.port,
      protocol: "http",
      maxNetworkRetries: 0,
    });
    const error = await wrong.checkout.sessions.create(sessionParams()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const raw = await fetch(`${h.emulator.url}/v1/checkout/sessions/cs_test_x`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({
      error: { type: "invalid_request_error", message: expect.stringMatching(/did not provide an API key/) },
    });
    expect(h.emulator.state.sessions.size).toBe(0);
  });
});

describe("idempotency", () => {
  it("replays the stored response for the same key and params", async () => {
    const params = sessionParams();
    const a = await h.stripe.checkout.sessions.create(params, { idempotencyKey: "checkout-session-p1" });
    const b = await h.stripe.checkout.sessions.create(params, { idempotencyKey: "checkout-session-p1" });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(a.lastResponse.headers["idempotent-replayed"]).toBeUndefined();
    expect(h.emulator.state.sessions.size).toBe(1);
  });

  it("rejects the same key with different params (idempotency_error)", async () => {
    await h.stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: "k-diff" });
    const error = (await h.stripe.checkout.sessions
      .create(sessionParams({ client_reference_id: "other" }), { idempotencyKey: "k-diff" })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/^Keys for idempotent requests can only be used with the same parameters they were first used with\./);
  });

  it("creates one object for concurrent requests with one key", async () => {
    await control(h.emulator, "/config", { latencyMs: 50 });
    const params = sessionParams();
    const sessions = await Promise.all(
      Array.from({ length: 8 }, () => h.stripe.checkout.sessions.create(params, { idempotencyKey: "k-concurrent" })),
    );
    expect(new Set(sessions.map((s) => s.id)).size).toBe(1);
    expect(h.emulator.state.sessions.size).toBe(1);
  });
});

describe("fault injection", () => {
  it("fails the next N requests with the given status, then recovers", async () => {
    await control(h.emulator, "/config", { failNext: { count: 2, status: 503 } });
    for (let i = 0; i < 2; i++) {
      const error = (await h.stripe.checkout.sessions.create(sessionParams()).catch((e: unknown) => e)) as Stripe.errors.StripeError;
      expect(error.statusCode).toBe(503);
      expect(error.type).toBe("StripeAPIError");
    }
    await expect(h.stripe.checkout.sessions.create(sessionParams())).resolves.toMatchObject({ status: "open" });
  });

  it("can hold a request until the client times out", async () => {
    await control(h.emulator, "/config", { failNext: { count: 1, status: "timeout" } });
    const impatient = new Stripe(KEY, { host: "127.0.0.1", port: h.emulator.port, protocol: "http", maxNetworkRetries: 0, timeout: 300 });
    const error = await impatient.checkout.sessions.create(sessionParams()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(h.emulator.state.sessions.size).toBe(0);
  });
});
