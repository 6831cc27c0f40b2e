import { describe, expect, it } from "vitest";
import { createUser, eventTypes, orderRow } from "@/test/fixtures";
import { emulatorControl, placedOrder } from "@/test/gateway";
import { deliver, sessionObject, stripeEvent } from "@/test/webhooks";
import { recordCancelledReturn, reconcileSuccessReturn } from "./return-from-gateway";
import { startPayment } from "./start-payment";

// Against the local Stripe emulator (started by the test setup), through the real SDK.

const emulator = emulatorControl;

const orderToPay = () => placedOrder({ stock: 5, priceCents: 1250, quantity: 2 });

describe("starting a payment and coming back", () => {
  it("creates one session per attempt; asking again returns the same checkout URL", async () => {
    const { userId, orderId } = await orderToPay();
    const first = await startPayment({ userId, email: "robin@example.com", orderId });
    expect(first.created).toBe(true);
    expect(first.checkoutUrl).toMatch(/\/pay\/cs_/);
    const again = await startPayment({ userId, email: "robin@example.com", orderId });
    expect(again).toEqual({ ...first, created: false });
    expect((await orderRow(orderId)).status).toBe("created");
  });

  it("redirect only (no webhook): the success page pays the order", async () => {
    const { userId, orderId } = await orderToPay();
    const { checkoutUrl } = await startPayment({ userId, email: "robin@example.com", orderId });
    const sessionId = checkoutUrl.split("/pay/")[1]!;
    await emulator(`/_emulator/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    const result = await reconcileSuccessReturn({ userId, sessionId });
    expect(result).toEqual({ orderId, outcome: "paid" });
    expect((await orderRow(orderId)).status).toBe("paid");
  });

  it("both the redirect and the webhook: paid once", async () => {
    const { userId, orderId } = await orderToPay();
    const { checkoutUrl, paymentId } = await startPayment({ userId, email: "robin@example.com", orderId });
    const sessionId = checkoutUrl.split("/pay/")[1]!;
    await emulator(`/_emulator/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    await reconcileSuccessReturn({ userId, sessionId });
    const webhook = await deliver(
      stripeEvent("checkout.session.completed", sessionObject(sessionId, orderId, paymentId, { amount_total: 2500 })),
    );
    expect(webhook.body.outcome).toBe("duplicate");
    await reconcileSuccessReturn({ userId, sessionId });
    expect((await eventTypes(orderId)).filter((t) => t === "OrderPaid")).toHaveLength(1);
  });

  it("another user's session is not found on the return pages", async () => {
    const { userId, orderId } = await orderToPay();
    const { checkoutUrl } = await startPayment({ userId, email: "robin@example.com", orderId });
    const sessionId = checkoutUrl.split("/pay/")[1]!;
    const stranger = await createUser();
    await expect(reconcileSuccessReturn({ userId: stranger, sessionId })).rejects.toMatchObject({ code: "not_found" });
    await expect(recordCancelledReturn({ userId: stranger, sessionId })).rejects.toMatchObject({ code: "not_found" });
  });

  it("cancel then retry makes a new payment row and session for the same order", async () => {
    const { userId, orderId } = await orderToPay();
    const first = await startPayment({ userId, email: "robin@example.com", orderId });
    await recordCancelledReturn({ userId, sessionId: first.checkoutUrl.split("/pay/")[1]! });
    const second = await startPayment({ userId, email: "robin@example.com", orderId });
    expect(second.created).toBe(true);
    expect(second.paymentId).not.toBe(first.paymentId);
    expect(second.checkoutUrl).not.toBe(first.checkoutUrl);
  });

  it("a gateway that is down delays the payment (payment-delay.test.ts): callers that need a page hear gateway_unavailable", async () => {
    const { userId, orderId } = await orderToPay();
    await emulator("/_emulator/config", { failNext: { count: 10, status: 503 } });
    try {
      await expect(startPayment({ userId, email: "robin@example.com", orderId })).rejects.toMatchObject({ code: "gateway_unavailable" });
    } finally {
      await emulator("/_emulator/config", { failNext: { count: 0, status: 503 } });
    }
    // No payment started; only the delay was recorded.
    expect(await eventTypes(orderId)).toEqual(["OrderCreated", "PaymentDelayed"]);
  });
});
