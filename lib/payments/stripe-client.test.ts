import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { startEmulator } from "@/stripe-emulator/server";
import { stripeClient } from "./stripe-client";

// One SDK client per process, made again when the gateway settings change: a
// harness that starts a new emulator (bench/chaos.ts runs two in one process)
// must not keep talking to the old one.

const saved = process.env.STRIPE_API_BASE;
afterEach(() => {
  process.env.STRIPE_API_BASE = saved;
  resetEnvCache();
});

describe("stripeClient", () => {
  it("is one client while the settings stay, and follows STRIPE_API_BASE to a new emulator", async () => {
    expect(stripeClient()).toBe(stripeClient());
    const other = await startEmulator({ port: 0, webhookUrl: "" });
    try {
      process.env.STRIPE_API_BASE = other.url;
      resetEnvCache();
      const session = await stripeClient().checkout.sessions.create({
        mode: "payment",
        line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 500, product_data: { name: "A" } } }],
        success_url: "http://localhost/ok",
        cancel_url: "http://localhost/cancel",
      });
      // The session exists on the new emulator.
      expect(other.state.sessions.has(session.id)).toBe(true);
    } finally {
      await other.stop();
    }
  });
});
