import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import type { SqlRow } from "@/db/rows";
import type { jobRuns, webhookEvents } from "@/db/schema";
import { orderStatuses, type OrderStatus } from "@/db/schema";
import { failingOrderJobs } from "@/lib/worker/worker-tables";
import { filterRange, type AdminOrderFilter } from "./order-filter";
import { paymentDelayColumn, paymentDelayOf, type PaymentDelayMark } from "./payment-delay";

export type StuckOrder = {
  id: string;
  status: string;
  email: string;
  reason: string;
  since: string;
  disputed: boolean;
  /** Automation on the order is paused: by the system (repeated job failures) or by an operator. */
  paused: "system" | "admin" | null;
};
export type StatusCount = { status: OrderStatus; count: number };

/** Orders per status placed within the filter's days, every status listed (zero included). */
export async function countOrdersByStatus(filter: Pick<AdminOrderFilter, "from" | "to"> = {}): Promise<StatusCount[]> {
  const { db } = await getDb();
  const { start, end } = filterRange(filter);
  const rows = await db.execute<{ status: OrderStatus; n: number }>(sql`
    select status, count(*)::int as n from orders
    where (${start}::timestamptz is null or created_at >= ${start}::timestamptz)
      and (${end}::timestamptz is null or created_at < ${end}::timestamptz)
    group by status`);
  const counts = new Map(rows.map((r) => [r.status, r.n]));
  return orderStatuses.map((status) => ({ status, count: counts.get(status) ?? 0 }));
}

/**
 * What an operator should look at first: orders automation gave up on, unpaid
 * orders past their deadline (the timer or reconciler should have cancelled
 * them), refunds pending for more than ten minutes or refused by the gateway,
 * money for a gateway session the store never recorded (refunded
 * automatically; listed for a week so someone asks how the session leaked),
 * and orders whose jobs are failing (still retrying). Orders the system
 * paused after repeated job failures come first, then disputed orders (an
 * open dispute: amount, reason, evidence due date; or one lost in the last
 * week), then orders an operator paused, then the rest, oldest first.
 */
export async function listStuckOrders(limit = 50): Promise<StuckOrder[]> {
  const { db } = await getDb();
  const rows = await db.execute<{
    id: string;
    status: string;
    email: string;
    reason: string;
    since: Date;
    disputed: boolean;
    paused: "system" | "admin" | null;
    rank: number;
  }>(sql`
    select o.id, o.status, coalesce(u.email, o.guest_email) as email,
        case when o.paused_by = 'system' then 'automation paused after repeated job failures: ' else 'paused by an operator: ' end
          || coalesce(o.pause_reason, '') as reason,
        o.paused_at as since, false as disputed, o.paused_by as paused, case when o.paused_by = 'system' then 3 else 1 end as rank
      from orders o left join users u on u.id = o.user_id where o.paused_at is not null
    union all
    select o.id, o.status, coalesce(u.email, o.guest_email) as email,
        case when d.outcome = 'open'
          then 'payment disputed: ' || to_char(d.amount_cents / 100.0, 'FM999999990.00') || ' ' || upper(d.currency) || ', ' || replace(d.reason, '_', ' ')
               || ', evidence due ' || coalesce(to_char(d.evidence_due_by at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC', 'date not given')
          else 'dispute lost: ' || to_char(d.amount_cents / 100.0, 'FM999999990.00') || ' ' || upper(d.currency) || ' lost, ' || replace(d.reason, '_', ' ') end as reason,
        d.created_at as since, true as disputed, o.paused_by, 2
      from disputes d join orders o on o.id = d.order_id left join users u on u.id = o.user_id
      where d.outcome = 'open' or (d.outcome = 'lost' and d.closed_at > now() - interval '7 days')
    union all
    select o.id, o.status, coalesce(u.email, o.guest_email) as email, coalesce(o.attention_reason, 'flagged for an operator'), o.updated_at, false, o.paused_by, 0
      from orders o left join users u on u.id = o.user_id where o.needs_attention
    union all
    select o.id, o.status, coalesce(u.email, o.guest_email) as email, 'unpaid past its payment deadline', o.payment_deadline, false, o.paused_by, 0
      from orders o left join users u on u.id = o.user_id where o.status = 'created' and o.payment_deadline < now() - interval '2 minutes' and o.paused_at is null
    union all
    select o.id, o.status, coalesce(u.email, o.guest_email) as email, 'refund pending for more than 10 minutes', min(r.created_at), false, o.paused_by, 0
      from orders o left join users u on u.id = o.user_id join refunds r on r.order_id = o.id
      where r.status = 'pending' and not r.outside and r.created_at < now() - interval '10 minutes' group by o.id, o.status, u.email, o.guest_email, o.paused_by
    union all
    select o.id, o.status, coalesce(u.email, o.guest_email) as email, 'refund owed outside the gateway: pay the shopper, then record it', min(r.created_at), false, o.paused_by, 0
      from orders o left join users u on u.id = o.user_id join refunds r on r.order_id = o.id
      where r.status = 'pending' and r.outside group by o.id, o.status, u.email, o.guest_email, o.paused_by
    union all
    select o.id, o.status, coalesce(u.email, o.guest_email) as email, 'refund failed: ' || coalesce(max(r.failure_reason), 'refused by the gateway'), max(r.updated_at), false, o.paused_by, 0
      from orders o left join users u on u.id = o.user_id join refunds r on r.order_id = o.id
      where r.status = 'failed' and o.status = 'refund_pending' group by o.id, o.status, u.email, o.guest_email, o.paused_by
    union all
    select o.id, o.status, coalesce(u.email, o.guest_email) as email, 'money arrived for a checkout session the store never recorded (' || string_agg(distinct p.gateway_session_id, ', ') || '): refunded automatically', min(r.created_at), false, o.paused_by, 0
      from orders o left join users u on u.id = o.user_id join refunds r on r.order_id = o.id join payments p on p.id = r.payment_id
      where r.reason = 'unrecorded_payment' and r.created_at > now() - interval '7 days' group by o.id, o.status, u.email, o.guest_email, o.paused_by
    union all
    select o.id, o.status, coalesce(u.email, o.guest_email) as email, 'job failing: ' || string_agg(j.task || ' (attempt ' || j.attempts || ' of ' || j.max_attempts || ')', ', '), min(j.run_at), false, o.paused_by, 0
      from ${failingOrderJobs} j
      join orders o on o.id::text = j.order_id left join users u on u.id = o.user_id
      group by o.id, o.status, u.email, o.guest_email, o.paused_by
    order by rank desc, since limit ${limit}`);
  return rows.map(({ rank: _rank, ...r }) => ({ ...r, since: new Date(r.since).toISOString() }));
}

