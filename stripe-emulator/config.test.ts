import { describe, expect, it } from "vitest";
import { loadEmulatorConfig } from "./config";
import { parseFormParams } from "./form-params";
import { startEmulator } from "./server";

describe("loadEmulatorConfig", () => {
  it("has the documented defaults", () => {
    expect(loadEmulatorConfig({})).toEqual({
      host: "127.0.0.1",
      port: 12111,
      publicUrl: undefined,
      secretKey: undefined,
      webhookUrl: "http://localhost:3000/api/webhooks/stripe",
      webhookSecret: undefined,
      asyncDelayMs: 3000,
      chaos: { duplicateRate: 0, dropRate: 0, minDelayMs: 0, maxDelayMs: 0, shuffle: false },
      retryBaseMs: 1000,
      maxAttempts: 8,
      control: true,
    });
  });

  it("has no built-in credentials: each start without them makes its own, never the once-published constants", async () => {
    // Unset in the environment (the project's test setup sets them for the app's tests).
    const saved = [process.env.EMULATOR_SECRET_KEY, process.env.EMULATOR_WEBHOOK_SECRET] as const;
    delete process.env.EMULATOR_SECRET_KEY;
    delete process.env.EMULATOR_WEBHOOK_SECRET;
    const [a, b] = [await startEmulator({ port: 0, webhookUrl: "" }), await startEmulator({ port: 0, webhookUrl: "" })];
    if (saved[0] !== undefined) process.env.EMULATOR_SECRET_KEY = saved[0];
    if (saved[1] !== undefined) process.env.EMULATOR_WEBHOOK_SECRET = saved[1];
    try {
      for (const emulator of [a, b]) {
        expect(emulator.secretKey).toMatch(/^sk_test_[0-9a-f]{48}$/);
        expect(emulator.webhookSecret).toMatch(/^whsec_[0-9a-f]{48}$/);
        expect([emulator.secretKey, emulator.webhookSecret]).not.toContain("sk_test_emulator_paperleaf");
        expect([emulator.secretKey, emulator.webhookSecret]).not.toContain("whsec_emulator_paperleaf");
      }
      expect(a.secretKey).not.toBe(b.secretKey);
      expect(a.webhookSecret).not.toBe(b.webhookSecret);
      // The old key opens nothing.
      const refused = await fetch(`${a.url}/v1/checkout/sessions/cs_test_x`, {
        headers: { authorization: "Bearer sk_test_emulator_paperleaf" },
      });
      expect(refused.status).toBe(401);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("reads overrides, an empty webhook URL (webhooks off) and chaos JSON", () => {
    const config = loadEmulatorConfig({
      EMULATOR_PORT: "4000",
      EMULATOR_PUBLIC_URL: "http://emulator.test:4000/",
      EMULATOR_WEBHOOK_URL: "",
      EMULATOR_CHAOS: '{"duplicateRate":0.5,"shuffle":true,"maxDelayMs":100}',
      EMULATOR_MAX_ATTEMPTS: "3",
    });
    expect(config).toMatchObject({ port: 4000, publicUrl: "http://emulator.test:4000", webhookUrl: "", maxAttempts: 3 });
    expect(config.chaos).toEqual({ duplicateRate: 0.5, dropRate: 0, minDelayMs: 0, maxDelayMs: 100, shuffle: true });
  });

  it("rejects invalid values with the variable's name", () => {
    expect(() => loadEmulatorConfig({ EMULATOR_PORT: "http" })).toThrow(/EMULATOR_PORT/);
    expect(() => loadEmulatorConfig({ EMULATOR_CHAOS: "{nope" })).toThrow(/EMULATOR_CHAOS/);
    expect(() => loadEmulatorConfig({ EMULATOR_CHAOS: '{"dropRate":2}' })).toThrow(/EMULATOR_CHAOS/);
  });
});

describe("parseFormParams (Stripe's bracket notation)", () => {
  it("builds nested objects and arrays", () => {
    const body =
      "mode=payment&line_items[0][price_data][currency]=usd&line_items[0][quantity]=2&line_items[1][quantity]=1" +
      "&metadata[order_id]=o%201&expand[]=a&expand[]=b&success_url=http%3A%2F%2Fx.test%2F%3Fs%3D%7BCHECKOUT_SESSION_ID%7D";
    expect(parseFormParams(body)).toEqual({
      mode: "payment",
      line_items: [{ price_data: { currency: "usd" }, quantity: "2" }, { quantity: "1" }],
      metadata: { order_id: "o 1" },
      expand: ["a", "b"],
      success_url: "http://x.test/?s={CHECKOUT_SESSION_ID}",
    });
  });

  it("ignores keys that would reach Object.prototype", () => {
    const parsed = parseFormParams("__proto__[polluted]=1&metadata[__proto__][x]=1&a[constructor][prototype][y]=2");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(parsed)).toEqual(["metadata", "a"]);
  });
});
