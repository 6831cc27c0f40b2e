import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { getOrder } from "@/lib/orders/order-view";
import { emulatorControl, orderAtGateway, payAtGateway } from "@/test/gateway";
import { delayWebhooksTo, emulatorSettings, heldWebhookEndpoint, reconcileOnce, type HeldEndpoint } from "@/test/late-webhooks";
import { startPayment } from "./start-payment";
import { stripeClient } from "./stripe-client";

// Issue 16's "done when": what only a webhook used to tell the store (a
// decline, a failed bank transfer, an expired session) is learned from the
// gateway by the reconciler (run directly here) and by the next payment
// start. Each scenario runs twice: with webhooks off at the emulator, and
// with webhooks on but delayed past the reconciler, where the late webhook
// must be a duplicate.

type Mode = "webhooks off" | "webhooks late";

let endpoint: HeldEndpoint;
let saved: Record<string, unknown>;

beforeAll(async () => {
  saved = await emulatorSettings();
  endpoint = await heldWebhookEndpoint();
  // Bank transfers settle when the test says so.
  await emulatorControl("/_emulator/config", { asyncDelayMs: 3_600_000 });
});

afterAll(async () => {
  await emulatorControl("/_emulator/config", {
    webhookUrl: saved.webhookUrl,
    chaos: saved.chaos,
    asyncDelayMs: saved.asyncDelayMs,
    enabledEvents: saved.enabledEvents,
  });
  await emulatorControl("/_emulator/clock", { offsetMs: 0 });
  await endpoint.close();
});

async function useMode(mode: Mode): Promise<void> {
  if (mode === "webhooks off") await emulatorControl("/_emulator/config", { webhookUrl: "", chaos: null });
  else await delayWebhooksTo(endpoint.url, { min: 100, max: 400 });
}

/**
 * A step at the gateway whose webhooks must come late: held until the
 * reconciler (or the payment start) has done its part, then let through.
 */
async function late<T>(mode: Mode, gatewayStep: () => Promise<unknown>, storeStep: () => Promise<T>): Promise<T> {
  if (mode === "webhooks late") endpoint.hold();
  await gatewayStep();
  try {
    return await storeStep();
  } finally {
    endpoint.release();
  }
}

/** The late webhook of `type` about `objectId` was a duplicate (nothing to do in webhooks-off mode). */
async function lateWebhookWasDuplicate(mode: Mode, type: string, objectId: string): Promise<void> {
  if (mode === "webhooks off") return;
  const delivery = await endpoint.delivered(type, objectId);
  expect(delivery).toMatchObject({ status: 200, outcome: "duplicate" });
}

async function paymentRow(paymentId: string) {
  const { db } = await getDb();
  const [row] = await db.execute<{ status: string; failure_reason: string | null; gateway_session_id: string }>(sql`
    select status, failure_reason, gateway_session_id from payments where id = ${paymentId}`);
  return row!;
}

/** The machine event that recorded `domainType` on the order (its first audit row carries it). */
async function machineEventOf(orderId: string, domainType: string) {
  const { db } = await getDb();
  const [row] = await db.execute<{ machine_event: { at: number; reason?: string }; source: string }>(sql`
    select machine_event, source from order_events where order_id = ${orderId} and type = ${domainType} order by id desc limit 1`);
  return row!;
}

async function intentOf(sessionId: string): Promise<Stripe.PaymentIntent> {
  const stripe = stripeClient();
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  return stripe.paymentIntents.retrieve(String(session.payment_intent), { expand: ["latest_charge"] });
}

const email = "r@example.com";

