import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { logger } from "@/lib/observability/log";
import { dispatch } from "@/lib/orders/dispatch";
import { getPaymentGateway } from "@/lib/payments/gateway";
import { sweepPaidSessions } from "@/lib/payments/paid-session-sweep";
import { settleFromGateway } from "@/lib/payments/settle-from-gateway";
import { defineTask } from "../define-task";
import { unlockJobsOfDeadWorkers } from "../heartbeat";
import { settleRefund } from "./refund-payment";

const BATCH = 200;

// Every minute (graphile-worker crontab): settle what a lost webhook or a dead
// worker left behind. Each step is a normal dispatch, so running it twice, or
// beside the timeout job, changes nothing twice.
export const reconcileOrders = defineTask("reconcile_orders", async () => {
  const { db } = await getDb();
  // 0. Jobs locked by a worker process that died: let a live worker retry them.
  await unlockJobsOfDeadWorkers(db);
  // 1. Open sessions whose webhook never came: ask the gateway.
  const quiet = await db.execute<{ gateway_session_id: string }>(sql`
    select p.gateway_session_id from payments p join orders o on o.id = p.order_id
    where o.status in ('created', 'cancelled') and p.status in ('pending', 'failed', 'cancelled', 'timeout')
      and p.gateway_session_id is not null and p.created_at < now() - interval '10 seconds'
      -- A Checkout Session lives at most 24 hours.
      and p.created_at > now() - interval '25 hours'
    order by p.created_at desc limit ${BATCH}`);
  // The session and, when it alone cannot tell (complete but unpaid, open after a decline), its PaymentIntent.
  for (const payment of quiet) {
    await settleFromGateway(payment.gateway_session_id, "reconciler").catch((error) => logFailure("session", payment.gateway_session_id, error));
  }
  // 1b. Sessions that took money the store never recorded (or whose webhook was lost): the gateway's events since the last sweep.
  await sweepPaidSessions().catch((error) => logFailure("sweep", "paid_session_events", error));
  // 2. Orders past their deadline that no timeout job settled (e.g. the worker was down).
  const overdue = await db.execute<{ id: string }>(sql`
    select id from orders where status = 'created' and payment_deadline < now() order by payment_deadline limit ${BATCH}`);
  for (const order of overdue) {
    const open = await db.execute<{ gateway_session_id: string }>(sql`
      select gateway_session_id from payments where order_id = ${order.id} and status in ('pending', 'failed') and gateway_session_id is not null`);
    let paid = false;
    for (const payment of open) {
      const outcome = await settleFromGateway(payment.gateway_session_id, "reconciler", { expire: true }).catch((error) => logFailure("expire", payment.gateway_session_id, error));
      paid ||= outcome === "paid";
    }
    if (!paid) await dispatch(order.id, { type: "TIMEOUT" }, "reconciler");
  }
  // 3. Refunds still pending at the gateway after a while: poll them.
  const refunds = await db.execute<{ id: string; order_id: string; gateway_refund_id: string }>(sql`
    select id, order_id, gateway_refund_id from refunds
    where status = 'pending' and gateway_refund_id is not null and updated_at < now() - interval '5 minutes'
    order by updated_at limit ${BATCH}`);
  if (refunds.length > 0) {
    const gateway = await getPaymentGateway();
    for (const refund of refunds) {
      const info = await gateway.retrieveRefund(refund.gateway_refund_id).catch((error) => logFailure("refund", refund.id, error));
      if (info) await settleRefund(refund, info);
    }
  }
  // 4. The operation log keeps a week (job_runs and order events are kept: they are the audit).
  await db.execute(sql`delete from operations where created_at < now() - interval '7 days'`);
  // Webhook signature failures per minute: the health check looks at the last minutes only.
  await db.execute(sql`delete from webhook_signature_failures where minute < now() - interval '1 day'`);
});

function logFailure(kind: string, id: string, error: unknown): undefined {
  logger().warn({ kind, id, err: error }, "reconciler could not settle");
  return undefined;
}