export type ShipByHandOrder = { id: string; email: string; reason: string; since: string; paused: boolean; address: string | null };

/**
 * The "ship by hand" queue: paid orders whose automatic fulfilment failed past
 * its retries (FULFILMENT_FAILED), oldest first. An operator sends the parcel
 * and marks it shipped (POST /api/admin/orders/:id/fulfil).
 */
export async function listShipByHandQueue(limit = 50): Promise<ShipByHandOrder[]> {
  const { db } = await getDb();
  const rows = await db.execute<{
    id: string;
    email: string;
    reason: string | null;
    since: Date;
    paused: boolean;
    address: string | null;
  }>(sql`
    select o.id, coalesce(u.email, o.guest_email) as email, o.ship_by_hand_reason as reason, o.ship_by_hand_at as since,
      o.paused_at is not null as paused,
      case when o.shipping_line1 is null then null
        else concat_ws(', ', o.shipping_name, o.shipping_line1, o.shipping_line2, o.shipping_city, o.shipping_postal_code, o.shipping_country) end as address
    from orders o left join users u on u.id = o.user_id
    where o.ship_by_hand_at is not null and o.status = 'paid'
    order by o.ship_by_hand_at limit ${limit}`);
  return rows.map((r) => ({ ...r, reason: r.reason ?? "the fulfilment job failed", since: new Date(r.since).toISOString() }));
}

export type OrderAutomation = {
  paused: { by: "admin" | "system"; reason: string; since: string } | null;
  /** In the "ship by hand" queue: paid, and the fulfilment job gave up. */
  shipByHand: { reason: string; since: string } | null;
  /** Awaiting payment, but the gateway was down (created.paymentDelayed): since when and why. */
  paymentDelay: PaymentDelayMark | null;
  /** Why the order is flagged for an operator (null: it is not). */
  attentionReason: string | null;
};

