import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { flagOrderRow } from "./store";

/**
 * Marks an order for an operator (automation gave up) and raises an alert.
 * Not a state change: the machine's state stays as it is.
 */
export async function flagOrder(orderId: string, reason: string, context: Record<string, unknown> = {}): Promise<void> {
  await flagOrderRow(orderId, reason);
  // The alert: an error line, a metric, and the banner in the admin console (needs_attention).
  metrics().ordersPaused.inc({ task: typeof context.task === "string" ? context.task : "unknown" });
  logger().error({ alert: "order_needs_attention", orderId, reason, ...context }, "order needs an operator");
}
