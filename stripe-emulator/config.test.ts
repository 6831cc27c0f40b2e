import { describe, expect, it } from "vitest";
import { loadEmulatorConfig } from "./config";
import { parseFormParams } from "./form-params";

describe("loadEmulatorConfig", () => {
  it("has the documented defaults", () => {
    expect(loadEmulatorConfig({})).toEqual({
      host: "127.0.0.1",
      port: 12111,
      publicUrl: undefined,
      secretKey: "sk_test_emulator_paperleaf",
      webhookUrl: "http://localhost:3000/api/webhooks/stripe",
      webhookSecret: "whsec_emulator_paperleaf",
      asyncDelayMs: 3000,
      chaos: { duplicateRate: 0, dropRate: 0, minDelayMs: 0, maxDelayMs: 0, shuffle: false },
      retryBaseMs: 1000,
      maxAttempts: 8,
      control: true,
    });
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
