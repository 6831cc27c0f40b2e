import { describe, expect, it } from "vitest";
import { metrics } from "@/lib/observability/metrics";
import { eventTypes, orderRow } from "@/test/fixtures";
import { emulatorControl, payAtGateway, placedOrder } from "@/test/gateway";
import { reconcileSuccessReturn } from "./return-from-gateway";
import { gatewayCircuitLevel } from "./resilience";
import { startPayment } from "./start-payment";

// Scenario 13: the gateway stops answering. Shoppers get a clear message,
// the breaker stops calling it, and when it is back the order is paid once.

const circuitRefusals = async () =>
  (await metrics().gatewayCalls.get()).values.filter((v) => v.labels.outcome === "circuit_open" && String(v.metricName).endsWith("_count")).reduce((sum, v) => sum + v.value, 0);

const orderToPay = () => placedOrder({ stock: 5, priceCents: 1100 });

describe("a gateway that is down", () => {
  it("opens the circuit after repeated failures, fails fast with a clear message, and pays once when it is back", async () => {
    const { userId, orderId } = await orderToPay();
    await emulatorControl("/_emulator/config", { failNext: { count: 1000, status: 503 } });
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        await expect(startPayment({ userId, email: "r@example.com", orderId })).rejects.toMatchObject({
          code: "gateway_unavailable",
          message: expect.stringMatching(/Nothing was charged/),
        });
      }
      expect(gatewayCircuitLevel()).toBe(2);
      const before = await circuitRefusals();
      const started = performance.now();
      await expect(startPayment({ userId, email: "r@example.com", orderId })).rejects.toMatchObject({ code: "gateway_unavailable" });
      expect(performance.now() - started).toBeLessThan(200); // no call, no backoff: the breaker answers
      expect((await circuitRefusals()) - before).toBe(1);
    } finally {
      await emulatorControl("/_emulator/config", { failNext: { count: 0, status: 503 } });
    }
    expect((await orderRow(orderId)).revision).toBe(1); // nothing started, nothing reserved twice

    // The breaker tries again after 10 s (half-open); the gateway answers now.
    await new Promise((resolve) => setTimeout(resolve, 10_500));
    const { checkoutUrl } = await startPayment({ userId, email: "r@example.com", orderId });
    expect(gatewayCircuitLevel()).toBe(0);
    const sessionId = checkoutUrl.split("/pay/")[1]!;
    await payAtGateway(sessionId);
    await reconcileSuccessReturn({ userId, sessionId });
    expect((await orderRow(orderId)).status).toBe("paid");
    expect((await eventTypes(orderId)).filter((t) => t === "PaymentStarted")).toHaveLength(1);
    expect((await eventTypes(orderId)).filter((t) => t === "OrderPaid")).toHaveLength(1);
  }, 60_000);
});
