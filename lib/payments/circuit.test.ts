import { afterEach, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { metrics } from "@/lib/observability/metrics";
import { eventTypes, orderRow } from "@/test/fixtures";
import { emulatorControl, payAtGateway, placedOrder } from "@/test/gateway";
import { reconcileSuccessReturn } from "./return-from-gateway";
import { GATEWAY_HALF_OPEN_AFTER_MS, gatewayBreakerTiming, gatewayCircuitLevel } from "./resilience";
import { startPayment } from "./start-payment";

// Scenario 13: the gateway stops answering. Shoppers get a clear message (the
// payment is delayed: payment-delay.test.ts), the breaker stops calling it,
// and when it is back the order is paid once.
// No clocks: "no call" is the gateway's own request count, and the breaker's
// half-open delay is shortened instead of slept through.

const circuitRefusals = async () =>
  (await metrics().gatewayCalls.get()).values
    .filter((v) => v.labels.outcome === "circuit_open" && String(v.metricName).endsWith("_count"))
    .reduce((sum, v) => sum + v.value, 0);

/** Failures the emulator still has queued: each API request it receives takes one. */
async function failuresLeft(): Promise<number> {
  const settings = (await (await fetch(`${env().STRIPE_API_BASE}/_emulator/config`)).json()) as { failNext: { count: number } | null };
  return settings.failNext?.count ?? 0;
}

const orderToPay = () => placedOrder({ stock: 5, priceCents: 1100 });

afterEach(() => {
  gatewayBreakerTiming.halfOpenAfterMs = GATEWAY_HALF_OPEN_AFTER_MS;
});

describe("a gateway that is down", () => {
  it("opens the circuit after repeated failures, fails fast without calling it, and pays once when it is back", async () => {
    const { userId, orderId } = await orderToPay();
    // Open stays open for as long as this test needs, however slow the machine.
    gatewayBreakerTiming.halfOpenAfterMs = 3_600_000;
    await emulatorControl("/_emulator/config", { failNext: { count: 1000, status: 503 } });
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        await expect(startPayment({ userId, email: "r@example.com", orderId })).rejects.toMatchObject({
          code: "gateway_unavailable",
          message: expect.stringMatching(/Payment is delayed.*Nothing was charged/),
        });
      }
      expect(gatewayCircuitLevel()).toBe(2);
      // Open: refused by the breaker, and the gateway never hears of it.
      const calledBefore = 1000 - (await failuresLeft());
      expect(calledBefore).toBeGreaterThanOrEqual(5);
      const refusedBefore = await circuitRefusals();
      await expect(startPayment({ userId, email: "r@example.com", orderId })).rejects.toMatchObject({ code: "gateway_unavailable" });
      expect(1000 - (await failuresLeft())).toBe(calledBefore);
      expect((await circuitRefusals()) - refusedBefore).toBe(1);
    } finally {
      await emulatorControl("/_emulator/config", { failNext: { count: 0, status: 503 } });
    }
    expect((await orderRow(orderId)).revision).toBe(2); // delayed once (PAYMENT_DELAYED), nothing started, nothing reserved twice
    // Still open while the half-open delay has not passed, though the gateway is back.
    await expect(startPayment({ userId, email: "r@example.com", orderId })).rejects.toMatchObject({ code: "gateway_unavailable" });
    expect(gatewayCircuitLevel()).toBe(2);

    // The delay passes (shortened, not slept): the next call tries the gateway, which answers now.
    gatewayBreakerTiming.halfOpenAfterMs = 0;
    const { checkoutUrl } = await startPayment({ userId, email: "r@example.com", orderId });
    expect(gatewayCircuitLevel()).toBe(0);
    const sessionId = checkoutUrl.split("/pay/")[1]!;
    await payAtGateway(sessionId);
    await reconcileSuccessReturn({ userId, sessionId });
    expect((await orderRow(orderId)).status).toBe("paid");
    expect((await eventTypes(orderId)).filter((t) => t === "PaymentStarted")).toHaveLength(1);
    expect((await eventTypes(orderId)).filter((t) => t === "PaymentDelayed")).toHaveLength(1);
    expect((await eventTypes(orderId)).filter((t) => t === "OrderPaid")).toHaveLength(1);
  });
});
