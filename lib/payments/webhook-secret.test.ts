import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { orderRow } from "@/test/fixtures";
import { deliver, orderAwaitingPayment, sessionObject, stripeEvent } from "@/test/webhooks";
import { resetStripeClient, webhookSecret } from "./stripe-client";

// Finding 1 of issue 14: the emulator's webhook secret used to be a constant in
// the repository, and the app fell back to it even with a real Stripe key set,
// so anybody could sign `checkout.session.completed` for their own order.
const PUBLISHED_SECRET = "whsec_emulator_paperleaf";

const saved = { ...process.env };
function setEnv(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetEnvCache();
  resetStripeClient();
}

afterEach(() => {
  for (const key of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]) setEnv({ [key]: saved[key] });
});

describe("the webhook signing secret", () => {
  it("with STRIPE_SECRET_KEY and no STRIPE_WEBHOOK_SECRET, an event signed with the published emulator secret pays nothing", async () => {
    const o = await orderAwaitingPayment();
    setEnv({ STRIPE_SECRET_KEY: "sk_test_a_real_looking_key", STRIPE_WEBHOOK_SECRET: undefined });
    expect(() => webhookSecret()).toThrow(/STRIPE_WEBHOOK_SECRET/);
    const { status } = await deliver(stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId)), {
      secret: PUBLISHED_SECRET,
    });
    expect(status).toBeGreaterThanOrEqual(400);
    expect((await orderRow(o.orderId)).status).toBe("created");
  });

  it("in emulator mode the secret is this install's own, not the published constant", async () => {
    const o = await orderAwaitingPayment();
    expect(webhookSecret()).not.toBe(PUBLISHED_SECRET);
    const forged = await deliver(stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId)), {
      secret: PUBLISHED_SECRET,
    });
    expect(forged.status).toBe(400);
    expect((await orderRow(o.orderId)).status).toBe("created");
    // The same event signed with the configured secret is accepted.
    const genuine = await deliver(stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId)));
    expect(genuine.status).toBe(200);
    expect((await orderRow(o.orderId)).status).toBe("paid");
  });
});
