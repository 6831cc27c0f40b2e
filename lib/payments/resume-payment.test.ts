import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { LIMITS } from "@/lib/http/abuse-limits";
import { eventTypes, orderRow } from "@/test/fixtures";
import { emulatorControl, orderAtGateway, payAtGateway } from "@/test/gateway";
import { emulatorSettings } from "@/test/late-webhooks";
import { reconcileSuccessReturn } from "./return-from-gateway";
import { startPayment } from "./start-payment";

// "Pay now" on an order whose attempt is pending hands back its checkout URL
// only while the gateway will still take a payment on it; otherwise it
// settles what the gateway says first (webhooks off here, as in the issue).

const email = "r@example.com";

/** The success page asks the gateway once per few seconds per session: forget the last check, as time would. */
async function forgetReturnCheck(userId: string, sessionId: string): Promise<void> {
  const { db } = await getDb();
  await db.execute(sql`delete from rate_limits where key = ${`${LIMITS.returnCheck.keyPrefix}:${userId}|${sessionId}`}`);
}

let asyncDelayMs: unknown;
beforeAll(async () => {
  asyncDelayMs = (await emulatorSettings()).asyncDelayMs;
});
afterEach(async () => {
  await emulatorControl("/_emulator/config", { failNext: null, asyncDelayMs });
});

describe("asking to pay again", () => {
  it("an open session: the same URL, checked at the gateway", async () => {
    const o = await orderAtGateway({ priceCents: 1010 });
    const again = await startPayment({ userId: o.userId, email, orderId: o.orderId });
    expect(again).toMatchObject({ paymentId: o.paymentId, created: false });
    expect(again.checkoutUrl).toContain(o.sessionId);
  });

  it("paid at the gateway but never heard of: the order is paid, no new session", async () => {
    const o = await orderAtGateway({ priceCents: 1020 });
    await payAtGateway(o.sessionId);
    await expect(startPayment({ userId: o.userId, email, orderId: o.orderId })).rejects.toMatchObject({
      code: "invalid_transition",
      details: { status: "paid" },
    });
    expect((await orderRow(o.orderId)).status).toBe("paid");
    expect((await eventTypes(o.orderId)).filter((t) => t === "PaymentStarted")).toHaveLength(1);
  });

  it("a bank transfer that failed: the failure is recorded with its reason, then a new session", async () => {
    const o = await orderAtGateway({ priceCents: 1030 });
    await emulatorControl("/_emulator/config", { asyncDelayMs: 3_600_000 });
    await emulatorControl(`/_emulator/sessions/${o.sessionId}/pay`, { bankAccount: "000111111113" });
    await emulatorControl(`/_emulator/sessions/${o.sessionId}/settle`, { outcome: "failed" });
    const next = await startPayment({ userId: o.userId, email, orderId: o.orderId });
    expect(next.created).toBe(true);
    expect(next.checkoutUrl).not.toContain(o.sessionId);
    expect(await eventTypes(o.orderId)).toEqual(["OrderCreated", "PaymentStarted", "PaymentFailed", "PaymentStarted"]);
  });

  it("the gateway cannot say: gateway_unavailable, and nothing changes", async () => {
    const o = await orderAtGateway({ priceCents: 1040 });
    const before = (await orderRow(o.orderId)).revision;
    await emulatorControl("/_emulator/config", { failNext: { count: 10, status: 503 } });
    await expect(startPayment({ userId: o.userId, email, orderId: o.orderId })).rejects.toMatchObject({ code: "gateway_unavailable" });
    expect((await orderRow(o.orderId)).revision).toBe(before);
  });
});

describe("the return page reads the PaymentIntent", () => {
  it("a bank transfer: confirming while it processes, then the failure with its reason", async () => {
    const o = await orderAtGateway({ priceCents: 1050 });
    await emulatorControl("/_emulator/config", { asyncDelayMs: 3_600_000 });
    await emulatorControl(`/_emulator/sessions/${o.sessionId}/pay`, { bankAccount: "000111111113" });
    expect(await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId })).toEqual({
      orderId: o.orderId,
      outcome: "processing",
    });
    await emulatorControl(`/_emulator/sessions/${o.sessionId}/settle`, { outcome: "failed" });
    // A reload within seconds is answered from the store (the return-page throttle); this one comes later.
    await forgetReturnCheck(o.userId, o.sessionId);
    expect(await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId })).toEqual({ orderId: o.orderId, outcome: "failed" });
    expect((await eventTypes(o.orderId)).at(-1)).toBe("PaymentFailed");
  });

  it("a bank transfer that went through: paid", async () => {
    const o = await orderAtGateway({ priceCents: 1060 });
    await emulatorControl("/_emulator/config", { asyncDelayMs: 3_600_000 });
    await emulatorControl(`/_emulator/sessions/${o.sessionId}/pay`, { bankAccount: "000123456789" });
    await emulatorControl(`/_emulator/sessions/${o.sessionId}/settle`, { outcome: "succeeded" });
    expect(await reconcileSuccessReturn({ userId: o.userId, sessionId: o.sessionId })).toEqual({ orderId: o.orderId, outcome: "paid" });
    expect((await orderRow(o.orderId)).status).toBe("paid");
  });
});
