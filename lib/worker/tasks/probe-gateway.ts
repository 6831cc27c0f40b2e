import { probeGatewayForOrder } from "@/lib/payments/offer-pay-link";
import { defineTask } from "../define-task";

// A delayed payment's probe: is the gateway back? Then the shopper gets a pay link (GATEWAY_BACK);
// if not, the job runs again later. A paused order's probe waits for RESUME, which queues it again.
export const probeGateway = defineTask(
  "probe_gateway",
  async ({ orderId, attempt }) => {
    await probeGatewayForOrder(orderId, attempt);
  },
  "payment_processing",
);
