import { and, desc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import { getDb, type Executor } from "@/db";
import type { WritePipeline } from "@/db/batching";
import type { SqlRow } from "@/db/rows";
import { orders, payments, refunds, type PaymentStatus, type RefundStatus } from "@/db/schema";
import type { OrderTx } from "@/db/transaction";
import type { DisputeState } from "@/machines/order-types";

// The one module that writes payments, refunds, disputes and webhook_events
// (docs/ARCHITECTURE.md, "Who writes which table"), and the one place that
// reads them for the payment flows. Status changes come from the order
// machine's effects (lib/orders/effects.ts calls the writes below inside the
// dispatch transaction); the gateway's own ids are recorded here as they
// arrive. Hand-tuned statements keep their SQL, typed from db/schema.ts.

type PaymentRow<K extends keyof typeof payments.$inferSelect> = SqlRow<typeof payments, K>;
type RefundRow<K extends keyof typeof refunds.$inferSelect> = SqlRow<typeof refunds, K>;

const uuidArray = (values: string[]) => `{${values.join(",")}}`;

// --- The machine's effects (queued on the dispatch transaction's pipeline) ---

export function insertPayment(
  pipeline: WritePipeline,
  row: {
    id: string;
    orderId: string;
    status: PaymentStatus;
    amountCents: number;
    currency: string;
    sessionId: string | null;
    paymentIntentId: string | null;
    checkoutUrl: string | null;
  },
): void {
  pipeline.write(sql`
    insert into payments (id, order_id, status, amount_cents, currency, gateway_session_id, gateway_payment_intent_id, checkout_url)
    values (${row.id}, ${row.orderId}, ${row.status}, ${row.amountCents}, ${row.currency},
            ${row.sessionId}, ${row.paymentIntentId}, ${row.checkoutUrl})`);
}

export function setPaymentStatus(
  pipeline: WritePipeline,
  orderId: string,
  change: { paymentIds: string[]; status: PaymentStatus; reason?: string; paymentIntentId?: string; amountCents?: number },
): void {
  if (change.paymentIds.length === 0) return;
  // amountCents: what a completed payment took (the session's total, with shipping, tax and discounts).
  pipeline.write(sql`
    update payments set status = ${change.status}, failure_reason = coalesce(${change.reason ?? null}, failure_reason),
      amount_cents = coalesce(${change.amountCents ?? null}::int, amount_cents),
      gateway_payment_intent_id = coalesce(${change.paymentIntentId ?? null}, gateway_payment_intent_id), updated_at = now()
    where order_id = ${orderId} and id = any(${uuidArray(change.paymentIds)}::uuid[])`);
}

export function insertRefund(
  pipeline: WritePipeline,
  row: { id: string; orderId: string; paymentId: string; amountCents: number; currency: string; reason: string; outside?: boolean },
): void {
  // The payment holds the refund in the same statement: its CHECK refuses more than was taken.
  pipeline.write(sql`
    with refund as (
      insert into refunds (id, order_id, payment_id, status, amount_cents, currency, reason, outside)
      values (${row.id}, ${row.orderId}, ${row.paymentId}, 'pending', ${row.amountCents}, ${row.currency}, ${row.reason}, ${row.outside ?? false})
      returning payment_id, amount_cents)
    update payments p set refunded_cents = p.refunded_cents + refund.amount_cents, updated_at = now()
    from refund where p.id = refund.payment_id`);
}

export function setRefundStatus(
  pipeline: WritePipeline,
  orderId: string,
  change: { refundId: string; status: RefundStatus; reason?: string; reference?: string; amountCents?: number },
): void {
  // A refund that failed gives its amount back to the payment (only once: from pending); one settled for
  // less than it held (paid outside the gateway, cut to what was left) gives back the difference.
  pipeline.write(sql`
    with refund as (
      update refunds r set status = ${change.status}, failure_reason = coalesce(${change.reason ?? null}, r.failure_reason),
        outside_reference = coalesce(${change.reference ?? null}, r.outside_reference),
        amount_cents = coalesce(${change.amountCents ?? null}::int, r.amount_cents), updated_at = now()
      from (select id, status as was, amount_cents as held from refunds where order_id = ${orderId} and id = ${change.refundId} for update) old
      where r.id = old.id
      returning r.payment_id, r.amount_cents, old.was, old.held)
    update payments p set updated_at = now(), refunded_cents = p.refunded_cents
        - case when ${change.status}::text = 'failed' and refund.was <> 'failed' then refund.held else refund.held - refund.amount_cents end
    from refund where p.id = refund.payment_id
      and ((${change.status}::text = 'failed' and refund.was <> 'failed') or refund.held <> refund.amount_cents)`);
}

/**
 * A dispute as the machine now knows it (recordDispute): inserted on first
 * news, updated after; closed_at is when it was decided (the sales report's day for money lost).
 */
export function saveDispute(pipeline: WritePipeline, orderId: string, dispute: DisputeState, currency: string): void {
  const evidenceDueBy = dispute.evidenceDueBy === null ? null : new Date(dispute.evidenceDueBy).toISOString();
  pipeline.write(sql`
    insert into disputes (id, order_id, payment_id, amount_cents, currency, reason, gateway_status, outcome, evidence_due_by, closed_at)
    values (${dispute.id}, ${orderId}, ${dispute.paymentId}, ${dispute.amountCents}, ${currency}, ${dispute.reason}, ${dispute.status},
            ${dispute.outcome}, ${evidenceDueBy}::timestamptz, case when ${dispute.outcome} = 'open' then null else now() end)
    on conflict (id) do update set amount_cents = excluded.amount_cents, reason = excluded.reason, gateway_status = excluded.gateway_status,
      outcome = excluded.outcome, evidence_due_by = excluded.evidence_due_by,
      closed_at = case when excluded.outcome = 'open' then null else coalesce(disputes.closed_at, now()) end, updated_at = now()
    where disputes.order_id = ${orderId}`);
}

// --- Payments ---

/** An order's payment attempts, oldest first (the order pages). */
export async function paymentsOfOrder(db: Executor, orderId: string) {
  return db.execute<PaymentRow<"id" | "status" | "amountCents" | "createdAt" | "failureReason">>(sql`
    select id, status, amount_cents, created_at, failure_reason from payments where order_id = ${orderId} order by created_at, id`);
}

/** An order's refunds, oldest first (the order pages). */
export async function refundsOfOrder(db: Executor, orderId: string) {
  return db.execute<RefundRow<"id" | "status" | "amountCents" | "reason" | "createdAt" | "outside" | "outsideReference">>(sql`
    select id, status, amount_cents, reason, created_at, outside, outside_reference from refunds where order_id = ${orderId} order by created_at, id`);
}

export type KnownPayment = PaymentRow<"id" | "orderId" | "status">;

/** The payment recorded for a gateway session, if any. */
export async function paymentOfSession(sessionId: string, otx?: OrderTx): Promise<KnownPayment | undefined> {
  const query = sql`select id, order_id, status from payments where gateway_session_id = ${sessionId}`;
  const [payment] = otx ? await otx.pipeline.read<KnownPayment>(query) : await (await getDb()).db.execute<KnownPayment>(query);
  return payment;
}

export async function paymentById(paymentId: string, otx: OrderTx): Promise<PaymentRow<"id" | "orderId"> | undefined> {
  const [payment] = await otx.pipeline.read<PaymentRow<"id" | "orderId">>(sql`select id, order_id from payments where id = ${paymentId}`);
  return payment;
}

/** The payment a gateway payment intent belongs to (a dispute names the intent of the disputed charge). */
export async function paymentOfIntent(paymentIntentId: string, otx: OrderTx): Promise<PaymentRow<"id" | "orderId"> | undefined> {
  const [payment] = await otx.pipeline.read<PaymentRow<"id" | "orderId">>(
    sql`select id, order_id from payments where gateway_payment_intent_id = ${paymentIntentId} order by created_at limit 1`,
  );
  return payment;
}

/**
 * A shopper's payment by its session (theirs, or of the guest order whose link
 * they hold): another shopper's session is as unknown as a made-up one.
 */
export async function paymentOfSessionForUser(
  viewer: string | { userId: string | null; guestOrderId?: string | null },
  sessionId: string,
): Promise<PaymentRow<"id" | "orderId"> | undefined> {
  const { userId, guestOrderId } = typeof viewer === "string" ? { userId: viewer, guestOrderId: null } : viewer;
  const { db } = await getDb();
  const own = userId ? eq(orders.userId, userId) : sql`false`;
  const guest = guestOrderId ? and(eq(orders.id, guestOrderId), isNotNull(orders.guestEmail)) : sql`false`;
  const [payment] = await db
    .select({ id: payments.id, order_id: payments.orderId })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(and(eq(payments.gatewaySessionId, sessionId), or(own, guest)));
  return payment;
}

export async function sessionOfPayment(paymentId: string): Promise<string | null> {
  const { db } = await getDb();
  const [payment] = await db.select({ sessionId: payments.gatewaySessionId }).from(payments).where(eq(payments.id, paymentId));
  return payment?.sessionId ?? null;
}

/** The order's newest pending attempt ("Pay now" hands its page back while it can be paid). */
export async function pendingPaymentOfOrder(orderId: string) {
  const { db } = await getDb();
  const [pending] = await db
    .select({ id: payments.id, checkoutUrl: payments.checkoutUrl, sessionId: payments.gatewaySessionId })
    .from(payments)
    .where(and(eq(payments.orderId, orderId), eq(payments.status, "pending")))
    .orderBy(desc(payments.createdAt))
    .limit(1);
  return pending;
}

/** Sessions of an unpaid order that may still take money: pending or declined attempts. */
export async function openSessionsOfUnpaidOrder(orderId: string): Promise<string[]> {
  const { db } = await getDb();
  const rows = await db
    .select({ sessionId: payments.gatewaySessionId })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(
      and(
        eq(payments.orderId, orderId),
        eq(orders.status, "created"),
        inArray(payments.status, ["pending", "failed"]),
        isNotNull(payments.gatewaySessionId),
      ),
    )
    .orderBy(payments.createdAt);
  return rows.map((r) => r.sessionId!);
}

/** The reconciler's batch: recent sessions of open or cancelled orders whose outcome no webhook brought. */
export async function quietSessions(limit: number): Promise<string[]> {
  const { db } = await getDb();
  const rows = await db.execute<PaymentRow<"gatewaySessionId">>(sql`
    select p.gateway_session_id from payments p join orders o on o.id = p.order_id
    where o.status in ('created', 'cancelled') and p.status in ('pending', 'failed', 'cancelled', 'timeout')
      and p.gateway_session_id is not null and p.created_at < now() - interval '10 seconds'
      -- A Checkout Session lives at most 24 hours.
      and p.created_at > now() - interval '25 hours'
    order by p.created_at desc limit ${limit}`);
  return rows.map((r) => r.gateway_session_id!);
}

/** Of these sessions, the ones the store holds as paid or refunded (nothing more to learn). */
export async function settledSessions(sessionIds: string[]): Promise<Set<string>> {
  const { db } = await getDb();
  const done = await db.execute<PaymentRow<"gatewaySessionId">>(sql`
    select gateway_session_id from payments
    where gateway_session_id = any(${`{${sessionIds.join(",")}}`}::text[]) and status in ('paid', 'refunded')`);
  return new Set(done.map((row) => row.gateway_session_id!));
}

// --- Refunds ---

export type RefundToSend = RefundRow<"id" | "orderId" | "status" | "amountCents" | "gatewayRefundId" | "outside"> & {
  payment_intent_id: string | null;
  session_id: string | null;
};

/** A refund with what the gateway needs to send it (the payment's intent or session). */
export async function refundToSend(refundId: string): Promise<RefundToSend | undefined> {
  const { db } = await getDb();
  const [row] = await db.execute<RefundToSend>(sql`
    select r.id, r.order_id, r.status, r.amount_cents, r.gateway_refund_id, r.outside,
           p.gateway_payment_intent_id as payment_intent_id, p.gateway_session_id as session_id
    from refunds r join payments p on p.id = r.payment_id where r.id = ${refundId}`);
  return row;
}

/** A refund a gateway event names: by our id (its metadata) or the gateway's. */
export async function refundOfGatewayRefund(
  otx: OrderTx,
  refundId: string | null | undefined,
  gatewayRefundId: string,
): Promise<RefundRow<"id" | "orderId"> | undefined> {
  const [row] = await otx.pipeline.read<RefundRow<"id" | "orderId">>(sql`
    select id, order_id from refunds where id::text = ${refundId ?? ""} or gateway_refund_id = ${gatewayRefundId} limit 1`);
  return row;
}

/** The gateway's id for our refund, the first time we hear it (the reconciler's five minutes run from then). */
export function recordGatewayRefundId(pipeline: WritePipeline, refundId: string, gatewayRefundId: string): void {
  pipeline.write(
    // (never on a refund owed outside the gateway: the gateway never had it, whatever an event claims)
    sql`update refunds set gateway_refund_id = ${gatewayRefundId}, updated_at = now() where id = ${refundId} and gateway_refund_id is null and not outside`,
  );
}

/** Refunds the gateway still calls pending after a while: the reconciler polls them. */
export async function stalePendingRefunds(limit: number): Promise<RefundRow<"id" | "orderId" | "gatewayRefundId">[]> {
  const { db } = await getDb();
  return db.execute<RefundRow<"id" | "orderId" | "gatewayRefundId">>(sql`
    select id, order_id, gateway_refund_id from refunds
    where status = 'pending' and gateway_refund_id is not null and not outside and updated_at < now() - interval '5 minutes'
    order by updated_at limit ${limit}`);
}

// --- Webhook events ---

/**
 * Records a gateway event's id and payload; false when it was already recorded (a redelivery).
 * `payloadJson` is the event as JSON text: the webhook's verified body as it came, not parsed and serialised again.
 */
/**
 * Inserts a gateway event's row: true when it is new, false when the event
 * was recorded before (a redelivery). Sent at once; the answer comes with
 * whatever the caller sends next (WritePipeline.ask), so a webhook's event
 * row and its order lock cost one round trip.
 */
export function recordWebhookEvent(otx: OrderTx, event: { id: string; type: string; payloadJson: string }): Promise<boolean> {
  return otx.pipeline
    .ask(
      sql`
    insert into webhook_events (id, type, outcome, payload) values (${event.id}, ${event.type}, 'received', ${event.payloadJson}::json)
    on conflict (id) do nothing returning id`,
    )
    .then((inserted) => inserted.length > 0);
}

export function setWebhookOutcome(
  pipeline: WritePipeline,
  eventId: string,
  row: { outcome: string; orderId?: string; sessionId?: string },
): void {
  pipeline.write(sql`
    update webhook_events set outcome = ${row.outcome}, order_id = ${row.orderId ?? null}, gateway_session_id = ${row.sessionId ?? null} where id = ${eventId}`);
}
