import type { SQL } from "drizzle-orm";
import type { OrderTx } from "@/db/transaction";
import { clearOrderedBooks } from "@/lib/cart/cart-store";
import { moveStock } from "@/lib/catalog/store";
import { env } from "@/lib/env";
import { insertPayment, insertRefund, saveDispute, setPaymentStatus, setRefundStatus } from "@/lib/payments/store";
import { dequeueJob, gatewayProbeDelayMs, gatewayProbeKey, queueJob } from "@/lib/worker/jobs";
import type { OrderEffect, OrderEffectParams } from "@/machines/order-machine";
import type { MachineAction } from "@/machines/order-transition";
import type { DomainEventType } from "@/machines/order-types";
import {
  claimOrderRow,
  clearFlagInTransaction,
  flagInTransaction,
  insertReturn,
  recordDelivery,
  recordPause,
  recordSale,
  recordShipByHand,
  recordShipment,
  updateReturn,
} from "./store";
import type { DispatchOptions } from "./types";

export type EffectScope = OrderTx & {
  orderId: string;
  /** Null for a guest's order (until claimed); then guestCartId names the guest's cart. */
  userId: string | null;
  guestCartId: string | null;
  revision: number;
  options: DispatchOptions;
  /** Filled by recordEvent; written after all effects. */
  events: { type: DomainEventType; payload: Record<string, unknown> }[];
  alerts: string[];
  /** Column assignments on the order row, written with the snapshot in one update (recordSale). */
  orderColumns: SQL[];
};

type Handlers = { [K in OrderEffect]: (scope: EffectScope, params: OrderEffectParams[K]) => void | Promise<void> };

/**
 * Interprets the machine's named effects (OrderEffectParams in
 * machines/order-machine.ts; the compiler checks every one has a handler):
 * local effects run on the dispatch transaction; external ones become
 * graphile-worker jobs on it, so they exist only if it commits. Effects are
 * idempotent per transition. Every write is queued on the transaction's
 * pipeline and sent together; only a stock move waits, for its row locks.
 */
