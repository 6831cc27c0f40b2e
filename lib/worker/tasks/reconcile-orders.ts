import { getDb } from "@/db";
import { logger } from "@/lib/observability/log";
import { purgeAbandonedCarts } from "@/lib/cart/cart-store";
import { pruneOperations } from "@/lib/observability/operations";
import { overdueOrderIds } from "@/lib/orders/store";
import { getPaymentGateway } from "@/lib/payments/gateway";
import { sweepPaidSessions } from "@/lib/payments/paid-session-sweep";
import { settleRefundOutcome } from "@/lib/payments/refund-outcome";
import { settleFromGateway } from "@/lib/payments/settle-from-gateway";
import { quietSessions, stalePendingRefunds } from "@/lib/payments/store";
import { timeOutOrder } from "@/lib/payments/time-out-order";
import { pruneSignatureFailures } from "@/lib/payments/webhook-health";
import { defineTask } from "../define-task";
import { unlockJobsOfDeadWorkers } from "../heartbeat";

const BATCH = 200;

// Every minute (graphile-worker crontab): settle what a lost webhook or a dead
// worker left behind. Each step is a normal dispatch, so running it twice, or
// beside the timeout job, changes nothing twice.
export const reconcileOrders = defineTask("reconcile_orders", async () => {
  const { db } = await getDb();
  // 0. Jobs locked by a worker process that died: let a live worker retry them.
  await unlockJobsOfDeadWorkers(db);
  // 1. Open sessions whose webhook never came: ask the gateway (the session and,
  // when it alone cannot tell, its PaymentIntent).
  for (const sessionId of await quietSessions(BATCH)) {
    await settleFromGateway(sessionId, "reconciler").catch((error) => logFailure("session", sessionId, error));
  }
  // 1b. Sessions that took money the store never recorded (or whose webhook was lost): the gateway's events since the last sweep.
  await sweepPaidSessions().catch((error) => logFailure("sweep", "paid_session_events", error));
  // 2. Orders past their deadline that no timeout job settled (e.g. the worker was down).
  for (const orderId of await overdueOrderIds(BATCH)) {
    await timeOutOrder(orderId, "reconciler", (sessionId, error) => logFailure("expire", sessionId, error));
  }
  // 3. Refunds still pending at the gateway after a while: poll them.
  const refunds = await stalePendingRefunds(BATCH);
  if (refunds.length > 0) {
    const gateway = await getPaymentGateway();
    for (const refund of refunds) {
      const info = await gateway.retrieveRefund(refund.gateway_refund_id!).catch((error) => logFailure("refund", refund.id, error));
      if (info) await settleRefundOutcome(refund, info);
    }
  }
  // 4. Logs that are only read for their recent rows, and anonymous carts nobody can reach any more.
  await pruneOperations();
  await pruneSignatureFailures();
  await purgeAbandonedCarts();
});

function logFailure(kind: string, id: string, error: unknown): undefined {
  logger().warn({ kind, id, err: error }, "reconciler could not settle");
  return undefined;
}