describe.each<Mode>(["webhooks off", "webhooks late"])("with %s", (mode) => {
  beforeAll(() => useMode(mode));

  it("a declined card, then another card on the same page: the failure shows, then the order is paid", async () => {
    const o = await orderAtGateway({ stock: 3, priceCents: 1100 });
    await late(mode, () => payAtGateway(o.sessionId, "4000000000000002"), reconcileOnce);

    expect(await paymentRow(o.paymentId)).toMatchObject({ status: "failed", failure_reason: "generic_decline" });
    const order = await getOrder(o.orderId);
    expect(order.state).toBe("created.paymentFailed");
    expect(order.payments.at(-1)).toMatchObject({ status: "failed", failureReason: "generic_decline" });
    // The gateway's time: when the declined attempt (its charge) was made.
    const intent = await intentOf(o.sessionId);
    const failed = await machineEventOf(o.orderId, "PaymentFailed");
    expect(failed.source).toBe("reconciler");
    expect(failed.machine_event.at).toBe((intent.latest_charge as Stripe.Charge).created * 1000);
    await lateWebhookWasDuplicate(mode, "payment_intent.payment_failed", intent.id);

    // Another card on the same page (the session stays open after a decline).
    await late(mode, () => payAtGateway(o.sessionId, "4242424242424242"), reconcileOnce);
    expect((await getOrder(o.orderId)).status).toBe("paid");
    expect(await paymentRow(o.paymentId)).toMatchObject({ status: "paid" });
    await lateWebhookWasDuplicate(mode, "checkout.session.completed", o.sessionId);
  });

  it("a failed bank transfer, then paying again with a new session: paid", async () => {
    const o = await orderAtGateway({ stock: 3, priceCents: 1200 });
    await late(mode, () => emulatorControl(`/_emulator/sessions/${o.sessionId}/pay`, { bankAccount: "000111111113" }), reconcileOnce);
    // Processing: the reconciler waits, and a second payment is refused while the money may still come.
    expect(await paymentRow(o.paymentId)).toMatchObject({ status: "pending" });
    await expect(startPayment({ userId: o.userId, email, orderId: o.orderId })).rejects.toMatchObject({
      code: "invalid_transition",
      details: { payment: "processing" },
    });

    await late(mode, () => emulatorControl(`/_emulator/sessions/${o.sessionId}/settle`, { outcome: "failed" }), reconcileOnce);
    expect(await paymentRow(o.paymentId)).toMatchObject({ status: "failed", failure_reason: "insufficient_funds" });
    expect((await getOrder(o.orderId)).state).toBe("created.paymentFailed");
    await lateWebhookWasDuplicate(mode, "checkout.session.async_payment_failed", o.sessionId);

    const next = await startPayment({ userId: o.userId, email, orderId: o.orderId });
    expect(next.created).toBe(true);
    const nextSession = next.checkoutUrl.split("/pay/")[1]!;
    expect(nextSession).not.toBe(o.sessionId);
    await late(mode, () => payAtGateway(nextSession), reconcileOnce);
    expect((await getOrder(o.orderId)).status).toBe("paid");
    await lateWebhookWasDuplicate(mode, "checkout.session.completed", nextSession);
  });

  it("an expired session, then paying again: a new session, then paid", async () => {
    const o = await orderAtGateway({ stock: 3, priceCents: 1300 });
    const stripe = stripeClient();
    const next = await late(
      mode,
      async () => {
        // The gateway's clock passes the session's expires_at; its sweep closes it.
        await emulatorControl("/_emulator/clock", { advanceMs: 32 * 60_000 });
        try {
          for (let n = 0; (await stripe.checkout.sessions.retrieve(o.sessionId)).status !== "expired"; n++) {
            if (n > 200) throw new Error("the emulator did not expire the session");
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        } finally {
          await emulatorControl("/_emulator/clock", { offsetMs: 0 });
        }
      },
      () => startPayment({ userId: o.userId, email, orderId: o.orderId }),
    );
    expect(next.created).toBe(true);
    const nextSession = next.checkoutUrl.split("/pay/")[1]!;
    expect(nextSession).not.toBe(o.sessionId);
    expect(await paymentRow(o.paymentId)).toMatchObject({ status: "cancelled" });
    expect((await machineEventOf(o.orderId, "PaymentCancelled")).source).toBe("gateway");
    await lateWebhookWasDuplicate(mode, "checkout.session.expired", o.sessionId);

    await late(mode, () => payAtGateway(nextSession), reconcileOnce);
    expect((await getOrder(o.orderId)).status).toBe("paid");
    await lateWebhookWasDuplicate(mode, "checkout.session.completed", nextSession);
  });
});
