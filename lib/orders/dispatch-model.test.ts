import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { transition } from "xstate";
import { getDb, type Tx } from "@/db";
import { withOrderTransaction } from "@/db/transaction";
import { refundedCents } from "@/machines/line-amounts";
import { heldByDispute } from "@/machines/order-context";
import { orderMachine } from "@/machines/order-machine";
import { statePath, statusOf, type OrderSnapshot } from "@/machines/order-status";
import type { LineItem, OrderEvent } from "@/machines/order-types";
import { createBook, createUser, eventTypes, jobKeys, orderRow, stockOf } from "@/test/fixtures";
import {
  BEFORE_DEADLINE,
  distinctTransitions,
  MAX_REFUND_ATTEMPTS,
  MODEL_BOOK,
  modelEvents,
  pathsToEveryLeafState,
  runPure,
  unrecordedPaymentEvents,
} from "@/test/order-model";
import { dispatch } from "./dispatch";
import { placeOrder } from "./place-order";
import type { OrderEventInput } from "./types";

// Model-based tests: every distinct transition of the machine (from
// @xstate/graph) is driven through the real dispatch on a real database, and
// the database is checked against the pure machine after every step.

const STOCK = 10;
const QTY = 2;

/** userId: the shopper who placed it (null: a guest, by e-mail address). */
type Run = { orderId: string; bookId: number; userId: string | null; ids: Map<string, string>; pure: OrderSnapshot; events: string[] };

const realId = (run: Run, id: string) => {
  if (!run.ids.has(id)) run.ids.set(id, randomUUID());
  return run.ids.get(id)!;
};

function toInput(run: Run, event: OrderEvent): OrderEventInput {
  const mapped: Record<string, unknown> = { ...event };
  for (const key of ["paymentId", "refundId", "retryRefundId", "sessionId", "returnId", "disputeId"]) {
    const value = mapped[key];
    if (typeof value === "string") mapped[key] = realId(run, value);
  }
  return mapped as OrderEventInput;
}

/**
 * The model's events name its book (checkoutEvent(MODEL_BOOK)); each run has a book of its own: lines refunded,
 * returned or restocked name the run's book. (Named as the model's, they were refused: not on the order.)
 */
function withRunBook(run: Run, event: OrderEvent): OrderEvent {
  const mapped: Record<string, unknown> = { ...event };
  for (const key of ["lines", "restock"]) {
    const lines = mapped[key];
    if (Array.isArray(lines)) mapped[key] = lines.map((l: LineItem) => (l.bookId === MODEL_BOOK ? { ...l, bookId: run.bookId } : l));
  }
  return mapped as OrderEvent;
}

const expectedStock: Record<string, (q: number, r: number) => { available: number; reserved: number; sold: number; received: number }> = {
  reserved: (q) => ({ available: STOCK - q, reserved: q, sold: 0, received: STOCK }),
  sold: (q) => ({ available: STOCK - q, reserved: 0, sold: q, received: STOCK }),
  // Returned copies put back on the shelf (r) are available again; the rest stay sold (written off).
  shipped: (q, r) => ({ available: STOCK - q + r, reserved: 0, sold: q - r, received: STOCK }),
  released: () => ({ available: STOCK, reserved: 0, sold: 0, received: STOCK }),
  returned: () => ({ available: STOCK, reserved: 0, sold: 0, received: STOCK }),
};