const handlers: Handlers = {
  reserveStock: (scope, { items }) => moveStock(scope, "reserve", items),
  releaseStock: (scope, { items }) => moveStock(scope, "release", items),
  commitStock: (scope, { items }) => moveStock(scope, "commit", items),
  returnStock: (scope, { items }) => moveStock(scope, "return", items),
  createPayment: ({ pipeline, orderId, options }, p) => {
    // A new attempt carries the session START_PAYMENT was given; money for an unrecorded session names its own.
    const session = p.sessionId ? { id: p.sessionId, url: null } : options.session;
    insertPayment(pipeline, {
      id: p.paymentId,
      orderId,
      status: p.status ?? "pending",
      amountCents: p.amountCents,
      currency: p.currency,
      sessionId: session?.id ?? null,
      paymentIntentId: p.paymentIntentId ?? null,
      checkoutUrl: session?.url ?? null,
    });
  },
  setPaymentStatus: ({ pipeline, orderId }, p) => setPaymentStatus(pipeline, orderId, p),
  createRefund: ({ pipeline, orderId }, p) =>
    insertRefund(pipeline, {
      id: p.refundId,
      orderId,
      paymentId: p.paymentId,
      amountCents: p.amountCents,
      currency: p.currency,
      reason: p.reason,
      outside: p.outside,
    }),
  setRefundStatus: ({ pipeline, orderId }, p) => setRefundStatus(pipeline, orderId, p),
  // Only the ordered books leave the cart, anything added since stays; what a partial order left out stays too.
  clearCart: ({ pipeline, orderId, userId, guestCartId }, { partlyOrdered = [] }) =>
    clearOrderedBooks(pipeline, { userId, cartId: guestCartId }, orderId, partlyOrdered),
  claimOrder: ({ pipeline, orderId }, { userId }) => claimOrderRow(pipeline, orderId, userId),
  recordShipment: ({ pipeline, orderId }, shipment) => recordShipment(pipeline, orderId, shipment),
  recordDelivery: ({ pipeline, orderId }, { deliveredAt }) => recordDelivery(pipeline, orderId, deliveredAt),
  createReturn: ({ pipeline, orderId }, p) =>
    insertReturn(pipeline, { id: p.returnId, orderId, lines: p.lines, reason: p.reason, expiresAt: p.expiresAt }),
  setReturnStatus: ({ pipeline, orderId }, p) => updateReturn(pipeline, orderId, p),
  recordSale: ({ pipeline, orderColumns, orderId }, { sale, bookIds }) => recordSale(pipeline, orderColumns, orderId, sale, bookIds),
  flagForOperator: ({ pipeline, orderId, alerts }, { reason }) => {
    alerts.push(reason);
    flagInTransaction(pipeline, orderId, reason);
  },
  clearOperatorFlag: ({ pipeline, orderId }, { reasonContains }) => clearFlagInTransaction(pipeline, orderId, reasonContains),
  recordDispute: ({ pipeline, orderId }, { dispute, currency }) => saveDispute(pipeline, orderId, dispute, currency),
  recordPause: ({ pipeline, orderId }, { paused }) => recordPause(pipeline, orderId, paused),
  recordShipByHand: ({ pipeline, orderId }, { reason }) => recordShipByHand(pipeline, orderId, reason),
  recordEvent: ({ events }, { type, payload }) => {
    events.push({ type, payload: payload ?? {} });
  },
  // The session is created at the gateway before START_PAYMENT is dispatched
  // (so a gateway failure changes nothing) and stored by createPayment.
  createCheckoutSession: () => {},
  expireCheckoutSessions: ({ pipeline, orderId }, { paymentIds }) => {
    for (const paymentId of paymentIds) {
      queueJob(pipeline, "expire_checkout_session", { orderId, paymentId }, { jobKey: `expire-session:${paymentId}` });
    }
  },
  refundPayment: ({ pipeline, orderId }, { refundId, attempt = 0 }) => {
    // A retry after a refused refund waits: 1, 2, 4 … minutes, at most an hour.
    const runAt = attempt > 0 ? new Date(Date.now() + Math.min(60, 2 ** (attempt - 1)) * 60_000) : undefined;
    queueJob(pipeline, "refund_payment", { orderId, refundId }, { jobKey: `refund:${refundId}`, runAt });
  },
  scheduleTimeout: ({ pipeline, orderId }, { runAt }) => {
    queueJob(
      pipeline,
      "payment_timeout",
      { orderId },
      {
        jobKey: `payment-timeout:${orderId}`,
        runAt: new Date(runAt),
        maxAttempts: Math.max(env().JOB_MAX_ATTEMPTS, 10),
      },
    );
  },
  cancelTimeout: ({ pipeline, orderId }) => dequeueJob(pipeline, `payment-timeout:${orderId}`),
  // The first probe after the breaker's half-open delay; the job reschedules itself with backoff (lib/payments/offer-pay-link.ts).
  scheduleGatewayProbe: ({ pipeline, orderId }) => {
    queueJob(
      pipeline,
      "probe_gateway",
      { orderId, attempt: 0 },
      { jobKey: gatewayProbeKey(orderId), runAt: new Date(Date.now() + gatewayProbeDelayMs(0)) },
    );
  },
  cancelGatewayProbe: ({ pipeline, orderId }) => dequeueJob(pipeline, gatewayProbeKey(orderId)),
  scheduleReturnExpiry: ({ pipeline, orderId }, { returnId, runAt }) => {
    queueJob(
      pipeline,
      "return_expiry",
      { orderId, returnId },
      { jobKey: `return-expiry:${returnId}`, runAt: new Date(runAt), maxAttempts: Math.max(env().JOB_MAX_ATTEMPTS, 10) },
    );
  },
  cancelReturnExpiry: ({ pipeline }, { returnId }) => dequeueJob(pipeline, `return-expiry:${returnId}`),
  // A locked job (the fulfil job's own FULFIL) is only unkeyed: it finishes and is not retried.
  cancelFulfilment: ({ pipeline, orderId }) => dequeueJob(pipeline, `fulfil:${orderId}`),
  sendEmail: ({ pipeline, orderId, revision }, { template, data }) => {
    const dedupeKey = `${orderId}:${template}:${revision}`;
    queueJob(pipeline, "send_email", { orderId, template, data: data ?? {}, dedupeKey }, { jobKey: `email:${dedupeKey}` });
  },
  // The warehouse picks after a while: until then a shopper may still cancel by refund.
  startFulfilment: ({ pipeline, orderId }) => {
    queueJob(
      pipeline,
      "fulfil_order",
      { orderId },
      {
        jobKey: `fulfil:${orderId}`,
        runAt: new Date(Date.now() + env().FULFILMENT_DELAY_SECONDS * 1000),
      },
    );
  },
};

const isEffect = (type: string): type is OrderEffect => Object.hasOwn(handlers, type);

/** Runs one action of a transition: a named effect, or nothing for xstate's own (assign, enqueueActions). */
export async function runEffect(scope: EffectScope, action: MachineAction): Promise<void> {
  if (isEffect(action.type)) {
    const handler = handlers[action.type] as (scope: EffectScope, params: unknown) => void | Promise<void>;
    await handler(scope, action.params ?? {});
    return;
  }
  // xstate's own actions (assign, enqueueActions) were applied in transition().
  if (action.type.startsWith("xstate.")) return;
  throw new Error(`order machine emitted an action the engine does not know: ${action.type}`);
}
