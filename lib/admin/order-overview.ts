import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { orderStatuses, type OrderStatus } from "@/db/schema";

export type StuckOrder = { id: string; status: string; email: string; reason: string; since: string };
export type StatusCount = { status: OrderStatus; count: number };

/** Orders per status, every status listed (zero included). */
export async function countOrdersByStatus(): Promise<StatusCount[]> {
  const { db } = await getDb();
  const rows = await db.execute<{ status: OrderStatus; n: number }>(sql`select status, count(*)::int as n from orders group by status`);
  const counts = new Map(rows.map((r) => [r.status, r.n]));
  return orderStatuses.map((status) => ({ status, count: counts.get(status) ?? 0 }));
}

/**
 * What an operator should look at first: orders automation gave up on, unpaid
 * orders past their deadline (the timer or reconciler should have cancelled
 * them), and refunds pending for more than ten minutes.
 */
export async function listStuckOrders(limit = 50): Promise<StuckOrder[]> {
  const { db } = await getDb();
  const rows = await db.execute<{ id: string; status: string; email: string; reason: string; since: Date }>(sql`
    select o.id, o.status, u.email, coalesce(o.attention_reason, 'flagged for an operator') as reason, o.updated_at as since
      from orders o join users u on u.id = o.user_id where o.needs_attention
    union all
    select o.id, o.status, u.email, 'unpaid past its payment deadline', o.payment_deadline
      from orders o join users u on u.id = o.user_id where o.status = 'created' and o.payment_deadline < now() - interval '2 minutes'
    union all
    select o.id, o.status, u.email, 'refund pending for more than 10 minutes', min(r.created_at)
      from orders o join users u on u.id = o.user_id join refunds r on r.order_id = o.id
      where r.status = 'pending' and r.created_at < now() - interval '10 minutes' group by o.id, o.status, u.email
    order by since limit ${limit}`);
  return rows.map((r) => ({ ...r, since: new Date(r.since).toISOString() }));
}

export type WebhookDelivery = { id: string; type: string; outcome: string; receivedAt: string };
export type OrderJob = { key: string | null; task: string; attempts: number; maxAttempts: number; runAt: string; lastError: string | null; locked: boolean };

/** Gateway events received for this order (by order or by one of its sessions). */
export async function listOrderWebhooks(orderId: string): Promise<WebhookDelivery[]> {
  const { db } = await getDb();
  const rows = await db.execute<{ id: string; type: string; outcome: string; received_at: Date }>(sql`
    select id, type, outcome, received_at from webhook_events
    where order_id = ${orderId} or gateway_session_id in (select gateway_session_id from payments where order_id = ${orderId})
    order by received_at`);
  return rows.map((r) => ({ id: r.id, type: r.type, outcome: r.outcome, receivedAt: new Date(r.received_at).toISOString() }));
}

/** Jobs still queued or failing for this order (finished jobs are deleted by graphile-worker). */
export async function listOrderJobs(orderId: string): Promise<OrderJob[]> {
  const { db } = await getDb();
  const rows = await db.execute<{ key: string | null; task: string; attempts: number; max_attempts: number; run_at: Date; last_error: string | null; locked_at: Date | null }>(sql`
    select j.key, t.identifier as task, j.attempts, j.max_attempts, j.run_at, j.last_error, j.locked_at
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.payload->>'orderId' = ${orderId} order by j.run_at`);
  return rows.map((r) => ({
    key: r.key,
    task: r.task,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAt: new Date(r.run_at).toISOString(),
    lastError: r.last_error,
    locked: r.locked_at !== null,
  }));
}