async function checkDatabase(run: Run): Promise<void> {
  const { db } = await getDb();
  const c = run.pure.context;
  const row = await orderRow(run.orderId);
  expect(row.status).toBe(statusOf(run.pure));
  // The money on the row is the machine's: the sale once paid, the books before; and it adds up.
  expect(row.total_cents).toBe(c.totalCents);
  expect(row.total_cents).toBe(row.subtotal_cents - row.discount_cents + row.shipping_cents + row.tax_cents);
  expect([row.shipping_cents, row.tax_cents, row.discount_cents, row.shipping_method, row.shipping_country, row.promotion_code]).toEqual(
    c.sale
      ? [
          c.sale.shippingCents,
          c.sale.taxCents,
          c.sale.discountCents,
          c.sale.shippingMethod,
          c.sale.address?.country ?? null,
          c.sale.promotionCode,
        ]
      : [0, 0, 0, null, null, null],
  );
  const payments = await db.execute<{ id: string; status: string; amount_cents: number }>(
    sql`select id, status, amount_cents from payments where order_id = ${run.orderId}`,
  );
  expect(Object.fromEntries(payments.map((p) => [p.id, `${p.status} ${p.amount_cents}`]))).toEqual(
    Object.fromEntries(c.payments.map((p) => [realId(run, p.id), `${p.status} ${p.amountCents}`])),
  );
  // A refund owed outside the gateway is marked so; how an operator paid it is kept once it is paid.
  const refunds = await db.execute<{
    id: string;
    status: string;
    outside: boolean;
    reference: string | null;
    gateway_refund_id: string | null;
  }>(sql`select id, status, outside, outside_reference as reference, gateway_refund_id from refunds where order_id = ${run.orderId}`);
  expect(Object.fromEntries(refunds.map((r) => [r.id, `${r.status}${r.outside ? " outside" : ""}${r.reference ? " paid" : ""}`]))).toEqual(
    Object.fromEntries(
      c.refunds.map((r) => [
        realId(run, r.id),
        `${r.status}${r.outside ? " outside" : ""}${r.outside && r.status === "succeeded" ? " paid" : ""}`,
      ]),
    ),
  );
  // Never at the gateway: no gateway refund, and no refund job (below).
  for (const r of refunds.filter((r) => r.outside)) expect(r.gateway_refund_id).toBeNull();
  // Copies refunded before shipping are back on the shelf; the rest is where the order's stock state says.
  // Returned copies put back after delivery are available again.
  const restocked = c.restocked.reduce((sum, l) => sum + l.quantity, 0);
  const returnedToShelf = c.returns.flatMap((r) => r.restocked).reduce((sum, l) => sum + l.quantity, 0);
  expect(await stockOf(run.bookId)).toEqual(expectedStock[c.stock]!(c.stock === "returned" ? QTY : QTY - restocked, returnedToShelf));
  // Money: each payment holds exactly its pending and succeeded refunds (the machine's too), never more than it took.
  const held = await db.execute<{ id: string; amount_cents: number; refunded_cents: number; refunds: number }>(sql`
    select p.id, p.amount_cents, p.refunded_cents,
      coalesce((select sum(r.amount_cents) from refunds r where r.payment_id = p.id and r.status in ('pending', 'succeeded')), 0)::int as refunds
    from payments p where p.order_id = ${run.orderId}`);
  // Given back (by the gateway or outside it) and lost in disputes: never more than the payment took, all of
  // it once the payment is refunded, and all of every payment's once the order is.
  const back = await db.execute<{ id: string; amount_cents: number; status: string; succeeded: number; lost: number }>(sql`
    select p.id, p.amount_cents, p.status,
      coalesce((select sum(r.amount_cents) from refunds r where r.payment_id = p.id and r.status = 'succeeded'), 0)::int as succeeded,
      coalesce((select sum(d.amount_cents) from disputes d where d.payment_id = p.id and d.outcome = 'lost'), 0)::int as lost
    from payments p where p.order_id = ${run.orderId} and p.status in ('paid', 'refunded')`);
  for (const p of back) {
    expect(p.succeeded + p.lost, `payment ${p.id}: refunded ${p.succeeded} + lost ${p.lost}`).toBeLessThanOrEqual(p.amount_cents);
    if (p.status === "refunded" || statusOf(run.pure) === "refunded") expect(p.succeeded + p.lost).toBe(p.amount_cents);
  }
  for (const p of held) {
    expect(p.refunded_cents).toBe(p.refunds);
    expect(p.refunded_cents).toBeLessThanOrEqual(p.amount_cents);
    const pure = c.payments.find((q) => realId(run, q.id) === p.id)!;
    if (pure.status === "paid" || pure.status === "refunded") {
      const pending = c.refunds.filter((r) => r.paymentId === pure.id && r.status === "pending").reduce((s, r) => s + r.amountCents, 0);
      expect(p.refunded_cents).toBe(refundedCents(c, pure.id) + pending);
    }
  }
  const returns = await db.execute<{ id: string; status: string; refund_cents: number }>(
    sql`select id, status, refund_cents from order_returns where order_id = ${run.orderId}`,
  );
  expect(Object.fromEntries(returns.map((r) => [r.id, `${r.status} ${r.refund_cents}`]))).toEqual(
    Object.fromEntries(c.returns.map((r) => [realId(run, r.id), `${r.status} ${r.refundCents}`])),
  );
  expect(await eventTypes(run.orderId)).toEqual(run.events);
  // What a partial order left out is the machine's, on the stored snapshot and in the audit trail.
  const [stored] = await db.execute<{ left_out: unknown; logged: unknown }>(sql`
    select machine_snapshot->'context'->'leftOut' as left_out,
      (select payload->'leftOut' from order_events where order_id = ${run.orderId} and type = 'OrderCreated') as logged
    from orders where id = ${run.orderId}`);
  expect([stored!.left_out, stored!.logged]).toEqual([c.leftOut ?? null, c.leftOut ?? null]);
  // Who holds the order: the shopper, or for a guest's order nobody until an account claims it.
  const [owner] = await db.execute<{ user_id: string | null }>(sql`select user_id from orders where id = ${run.orderId}`);
  expect(owner!.user_id).toBe(run.userId ?? c.claimedBy ?? null);
  const keys = await jobKeys(run.orderId);
  const timer = keys.includes(`payment-timeout:${run.orderId}`);
  if (statusOf(run.pure) === "created") expect(timer).toBe(true);
  if (c.paidPaymentId || c.cancelReason === "user") expect(timer).toBe(false);
  // The warehouse job waits only while the order is paid and not yet shipped, refunded, short, held by a dispute
  // or handed to people (the "ship by hand" queue). A paused order keeps its jobs: they find it paused and wait.
  expect(keys.includes(`fulfil:${run.orderId}`)).toBe(statePath(run.pure) === "settled.paid" && !heldByDispute(c) && !c.shipByHand);
  // The console's copy of the pause and of the queue (recordPause, recordShipByHand).
  const [automation] = await db.execute<{ paused_by: string | null; pause_reason: string | null; hand: boolean }>(
    sql`select paused_by, pause_reason, ship_by_hand_at is not null as hand from orders where id = ${run.orderId}`,
  );
  expect([automation!.paused_by, automation!.pause_reason]).toEqual([c.paused?.by ?? null, c.paused?.reason ?? null]);
  if (c.shipByHand) expect(automation!.hand).toBe(true);
  const disputes = await db.execute<{ id: string; outcome: string; gateway_status: string; amount_cents: number; closed: boolean }>(
    sql`select id, outcome, gateway_status, amount_cents, closed_at is not null as closed from disputes where order_id = ${run.orderId}`,
  );
  expect(Object.fromEntries(disputes.map((d) => [d.id, `${d.outcome} ${d.gateway_status} ${d.amount_cents} ${d.closed}`]))).toEqual(
    Object.fromEntries(c.disputes.map((d) => [realId(run, d.id), `${d.outcome} ${d.status} ${d.amountCents} ${d.outcome !== "open"}`])),
  );
  // Every gateway refund has its job; one owed outside the gateway never has (an operator pays it).
  for (const refund of c.refunds) expect(keys.includes(`refund:${realId(run, refund.id)}`)).toBe(!refund.outside);
  const outsideIds = `{${c.refunds
    .filter((r) => r.outside)
    .map((r) => realId(run, r.id))
    .join(",")}}`;
  const [sent] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'refund_payment' and j.payload->>'refundId' = any(${outsideIds}::text[])`);
  expect(sent!.n).toBe(0);
  // A delayed payment has its gateway probe, and only while delayed (leaving the state removes it).
  expect(keys.includes(`gateway-probe:${run.orderId}`)).toBe(statePath(run.pure) === "created.paymentDelayed");
  expect(c.paymentDelay !== null).toBe(statePath(run.pure) === "created.paymentDelayed");
  // A requested return waits for its parcel with an expiry job; a received or rejected one has none. (An expired
  // one was expired by that job, which ends as it reports it; here the test reported it, and the job stays.)
  for (const r of c.returns.filter((r) => r.status !== "expired"))
    expect(keys.includes(`return-expiry:${realId(run, r.id)}`)).toBe(r.status === "requested");
}

async function step(run: Run, modelEvent: OrderEvent): Promise<void> {
  const event = withRunBook(run, modelEvent);
  const [next, actions] = transition(orderMachine, run.pure, event);
  const accepted = run.pure.can(event);
  const result = await dispatch(run.orderId, toInput(run, event), "system");
  expect(result.outcome).toBe(accepted ? "accepted" : result.outcome === "duplicate" ? "duplicate" : "ignored");
  if (accepted) {
    run.pure = next;
    for (const action of actions) {
      if (action.type === "recordEvent") run.events.push((action.params as { type: string }).type);
    }
  }
  await checkDatabase(run);
}

/** partial: the cart also asked for a book with no copies, and the shopper agreed to leave it out. */
async function startRun(options: { guest?: boolean; partial?: boolean } = {}): Promise<Run> {
  const userId = options.guest ? null : await createUser();
  const guestEmail = `guest-${randomUUID()}@test.example`;
  const bookId = await createBook(STOCK);
  const gone = options.partial ? await createBook(0) : null;
  const result = await placeOrder({
    userId,
    ...(userId ? {} : { guest: { email: guestEmail, cartId: randomUUID() } }),
    items: [{ bookId, quantity: QTY }, ...(gone ? [{ bookId: gone, quantity: 1 }] : [])],
    now: 0,
    offerShipping: true,
    partial: options.partial,
  });
  const run: Run = { orderId: result.orderId, bookId, userId, ids: new Map(), pure: runPure([]), events: [] };
  const checkout = {
    ...modelEvents(run.pure)[0]!,
    items: [{ bookId, quantity: QTY, unitPriceCents: 1299 }],
    ...(userId ? {} : { guestEmail }),
    ...(gone ? { leftOut: [{ bookId: gone, title: await titleOf(gone), requested: 1, ordered: 0 }] } : {}),
  } as OrderEvent;
  const [next] = transition(orderMachine, run.pure, checkout);
  run.pure = next;
  run.events.push("OrderCreated");
  await checkDatabase(run);
  return run;
}

async function titleOf(bookId: number): Promise<string> {
  const { db } = await getDb();
  const [book] = await db.execute<{ title: string }>(sql`select title from books where id = ${bookId}`);
  return book!.title;
}

/** The events of a path from the model, each accepted as it was by the model. */
async function replay(events: OrderEvent[], options: { guest?: boolean; partial?: boolean } = {}): Promise<Run> {
  const run = await startRun(options);
  for (const event of events.slice(1)) {
    expect(run.pure.can(withRunBook(run, event)), event.type).toBe(true);
    await step(run, event);
  }
  return run;
}

// Every distinct transition (source state --event--> target state [effects]),
// pinned: a lost path, a changed guard or a changed effect fails here first,
// and a new path is added to this list on purpose.
const KNOWN_TRANSITIONS = [
  "created.awaitingPayment --CANCEL--> settled.cancelled [cancelTimeout,expireCheckoutSessions,recordEvent,releaseStock,sendEmail,setPaymentStatus]",
  "created.awaitingPayment --PAUSE--> created.awaitingPayment [recordEvent,recordPause]",
  "created.awaitingPayment --PAYMENT_DELAYED--> created.paymentDelayed [recordEvent,scheduleGatewayProbe]",
  "created.awaitingPayment --PAYMENT_SUCCEEDED--> created.paymentFailed [createRefund,flagForOperator,recordEvent,refundPayment,sendEmail,setPaymentStatus]",
  "created.awaitingPayment --PAYMENT_SUCCEEDED--> settled.paid [cancelTimeout,clearCart,commitStock,expireCheckoutSessions,recordEvent,recordSale,sendEmail,setPaymentStatus,startFulfilment]",
  "created.awaitingPayment --REFUND_FAILED--> created.awaitingPayment [createRefund,recordEvent,refundPayment,setRefundStatus]",
  "created.awaitingPayment --REFUND_FAILED--> created.awaitingPayment [flagForOperator,recordEvent,setPaymentStatus,setRefundStatus]",
  "created.awaitingPayment --REFUND_FAILED--> created.awaitingPayment [flagForOperator,recordEvent,setRefundStatus]",
  "created.awaitingPayment --REFUND_SUCCEEDED--> created.awaitingPayment [recordEvent,setPaymentStatus,setRefundStatus]",
  "created.awaitingPayment --RESUME--> created.awaitingPayment [recordEvent,recordPause,scheduleTimeout]",
  "created.awaitingPayment --START_PAYMENT--> created.paying [createCheckoutSession,createPayment,expireCheckoutSessions,recordEvent,setPaymentStatus]",
  "created.awaitingPayment --TIMEOUT--> settled.cancelled [expireCheckoutSessions,recordEvent,releaseStock,sendEmail,setPaymentStatus]",
  "created.paying --CANCEL--> settled.cancelled [cancelTimeout,expireCheckoutSessions,recordEvent,releaseStock,sendEmail,setPaymentStatus]",
  "created.paying --PAUSE--> created.paying [recordEvent,recordPause]",
  "created.paying --PAYMENT_CANCELLED--> created.paymentCancelled [expireCheckoutSessions,recordEvent,setPaymentStatus]",
  "created.paying --PAYMENT_FAILED--> created.paymentFailed [recordEvent,sendEmail,setPaymentStatus]",
  "created.paying --PAYMENT_SUCCEEDED--> created.paymentFailed [createRefund,flagForOperator,recordEvent,refundPayment,sendEmail,setPaymentStatus]",
  "created.paying --PAYMENT_SUCCEEDED--> settled.paid [cancelTimeout,clearCart,commitStock,expireCheckoutSessions,recordEvent,recordSale,sendEmail,setPaymentStatus,startFulfilment]",
  "created.paying --REFUND_FAILED--> created.paying [createRefund,recordEvent,refundPayment,setRefundStatus]",
  "created.paying --REFUND_FAILED--> created.paying [flagForOperator,recordEvent,setPaymentStatus,setRefundStatus]",
  "created.paying --REFUND_FAILED--> created.paying [flagForOperator,recordEvent,setRefundStatus]",
  "created.paying --REFUND_SUCCEEDED--> created.paying [recordEvent,setPaymentStatus,setRefundStatus]",
  "created.paying --RESUME--> created.paying [recordEvent,recordPause,scheduleTimeout]",
  "created.paying --START_PAYMENT--> created.paying [createCheckoutSession,createPayment,expireCheckoutSessions,recordEvent,setPaymentStatus]",
  "created.paying --TIMEOUT--> settled.cancelled [expireCheckoutSessions,recordEvent,releaseStock,sendEmail,setPaymentStatus]",
  "created.paymentCancelled --CANCEL--> settled.cancelled [cancelTimeout,expireCheckoutSessions,recordEvent,releaseStock,sendEmail,setPaymentStatus]",
  "created.paymentCancelled --PAUSE--> created.paymentCancelled [recordEvent,recordPause]",
  "created.paymentCancelled --PAYMENT_DELAYED--> created.paymentDelayed [recordEvent,scheduleGatewayProbe]",
  "created.paymentCancelled --PAYMENT_SUCCEEDED--> created.paymentFailed [createRefund,flagForOperator,recordEvent,refundPayment,sendEmail,setPaymentStatus]",
  "created.paymentCancelled --PAYMENT_SUCCEEDED--> settled.paid [cancelTimeout,clearCart,commitStock,expireCheckoutSessions,recordEvent,recordSale,sendEmail,setPaymentStatus,startFulfilment]",
  "created.paymentCancelled --REFUND_FAILED--> created.paymentCancelled [createRefund,recordEvent,refundPayment,setRefundStatus]",
  "created.paymentCancelled --REFUND_FAILED--> created.paymentCancelled [flagForOperator,recordEvent,setPaymentStatus,setRefundStatus]",
  "created.paymentCancelled --REFUND_FAILED--> created.paymentCancelled [flagForOperator,recordEvent,setRefundStatus]",
  "created.paymentCancelled --REFUND_SUCCEEDED--> created.paymentCancelled [recordEvent,setPaymentStatus,setRefundStatus]",
  "created.paymentCancelled --RESUME--> created.paymentCancelled [recordEvent,recordPause,scheduleTimeout]",
  "created.paymentCancelled --START_PAYMENT--> created.paying [createCheckoutSession,createPayment,expireCheckoutSessions,recordEvent,setPaymentStatus]",
  "created.paymentCancelled --TIMEOUT--> settled.cancelled [expireCheckoutSessions,recordEvent,releaseStock,sendEmail,setPaymentStatus]",
  "created.paymentDelayed --CANCEL--> settled.cancelled [cancelGatewayProbe,cancelTimeout,expireCheckoutSessions,recordEvent,releaseStock,sendEmail,setPaymentStatus]",
  "created.paymentDelayed --GATEWAY_BACK--> created.awaitingPayment [cancelGatewayProbe,recordEvent,sendEmail]",
  "created.paymentDelayed --PAUSE--> created.paymentDelayed [recordEvent,recordPause]",
  "created.paymentDelayed --PAYMENT_SUCCEEDED--> created.paymentFailed [cancelGatewayProbe,createRefund,flagForOperator,recordEvent,refundPayment,sendEmail,setPaymentStatus]",
  "created.paymentDelayed --PAYMENT_SUCCEEDED--> settled.paid [cancelGatewayProbe,cancelTimeout,clearCart,commitStock,expireCheckoutSessions,recordEvent,recordSale,sendEmail,setPaymentStatus,startFulfilment]",
  "created.paymentDelayed --REFUND_FAILED--> created.paymentDelayed [createRefund,recordEvent,refundPayment,setRefundStatus]",
  "created.paymentDelayed --REFUND_FAILED--> created.paymentDelayed [flagForOperator,recordEvent,setPaymentStatus,setRefundStatus]",
  "created.paymentDelayed --REFUND_FAILED--> created.paymentDelayed [flagForOperator,recordEvent,setRefundStatus]",
  "created.paymentDelayed --REFUND_SUCCEEDED--> created.paymentDelayed [recordEvent,setPaymentStatus,setRefundStatus]",
  "created.paymentDelayed --RESUME--> created.paymentDelayed [recordEvent,recordPause,scheduleGatewayProbe,scheduleTimeout]",
  "created.paymentDelayed --START_PAYMENT--> created.paying [cancelGatewayProbe,createCheckoutSession,createPayment,expireCheckoutSessions,recordEvent,setPaymentStatus]",
  "created.paymentDelayed --TIMEOUT--> settled.cancelled [cancelGatewayProbe,expireCheckoutSessions,recordEvent,releaseStock,sendEmail,setPaymentStatus]",
  "created.paymentFailed --CANCEL--> settled.cancelled [cancelTimeout,expireCheckoutSessions,recordEvent,releaseStock,sendEmail,setPaymentStatus]",
  "created.paymentFailed --PAUSE--> created.paymentFailed [recordEvent,recordPause]",
  "created.paymentFailed --PAYMENT_CANCELLED--> created.paymentCancelled [expireCheckoutSessions,recordEvent,setPaymentStatus]",
  "created.paymentFailed --PAYMENT_DELAYED--> created.paymentDelayed [recordEvent,scheduleGatewayProbe]",
  "created.paymentFailed --PAYMENT_SUCCEEDED--> created.paymentFailed [createRefund,flagForOperator,recordEvent,refundPayment,sendEmail,setPaymentStatus]",
  "created.paymentFailed --PAYMENT_SUCCEEDED--> settled.paid [cancelTimeout,clearCart,commitStock,expireCheckoutSessions,recordEvent,recordSale,sendEmail,setPaymentStatus,startFulfilment]",
  "created.paymentFailed --REFUND_FAILED--> created.paymentFailed [createRefund,recordEvent,refundPayment,setRefundStatus]",
  "created.paymentFailed --REFUND_FAILED--> created.paymentFailed [flagForOperator,recordEvent,setPaymentStatus,setRefundStatus]",
  "created.paymentFailed --REFUND_FAILED--> created.paymentFailed [flagForOperator,recordEvent,setRefundStatus]",
  "created.paymentFailed --REFUND_SUCCEEDED--> created.paymentFailed [recordEvent,setPaymentStatus,setRefundStatus]",
  "created.paymentFailed --RESUME--> created.paymentFailed [recordEvent,recordPause,scheduleTimeout]",
  "created.paymentFailed --START_PAYMENT--> created.paying [createCheckoutSession,createPayment,expireCheckoutSessions,recordEvent,setPaymentStatus]",
  "created.paymentFailed --TIMEOUT--> settled.cancelled [expireCheckoutSessions,recordEvent,releaseStock,sendEmail,setPaymentStatus]",
  "new --CHECKOUT--> created.awaitingPayment [recordEvent,reserveStock,scheduleTimeout,sendEmail]",
  "settled.cancelled --PAUSE--> settled.cancelled [recordEvent,recordPause]",
  "settled.cancelled --PAYMENT_SUCCEEDED--> settled.refund_pending [createRefund,recordEvent,refundPayment,sendEmail,setPaymentStatus]",
  "settled.cancelled --REFUND_FAILED--> settled.cancelled [createRefund,recordEvent,refundPayment,setRefundStatus]",
  "settled.cancelled --REFUND_FAILED--> settled.cancelled [flagForOperator,recordEvent,setPaymentStatus,setRefundStatus]",
  "settled.cancelled --REFUND_FAILED--> settled.cancelled [flagForOperator,recordEvent,setRefundStatus]",
  "settled.cancelled --REFUND_SUCCEEDED--> settled.cancelled [recordEvent,setPaymentStatus,setRefundStatus]",
  "settled.cancelled --RESUME--> settled.cancelled [recordEvent,recordPause]",
  "settled.delivered --DISPUTE_CLOSED--> settled.delivered [recordDispute,recordEvent]",
  "settled.delivered --DISPUTE_OPENED--> settled.delivered [recordDispute,recordEvent]",
  "settled.delivered --DISPUTE_UPDATED--> settled.delivered [recordDispute,recordEvent]",
  "settled.delivered --PAUSE--> settled.delivered [recordEvent,recordPause]",
  "settled.delivered --RECEIVE_RETURN--> settled.delivered [cancelReturnExpiry,createRefund,flagForOperator,recordEvent,returnStock,sendEmail,setReturnStatus]",
  "settled.delivered --RECEIVE_RETURN--> settled.delivered [cancelReturnExpiry,createRefund,recordEvent,refundPayment,returnStock,sendEmail,setReturnStatus]",
  "settled.delivered --RECEIVE_RETURN--> settled.delivered [cancelReturnExpiry,recordEvent,returnStock,sendEmail,setReturnStatus]",
  "settled.delivered --REFUND_FAILED--> settled.delivered [createRefund,recordEvent,refundPayment,setRefundStatus]",
  "settled.delivered --REFUND_FAILED--> settled.delivered [flagForOperator,recordEvent,setRefundStatus]",
  "settled.delivered --REFUND_PAID_OUTSIDE--> settled.delivered [clearOperatorFlag,recordEvent,sendEmail,setRefundStatus]",
  "settled.delivered --REFUND_PAID_OUTSIDE--> settled.delivered [clearOperatorFlag,recordEvent,setRefundStatus]",
  "settled.delivered --REFUND_PAID_OUTSIDE--> settled.refunded [clearOperatorFlag,recordEvent,sendEmail,setPaymentStatus,setRefundStatus]",
  "settled.delivered --REFUND_SUCCEEDED--> settled.delivered [recordEvent,sendEmail,setRefundStatus]",
  "settled.delivered --REFUND_SUCCEEDED--> settled.delivered [recordEvent,setRefundStatus]",
  "settled.delivered --REFUND_SUCCEEDED--> settled.refunded [recordEvent,sendEmail,setPaymentStatus,setRefundStatus]",
  "settled.delivered --REJECT_RETURN--> settled.delivered [cancelReturnExpiry,recordEvent,sendEmail,setReturnStatus]",
  "settled.delivered --REQUEST_PARTIAL_REFUND--> settled.delivered [createRefund,flagForOperator,recordEvent,sendEmail]",
  "settled.delivered --REQUEST_PARTIAL_REFUND--> settled.delivered [createRefund,recordEvent,refundPayment,sendEmail]",
  "settled.delivered --REQUEST_REFUND--> settled.refund_pending [createRefund,flagForOperator,recordEvent,sendEmail]",
  "settled.delivered --REQUEST_REFUND--> settled.refund_pending [createRefund,recordEvent,refundPayment,sendEmail]",
  "settled.delivered --REQUEST_RETURN--> settled.delivered [createReturn,recordEvent,scheduleReturnExpiry,sendEmail]",
  "settled.delivered --RESUME--> settled.delivered [recordEvent,recordPause]",
  "settled.delivered --RETURN_EXPIRED--> settled.delivered [recordEvent,sendEmail,setReturnStatus]",
  "settled.fulfilled --DELIVER--> settled.delivered [recordDelivery,recordEvent,sendEmail]",
  "settled.fulfilled --DISPUTE_CLOSED--> settled.fulfilled [recordDispute,recordEvent]",
  "settled.fulfilled --DISPUTE_OPENED--> settled.fulfilled [recordDispute,recordEvent]",
  "settled.fulfilled --DISPUTE_UPDATED--> settled.fulfilled [recordDispute,recordEvent]",
  "settled.fulfilled --PAUSE--> settled.fulfilled [recordEvent,recordPause]",
  "settled.fulfilled --PAYMENT_SUCCEEDED--> settled.fulfilled [createRefund,recordEvent,refundPayment,sendEmail,setPaymentStatus]",
  "settled.fulfilled --REFUND_FAILED--> settled.fulfilled [createRefund,recordEvent,refundPayment,setRefundStatus]",
  "settled.fulfilled --REFUND_FAILED--> settled.fulfilled [flagForOperator,recordEvent,setPaymentStatus,setRefundStatus]",
  "settled.fulfilled --REFUND_FAILED--> settled.fulfilled [flagForOperator,recordEvent,setRefundStatus]",
  "settled.fulfilled --REFUND_PAID_OUTSIDE--> settled.fulfilled [clearOperatorFlag,recordEvent,setRefundStatus]",
  "settled.fulfilled --REFUND_PAID_OUTSIDE--> settled.refunded [clearOperatorFlag,recordEvent,sendEmail,setPaymentStatus,setRefundStatus]",
  "settled.fulfilled --REFUND_SUCCEEDED--> settled.fulfilled [recordEvent,setPaymentStatus,setRefundStatus]",
  "settled.fulfilled --REFUND_SUCCEEDED--> settled.fulfilled [recordEvent,setRefundStatus]",
  "settled.fulfilled --REFUND_SUCCEEDED--> settled.refunded [recordEvent,sendEmail,setPaymentStatus,setRefundStatus]",
  "settled.fulfilled --REQUEST_PARTIAL_REFUND--> settled.fulfilled [createRefund,flagForOperator,recordEvent,sendEmail]",
  "settled.fulfilled --REQUEST_PARTIAL_REFUND--> settled.fulfilled [createRefund,recordEvent,refundPayment,sendEmail]",
  "settled.fulfilled --REQUEST_REFUND--> settled.refund_pending [createRefund,flagForOperator,recordEvent,sendEmail]",
  "settled.fulfilled --REQUEST_REFUND--> settled.refund_pending [createRefund,recordEvent,refundPayment,sendEmail]",
  "settled.fulfilled --RESUME--> settled.fulfilled [recordEvent,recordPause]",
  "settled.fulfilled --TRACKING_UPDATED--> settled.fulfilled [recordEvent]",
  "settled.paid --DISPUTE_CLOSED--> settled.paid [cancelFulfilment,recordDispute,recordEvent]",
  "settled.paid --DISPUTE_CLOSED--> settled.paid [recordDispute,recordEvent,startFulfilment]",
  "settled.paid --DISPUTE_CLOSED--> settled.paid [recordDispute,recordEvent]",
  "settled.paid --DISPUTE_OPENED--> settled.paid [cancelFulfilment,recordDispute,recordEvent]",
  "settled.paid --DISPUTE_UPDATED--> settled.paid [recordDispute,recordEvent]",
  "settled.paid --FULFIL--> settled.fulfilled [cancelFulfilment,recordEvent,recordShipment,sendEmail]",
  "settled.paid --FULFILMENT_FAILED--> settled.paid [cancelFulfilment,recordEvent,recordShipByHand]",
  "settled.paid --PAUSE--> settled.paid [recordEvent,recordPause]",
  "settled.paid --PAYMENT_SUCCEEDED--> settled.paid [createRefund,recordEvent,refundPayment,sendEmail,setPaymentStatus]",
  "settled.paid --REFUND_FAILED--> settled.paid [createRefund,recordEvent,refundPayment,setRefundStatus]",
  "settled.paid --REFUND_FAILED--> settled.paid [flagForOperator,recordEvent,setPaymentStatus,setRefundStatus]",
  "settled.paid --REFUND_FAILED--> settled.paid [flagForOperator,recordEvent,setRefundStatus]",
  "settled.paid --REFUND_PAID_OUTSIDE--> settled.paid [clearOperatorFlag,recordEvent,setRefundStatus]",
  "settled.paid --REFUND_PAID_OUTSIDE--> settled.refunded [cancelFulfilment,clearOperatorFlag,recordEvent,returnStock,sendEmail,setPaymentStatus,setRefundStatus]",
  "settled.paid --REFUND_SUCCEEDED--> settled.paid [recordEvent,setPaymentStatus,setRefundStatus]",
  "settled.paid --REFUND_SUCCEEDED--> settled.paid [recordEvent,setRefundStatus]",
  "settled.paid --REFUND_SUCCEEDED--> settled.refunded [cancelFulfilment,recordEvent,returnStock,sendEmail,setPaymentStatus,setRefundStatus]",
  "settled.paid --REQUEST_PARTIAL_REFUND--> settled.paid [createRefund,flagForOperator,recordEvent,returnStock,sendEmail]",
  "settled.paid --REQUEST_PARTIAL_REFUND--> settled.paid [createRefund,flagForOperator,recordEvent,sendEmail]",
  "settled.paid --REQUEST_PARTIAL_REFUND--> settled.paid [createRefund,recordEvent,refundPayment,returnStock,sendEmail]",
  "settled.paid --REQUEST_PARTIAL_REFUND--> settled.paid [createRefund,recordEvent,refundPayment,sendEmail]",
  "settled.paid --REQUEST_REFUND--> settled.refund_pending [cancelFulfilment,createRefund,flagForOperator,recordEvent,returnStock,sendEmail]",
  "settled.paid --REQUEST_REFUND--> settled.refund_pending [cancelFulfilment,createRefund,recordEvent,refundPayment,returnStock,sendEmail]",
  "settled.paid --RESUME--> settled.paid [recordEvent,recordPause,startFulfilment]",
  "settled.paid --RESUME--> settled.paid [recordEvent,recordPause]",
  "settled.paid --STOCK_UNAVAILABLE--> settled.refund_pending [cancelFulfilment,createRefund,flagForOperator,recordEvent,returnStock,sendEmail]",
  "settled.paid --STOCK_UNAVAILABLE--> settled.refund_pending [cancelFulfilment,createRefund,recordEvent,refundPayment,returnStock,sendEmail]",
  "settled.paid --STOCK_UNAVAILABLE--> settled.refunded [cancelFulfilment,recordEvent,returnStock]",
  "settled.refund_pending --PAYMENT_SUCCEEDED--> settled.refund_pending [createRefund,recordEvent,refundPayment,sendEmail,setPaymentStatus]",
  "settled.refund_pending --RECEIVE_RETURN--> settled.refund_pending [cancelReturnExpiry,createRefund,recordEvent,refundPayment,returnStock,sendEmail,setReturnStatus]",
  "settled.refund_pending --RECEIVE_RETURN--> settled.refund_pending [cancelReturnExpiry,recordEvent,returnStock,sendEmail,setReturnStatus]",
  "settled.refund_pending --REFUND_FAILED--> settled.refund_pending [createRefund,recordEvent,refundPayment,setRefundStatus]",
  "settled.refund_pending --REFUND_FAILED--> settled.refund_pending [flagForOperator,recordEvent,setPaymentStatus,setRefundStatus]",
  "settled.refund_pending --REFUND_FAILED--> settled.refund_pending [flagForOperator,recordEvent,setRefundStatus]",
  "settled.refund_pending --REFUND_PAID_OUTSIDE--> settled.refund_pending [clearOperatorFlag,recordEvent,setPaymentStatus,setRefundStatus]",
  "settled.refund_pending --REFUND_PAID_OUTSIDE--> settled.refund_pending [recordEvent,sendEmail,setRefundStatus]",
  "settled.refund_pending --REFUND_PAID_OUTSIDE--> settled.refund_pending [recordEvent,setPaymentStatus,setRefundStatus]",
  "settled.refund_pending --REFUND_PAID_OUTSIDE--> settled.refund_pending [recordEvent,setRefundStatus]",
  "settled.refund_pending --REFUND_PAID_OUTSIDE--> settled.refunded [clearOperatorFlag,recordEvent,sendEmail,setPaymentStatus,setRefundStatus]",
  "settled.refund_pending --REFUND_SUCCEEDED--> settled.refund_pending [recordEvent,sendEmail,setRefundStatus]",
  "settled.refund_pending --REFUND_SUCCEEDED--> settled.refund_pending [recordEvent,setPaymentStatus,setRefundStatus]",
  "settled.refund_pending --REFUND_SUCCEEDED--> settled.refund_pending [recordEvent,setRefundStatus]",
  "settled.refund_pending --REFUND_SUCCEEDED--> settled.refunded [recordEvent,sendEmail,setPaymentStatus,setRefundStatus]",
  "settled.refund_pending --REJECT_RETURN--> settled.refund_pending [cancelReturnExpiry,recordEvent,sendEmail,setReturnStatus]",
  "settled.refund_pending --REQUEST_REFUND--> settled.refund_pending [createRefund,flagForOperator,recordEvent,sendEmail]",
  "settled.refund_pending --REQUEST_REFUND--> settled.refund_pending [createRefund,recordEvent,refundPayment,sendEmail]",
  "settled.refund_pending --RESUME--> settled.refund_pending [recordEvent,recordPause,refundPayment]",
  "settled.refund_pending --RETURN_EXPIRED--> settled.refund_pending [recordEvent,sendEmail,setReturnStatus]",
  "settled.refunded --PAYMENT_SUCCEEDED--> settled.refund_pending [createRefund,recordEvent,refundPayment,sendEmail,setPaymentStatus]",
  "settled.refunded --RECEIVE_RETURN--> settled.refunded [cancelReturnExpiry,recordEvent,returnStock,sendEmail,setReturnStatus]",
  "settled.refunded --REFUND_FAILED--> settled.refund_pending [flagForOperator,recordEvent,setPaymentStatus,setRefundStatus]",
  "settled.refunded --REJECT_RETURN--> settled.refunded [cancelReturnExpiry,recordEvent,sendEmail,setReturnStatus]",
  "settled.refunded --RETURN_EXPIRED--> settled.refunded [recordEvent,sendEmail,setReturnStatus]",
];

const transitions = distinctTransitions();

describe("every transition of the order machine through dispatch", () => {
  it(`finds exactly the ${KNOWN_TRANSITIONS.length} known transitions, each with its effects`, () => {
    expect(KNOWN_TRANSITIONS).toHaveLength(166);
    expect(transitions.map((t) => t.key)).toEqual(KNOWN_TRANSITIONS);
  });

  it.each(transitions.map((t) => [t.key, t] as const))("%s", async (_key, t) => {
    const run = await replay(t.path);
    // (CHECKOUT came with the order: placeOrder in startRun)
    if (t.event.type !== "CHECKOUT") expect(run.pure.can(withRunBook(run, t.event))).toBe(true);
    await step(run, t.event);
  });
});

/** An event the machine refuses: exactly this outcome through dispatch, and the database still the machine's. */
async function refusedStep(run: Run, modelEvent: OrderEvent, outcome: "ignored" | "duplicate"): Promise<void> {
  const event = withRunBook(run, modelEvent);
  expect(run.pure.can(event), event.type).toBe(false);
  expect((await dispatch(run.orderId, toInput(run, event), "system")).outcome, event.type).toBe(outcome);
  await checkDatabase(run);
}

describe("a refund owed outside the gateway: settled by an operator only, and once", () => {
  const recorded = transitions.filter((t) => t.event.type === "REFUND_PAID_OUTSIDE");

  it("is recorded paid in every state that can owe one", () => {
    expect(new Set(recorded.map((t) => statePath(t.from)))).toEqual(
      new Set(["settled.paid", "settled.fulfilled", "settled.delivered", "settled.refund_pending"]),
    );
  });

  // Before: the gateway's news of it is refused (the gateway never had it), and so is an operator's record of
  // a refund the gateway makes. Then the operator's record settles it, keeping how it was paid; a second
  // record is a duplicate.
  it.each(recorded.map((t) => [t.key, t] as const))("%s", async (_key, t) => {
    const run = await replay(t.path);
    const event = t.event as Extract<OrderEvent, { type: "REFUND_PAID_OUTSIDE" }>;
    const at = event.at;
    await refusedStep(run, { type: "REFUND_SUCCEEDED", refundId: event.refundId, at }, "ignored");
    await refusedStep(
      run,
      {
        type: "REFUND_FAILED",
        refundId: event.refundId,
        reason: "insufficient_funds",
        retryRefundId: "ref-9",
        maxAttempts: MAX_REFUND_ATTEMPTS,
        at,
      },
      "ignored",
    );
    for (const r of run.pure.context.refunds.filter((r) => !r.outside)) await refusedStep(run, { ...event, refundId: r.id }, "ignored");
    await step(run, event);
    const { db } = await getDb();
    const [row] = await db.execute<{ outside_reference: string | null }>(
      sql`select outside_reference from refunds where id = ${realId(run, event.refundId)}`,
    );
    expect(row!.outside_reference).toBe(event.reference);
    await refusedStep(run, event, "duplicate");
    await refusedStep(run, { ...event, reference: "cash at the counter" }, "duplicate");
  });
});

describe("every event in every state: the documented transition, or nothing changes", () => {
  const leaves = pathsToEveryLeafState();

  async function fingerprint(tx: Tx, run: Run) {
    const rows = await tx.execute(sql`
      select
        (select row_to_json(o) from (select status, machine_snapshot, revision, needs_attention, tracking_number, paused_at, paused_by, ship_by_hand_at from orders where id = ${run.orderId}) o) as orders,
        (select json_agg(p order by p.id) from (select id, status, failure_reason from payments where order_id = ${run.orderId}) p) as payments,
        (select json_agg(r order by r.id) from (select id, status, outside, outside_reference, gateway_refund_id from refunds where order_id = ${run.orderId}) r) as refunds,
        (select json_agg(d order by d.id) from (select id, outcome, gateway_status from disputes where order_id = ${run.orderId}) d) as disputes,
        (select row_to_json(b) from (select stock_available, stock_reserved, stock_sold, stock_received from books where id = ${run.bookId}) b) as books,
        (select count(*) from order_events where order_id = ${run.orderId}) as events,
        (select json_agg(j order by j.key) from (select key, run_at from graphile_worker._private_jobs where payload->>'orderId' = ${run.orderId}) j) as jobs`);
    return rows[0];
  }

  // One of each kind of event the model sends anywhere, accepted or refused.
  const everyKind = [...new Map(leaves.flatMap((l) => modelEvents(l.state, { includeRefused: true })).map((e) => [e.type, e])).values()];

  it("before checkout (new): only CHECKOUT is accepted, and an event for an order that does not exist is not_found and writes nothing", async () => {
    const start = leaves.find((l) => l.events.length === 0)!;
    expect(statusOf(start.state)).toBe("new");
    expect(everyKind.map((e) => e.type).sort()).toEqual([
      "CANCEL",
      "CHECKOUT",
      "DELIVER",
      "DISPUTE_CLOSED",
      "DISPUTE_OPENED",
      "DISPUTE_UPDATED",
      "FULFIL",
      "FULFILMENT_FAILED",
      "GATEWAY_BACK",
      "PAUSE",
      "PAYMENT_CANCELLED",
      "PAYMENT_DELAYED",
      "PAYMENT_FAILED",
      "PAYMENT_SUCCEEDED",
      "RECEIVE_RETURN",
      "REFUND_FAILED",
      "REFUND_PAID_OUTSIDE",
      "REFUND_SUCCEEDED",
      "REJECT_RETURN",
      "REQUEST_PARTIAL_REFUND",
      "REQUEST_REFUND",
      "REQUEST_RETURN",
      "RESUME",
      "RETURN_EXPIRED",
      "START_PAYMENT",
      "STOCK_UNAVAILABLE",
      "TIMEOUT",
      "TRACKING_UPDATED",
    ]);
    for (const event of everyKind) expect(start.state.can(event), event.type).toBe(event.type === "CHECKOUT");
    // CHECKOUT itself only comes with the order row (placeOrder): through dispatch, no row means no order.
    const nobody: Run = { orderId: randomUUID(), bookId: 0, userId: null, ids: new Map(), pure: start.state, events: [] };
    const { db } = await getDb();
    for (const event of everyKind) {
      await expect(dispatch(nobody.orderId, toInput(nobody, event), "system"), event.type).rejects.toMatchObject({ code: "not_found" });
    }
    const [written] = await db.execute<{ n: number }>(sql`
      select (select count(*) from order_events where order_id = ${nobody.orderId})
           + (select count(*) from ignored_events where order_id = ${nobody.orderId})
           + (select count(*) from payments where order_id = ${nobody.orderId})
           + (select count(*) from refunds where order_id = ${nobody.orderId})
           + (select count(*) from graphile_worker._private_jobs where payload->>'orderId' = ${nobody.orderId}) as n`);
    expect(Number(written!.n)).toBe(0);
  });

  it.each(leaves.filter((l) => l.events.length > 0).map((l) => [l.events.map((e) => e.type).join(" > "), l] as const))(
    "after %s",
    async (_name, leaf) => {
      const run = await replay(leaf.events);
      for (const event of [...modelEvents(run.pure, { includeRefused: true }), ...unrecordedPaymentEvents(run.pure)]) {
        const accepted = run.pure.can(event);
        const rollback = new Error("rollback");
        await withOrderTransaction(async ({ tx }) => {
          const before = await fingerprint(tx, run);
          const result = await dispatch(run.orderId, toInput(run, event), "system");
          const after = await fingerprint(tx, run);
          if (accepted) {
            expect(result.outcome).toBe("accepted");
            expect(result.status).toBe(statusOf(transition(orderMachine, run.pure, event)[0]));
          } else {
            expect(["ignored", "duplicate"]).toContain(result.outcome);
            expect(after).toEqual(before);
          }
          throw rollback;
        }).catch((error) => {
          if (error !== rollback) throw error;
        });
      }
    },
  );
});

describe("money for a session the store never recorded, in every state", () => {
  const leaves = pathsToEveryLeafState().filter((leaf) => leaf.events.length > 0);
  const arrows = new Set<string>();

  // Recorded as paid and refunded wherever the order is; the refund then
  // settles (even leaves) or is refused and retried (odd ones); the same
  // money reported again is a duplicate.
  it.each(leaves.map((l, i) => [l.events.map((e) => e.type).join(" > "), l, i] as const))("after %s", async (_name, leaf, index) => {
    const run = await replay(leaf.events);
    const [unrecorded] = unrecordedPaymentEvents(run.pure);
    const from = statePath(run.pure);
    await step(run, unrecorded!);
    arrows.add(`${from} --UNRECORDED_PAYMENT--> ${statePath(run.pure)}`);
    const refund = run.pure.context.refunds.at(-1)!;
    expect(refund).toMatchObject({ reason: "unrecorded_payment", status: "pending", amountCents: run.pure.context.totalCents });
    const at = BEFORE_DEADLINE + 5000;
    const settle: OrderEvent =
      index % 2 === 0
        ? { type: "REFUND_SUCCEEDED", refundId: refund.id, at }
        : {
            type: "REFUND_FAILED",
            refundId: refund.id,
            reason: "expired_or_canceled_card",
            retryRefundId: `ref-${run.pure.context.refunds.length + 1}`,
            maxAttempts: MAX_REFUND_ATTEMPTS,
            at,
          };
    expect(run.pure.can(settle)).toBe(true);
    await step(run, settle);
    await step(run, unrecorded!);
  });

  it("reached every kind of state", () => {
    expect([...arrows]).toEqual(
      expect.arrayContaining([
        "created.awaitingPayment --UNRECORDED_PAYMENT--> created.awaitingPayment",
        "created.paying --UNRECORDED_PAYMENT--> created.paying",
        "created.paymentFailed --UNRECORDED_PAYMENT--> created.paymentFailed",
        "settled.paid --UNRECORDED_PAYMENT--> settled.paid",
        "settled.fulfilled --UNRECORDED_PAYMENT--> settled.fulfilled",
        "settled.delivered --UNRECORDED_PAYMENT--> settled.delivered",
        "settled.cancelled --UNRECORDED_PAYMENT--> settled.refund_pending",
        "settled.refund_pending --UNRECORDED_PAYMENT--> settled.refund_pending",
        "settled.refunded --UNRECORDED_PAYMENT--> settled.refund_pending",
      ]),
    );
  });
});

describe("a guest's order: CLAIM in every state, and everything after it as for any order", () => {
  const leaves = pathsToEveryLeafState().filter((leaf) => leaf.events.length > 0);

  // CLAIM moves only who holds the order (its own effect, claimOrder, and an
  // OrderClaimed event); state, money, stock and jobs stay. Once claimed, a
  // repeat is a duplicate, another account is refused, and the order goes on
  // through the same transitions as before.
  it.each(leaves.map((l) => [l.events.map((e) => e.type).join(" > "), l] as const))("after %s", async (_name, leaf) => {
    const run = await replay(leaf.events, { guest: true });
    const before = statePath(run.pure);
    const claimer = await createUser();
    const claim: OrderEvent = { type: "CLAIM", userId: claimer, at: BEFORE_DEADLINE };
    const [, actions] = transition(orderMachine, run.pure, claim);
    expect(actions.map((a) => a.type).filter((t) => !t.startsWith("xstate."))).toEqual(["claimOrder", "recordEvent"]);
    await step(run, claim);
    expect(statePath(run.pure)).toBe(before);
    expect(run.events.at(-1)).toBe("OrderClaimed");
    expect((await dispatch(run.orderId, claim, "user")).outcome).toBe("duplicate");
    expect((await dispatch(run.orderId, { ...claim, userId: await createUser() }, "user")).outcome).toBe("ignored");
    await checkDatabase(run);
    // The claimed order accepts exactly what it accepted before.
    for (const event of modelEvents(run.pure).slice(0, 3)) await step(run, event);
  });

  it("a shopper's own order (no guest address) cannot be claimed, in any state", async () => {
    for (const leaf of leaves.slice(0, 4)) {
      const run = await replay(leaf.events);
      expect(run.pure.can({ type: "CLAIM", userId: run.userId!, at: BEFORE_DEADLINE })).toBe(false);
      await step(run, { type: "CLAIM", userId: await createUser(), at: BEFORE_DEADLINE });
    }
  });
});

describe("a partial order (CHECKOUT with what was left out): the same transitions, and the left-out lines kept", () => {
  const leaves = pathsToEveryLeafState().filter((leaf) => leaf.events.length > 0);

  it.each(leaves.map((l) => [l.events.map((e) => e.type).join(" > "), l] as const))("after %s", async (_name, leaf) => {
    const run = await replay(leaf.events, { partial: true });
    expect(run.pure.context.leftOut).toEqual([expect.objectContaining({ requested: 1, ordered: 0 })]);
    for (const event of modelEvents(run.pure).slice(0, 2)) await step(run, event);
  });
});

beforeAll(async () => {
  await getDb();
});
