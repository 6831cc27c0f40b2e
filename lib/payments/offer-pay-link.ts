import { getDb } from "@/db";
import { dispatch } from "@/lib/orders/dispatch";
import { storedSnapshotOf } from "@/lib/orders/store";
import { logger } from "@/lib/observability/log";
import { addJob, gatewayProbeDelayMs, gatewayProbeKey } from "@/lib/worker/jobs";
import { loadSnapshot } from "@/machines/order-snapshot";
import { statePath } from "@/machines/order-status";
import { getPaymentGateway } from "./gateway";

export type ProbeOutcome = "not_delayed" | "offered" | "duplicate" | "still_down" | "gave_up";

/**
 * One run of a delayed order's probe (the probe_gateway job; docs/PAYMENTS.md, "When the gateway is
 * down"). The breaker lives in one process, so "the gateway is back" is asked again here, of the
 * gateway itself: it answers → GATEWAY_BACK, and the machine e-mails the shopper a link to pay (once:
 * a second worker's GATEWAY_BACK is a duplicate). It does not → the job is queued again with backoff,
 * while the window is open (after it, the payment timer cancels the order). The probe's state is
 * the job row and the order's state, both in the database: a restart loses nothing. Not a failure
 * when the gateway is down: a failed job would count towards pausing the order.
 */
export async function probeGatewayForOrder(orderId: string, attempt: number, now = Date.now()): Promise<ProbeOutcome> {
  const stored = await storedSnapshotOf(orderId);
  if (!stored) return "not_delayed";
  const snapshot = loadSnapshot(stored.snapshot, stored.version);
  if (statePath(snapshot) !== "created.paymentDelayed") return "not_delayed";
  const gateway = await getPaymentGateway();
  const answered = await gateway.ping().then(
    () => true,
    (error: unknown) => {
      logger().info({ orderId, attempt, err: error }, "gateway still down for a delayed payment");
      return false;
    },
  );
  if (answered) {
    const result = await dispatch(orderId, { type: "GATEWAY_BACK" }, "system");
    return result.outcome === "accepted" ? "offered" : "duplicate";
  }
  const runAt = now + gatewayProbeDelayMs(attempt + 1);
  if (runAt >= snapshot.context.paymentDeadline) return "gave_up";
  const { db } = await getDb();
  // The running job keeps its key until it ends: add_job gives the key to this new job (graphile-worker's replace mode).
  await addJob(db, "probe_gateway", { orderId, attempt: attempt + 1 }, { jobKey: gatewayProbeKey(orderId), runAt: new Date(runAt) });
  return "still_down";
}