/** Whether and why automation on the order is paused, and whether people must ship it (the console's order page). */
export async function orderAutomationOf(orderId: string): Promise<OrderAutomation> {
  const { db } = await getDb();
  const [row] = await db.execute<{
    status: string;
    paused_by: "admin" | "system" | null;
    pause_reason: string | null;
    paused_at: Date | null;
    ship_by_hand_at: Date | null;
    ship_by_hand_reason: string | null;
    payment_delay: unknown;
    attention_reason: string | null;
  }>(sql`select status, paused_by, pause_reason, paused_at, ship_by_hand_at, ship_by_hand_reason, ${paymentDelayColumn} as payment_delay,
      case when needs_attention then attention_reason end as attention_reason
    from orders o where id = ${orderId}`);
  return {
    paused:
      row?.paused_by && row.paused_at
        ? { by: row.paused_by, reason: row.pause_reason ?? "", since: new Date(row.paused_at).toISOString() }
        : null,
    shipByHand:
      row?.status === "paid" && row.ship_by_hand_at
        ? { reason: row.ship_by_hand_reason ?? "the fulfilment job failed", since: new Date(row.ship_by_hand_at).toISOString() }
        : null,
    paymentDelay: paymentDelayOf(row?.payment_delay),
    attentionReason: row?.attention_reason ?? null,
  };
}

export type WebhookDelivery = { id: string; type: string; outcome: string; receivedAt: string };
export { listOrderJobs, type OrderJob } from "@/lib/worker/worker-tables";

/** Gateway events received for this order (by order or by one of its sessions). */
export async function listOrderWebhooks(orderId: string): Promise<WebhookDelivery[]> {
  const { db } = await getDb();
  const rows = await db.execute<SqlRow<typeof webhookEvents, "id" | "type" | "outcome" | "receivedAt">>(sql`
    select id, type, outcome, received_at from webhook_events
    where order_id = ${orderId} or gateway_session_id in (select gateway_session_id from payments where order_id = ${orderId})
    order by received_at`);
  return rows.map((r) => ({ id: r.id, type: r.type, outcome: r.outcome, receivedAt: new Date(r.received_at).toISOString() }));
}

export type EventLogEntry = {
  at: string;
  type: string;
  outcome: "applied" | "duplicate" | "ignored";
  source: string;
  fromState: string | null;
  toState: string;
  payload: Record<string, unknown>;
  requestId: string | null;
};

/**
 * The order's full log for operators: every applied event with its states,
 * source, payload and request id, and every event the machine refused
 * (duplicates and ignored ones), in the order they happened.
 */
export async function listOrderEventLog(orderId: string): Promise<EventLogEntry[]> {
  const { db } = await getDb();
  const rows = await db.execute<{
    at: Date;
    type: string;
    outcome: EventLogEntry["outcome"];
    source: string;
    from_state: string | null;
    to_state: string;
    payload: Record<string, unknown>;
    request_id: string | null;
  }>(sql`
    select created_at as at, type, 'applied' as outcome, source, from_state, to_state, payload, request_id
      from order_events where order_id = ${orderId}
    union all
    select created_at, event_type, outcome, source, state, state, machine_event, request_id
      from ignored_events where order_id = ${orderId}
    order by at`);
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    type: r.type,
    outcome: r.outcome,
    source: r.source,
    fromState: r.from_state,
    toState: r.to_state,
    payload: r.payload ?? {},
    requestId: r.request_id,
  }));
}

export type JobRun = {
  task: string;
  jobId: string;
  attempt: number;
  maxAttempts: number;
  outcome: string;
  error: string | null;
  durationMs: number;
  startedAt: string;
};

/** Every finished attempt of the order's jobs, newest first (lib/worker/define-task.ts records them). */
export async function listOrderJobRuns(orderId: string, limit = 100): Promise<JobRun[]> {
  const { db } = await getDb();
  const rows = await db.execute<
    SqlRow<typeof jobRuns, "task" | "jobId" | "attempt" | "maxAttempts" | "outcome" | "error" | "durationMs" | "startedAt">
  >(sql`
    select task, job_id, attempt, max_attempts, outcome, error, duration_ms, started_at
    from job_runs where order_id = ${orderId} order by id desc limit ${limit}`);
  return rows.map((r) => ({
    task: r.task,
    jobId: r.job_id,
    attempt: r.attempt,
    maxAttempts: r.max_attempts,
    outcome: r.outcome,
    error: r.error,
    durationMs: r.duration_ms,
    startedAt: new Date(r.started_at).toISOString(),
  }));
}

/** Orders automation gave up on: the console's banner. */
export async function countOrdersNeedingAttention(): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from orders where needs_attention`);
  return row?.n ?? 0;
}

/** The to-ship list's length: paid orders not shipped yet (whatever day they were placed). */
export async function countOrdersToShip(): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from orders where status = 'paid'`);
  return row?.n ?? 0;
}
