import { randomUUID } from "node:crypto";
import type { EventSource } from "@/db/schema";
import { NotAdmitted, withOrderTransaction, type OrderTx } from "@/db/transaction";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { enqueueHookDeliveriesQuery } from "@/lib/hooks/store";
import { isUuid } from "@/lib/ids";
import { MACHINE_VERSION } from "@/machines/order-machine";
import { loadSnapshot, toStored } from "@/machines/order-snapshot";
import { orderTransition } from "@/machines/order-transition";
import { isDuplicateEvent, statePath, statusOf, type OrderSnapshot } from "@/machines/order-status";
import type { OrderEvent } from "@/machines/order-types";
import { currentContext } from "@/lib/observability/context";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { runEffect, type EffectScope } from "./effects";
import {
  recordIgnoredEvent,
  recordOrderEvent,
  saveSnapshot,
  selectOrderForUpdate,
  selectOrderOfSessionForUpdate,
  type LockedOrder,
} from "./store";
import type { DispatchOptions, DispatchResult, OrderEventInput } from "./types";

/** Completes a caller's event with the time, fresh ids and policy numbers. */
export function completeEvent(input: OrderEventInput): OrderEvent {
  const at = input.at ?? Date.now();
  switch (input.type) {
    case "PAYMENT_SUCCEEDED":
    case "UNRECORDED_PAYMENT":
    case "STOCK_UNAVAILABLE":
      return { ...input, at, refundId: input.refundId ?? randomUUID() } as OrderEvent;
    case "REQUEST_REFUND":
    case "REQUEST_PARTIAL_REFUND":
      return {
        ...input,
        at,
        refundId: input.refundId ?? randomUUID(),
        windowDays: input.windowDays ?? env().REFUND_WINDOW_DAYS,
      } as OrderEvent;
    case "RECEIVE_RETURN":
      return { ...input, at, refundId: input.refundId ?? randomUUID() } as OrderEvent;
    case "REQUEST_RETURN":
      return {
        ...input,
        at,
        windowDays: input.windowDays ?? env().RETURN_WINDOW_DAYS,
        expiryDays: input.expiryDays ?? env().RETURN_EXPIRY_DAYS,
      } as OrderEvent;
    case "REFUND_FAILED":
      return {
        ...input,
        at,
        retryRefundId: input.retryRefundId ?? randomUUID(),
        maxAttempts: input.maxAttempts ?? env().JOB_MAX_ATTEMPTS,
      } as OrderEvent;
    default:
      return { ...input, at } as OrderEvent;
  }
}

/**
 * Applies one event to a locked order row: pure transition, local effects,
 * audit rows, jobs, new snapshot, in the caller's order transaction.
 *
 * Round trips: the effects, audit rows, snapshot and notice are writes that
 * nothing here reads back, so they go out together on the transaction's
 * pipeline, flushed before commit (db/transaction.ts); a stock move waits
 * once for its row locks. A completed payment costs three round trips here,
 * not fourteen.
 */
export async function applyEvent(
  otx: OrderTx,
  order: LockedOrder,
  event: OrderEvent,
  source: EventSource,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const snapshot: OrderSnapshot = loadSnapshot(order.machine_snapshot, order.machine_version);
  const fromState = statePath(snapshot);
  const { requestId } = currentContext();
  const { pipeline } = otx;
  if (!snapshot.can(event)) {
    const outcome = isDuplicateEvent(snapshot, event) ? "duplicate" : "ignored";
    recordIgnoredEvent(pipeline, {
      orderId: order.id,
      eventType: event.type,
      state: fromState,
      outcome,
      source,
      machineEvent: event,
      requestId,
    });
    observeTransition(order, event, source, outcome, fromState, fromState);
    return { outcome, orderId: order.id, status: statusOf(snapshot), fromState, toState: fromState, revision: order.revision };
  }

  const [next, actions] = orderTransition(snapshot, event);
  const revision = order.revision + 1;
  const scope: EffectScope = {
    ...otx,
    orderId: order.id,
    userId: order.user_id,
    guestCartId: order.guest_cart_id ?? null,
    revision,
    options,
    events: [],
    alerts: [],
    orderColumns: [],
  };
  for (const action of actions) await runEffect(scope, action);

  const toState = statePath(next);
  const status = statusOf(next);
  if (status === "new") throw new Error("an accepted event left the order in its initial state");
  // One audit row per domain event; the first carries the machine event for replay.
  if (scope.events.length === 0) throw new Error(`transition on ${event.type} recorded no event`);
  for (const [index, row] of scope.events.entries()) {
    recordOrderEvent(pipeline, {
      orderId: order.id,
      type: row.type,
      fromState,
      toState,
      source,
      machineEvent: index === 0 ? event : null,
      payload: row.payload,
      requestId,
    });
  }
  saveSnapshot(
    pipeline,
    { orderId: order.id, status, snapshot: toStored(next), machineVersion: MACHINE_VERSION, revision },
    scope.orderColumns,
  );
  // Outbound hooks: a delivery row and its job per subscribed endpoint, in this transaction (lib/hooks/store.ts).
  pipeline.write(enqueueHookDeliveriesQuery(order.id, scope.events.length, requestId));
  for (const alert of scope.alerts) {
    logger().error({ alert: "order_flagged", orderId: order.id, reason: alert }, "order flagged for an operator");
  }
  observeTransition(order, event, source, "accepted", fromState, toState);
  observeLifetime(order, statusOf(snapshot), status);
  return { outcome: "accepted", orderId: order.id, status, fromState, toState, revision };
}

// Counted when applied: a transaction rolled back afterwards (rare: a webhook's
// outer transaction failing) is counted anyway; the audit rows are the truth.
function observeTransition(order: LockedOrder, event: OrderEvent, source: EventSource, outcome: string, from: string, to: string): void {
  metrics().transitions.inc({ event: event.type, outcome });
  logger().info(
    { orderId: order.id, event: event.type, source, outcome, from, to },
    outcome === "accepted" ? "order transition" : `order event ${outcome}`,
  );
}

/** The OnComplete-style hooks: how long orders take to be paid and to ship. */
function observeLifetime(order: LockedOrder, before: string, after: string): void {
  if (!order.created_at || before === after) return;
  const age = (Date.now() - new Date(order.created_at).getTime()) / 1000;
  if (after === "paid" && before === "created") metrics().timeToPaid.observe(age);
  if (after === "fulfilled") metrics().timeToFulfilled.observe(age);
}

export async function lockOrder(otx: OrderTx, orderId: string): Promise<LockedOrder> {
  const order = await selectOrderForUpdate(otx, orderId);
  if (!order) throw new AppError("not_found", "Order not found");
  return order;
}

/**
 * dispatch(orderId, event, source): the only way an order changes (docs/DESIGN.md).
 * One transaction: lock the row, transition, effects, audit, snapshot, jobs.
 * Inside withOrderTransaction (db/transaction.ts) it joins that transaction.
 */
export async function dispatch(
  orderId: string,
  input: OrderEventInput,
  source: EventSource,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const event = completeEvent(input);
  const result = await dispatchLocked(
    (otx) => lockOrder(otx, orderId),
    () => event,
    source,
    options,
  );
  return result!;
}

/**
 * dispatch for an order the outside world names (a gateway session's
 * metadata): undefined when there is no such order, instead of not_found.
 */
export function dispatchIfOrderExists(
  orderId: string,
  input: OrderEventInput,
  source: EventSource,
  options: DispatchOptions = {},
): Promise<DispatchResult | undefined> {
  if (!isUuid(orderId)) return Promise.resolve(undefined);
  const event = completeEvent(input);
  return dispatchLocked(
    (otx) => selectOrderForUpdate(otx, orderId),
    () => event,
    source,
    options,
  );
}

/**
 * dispatch for the order a gateway checkout session pays for; the payment
 * lookup is the lock (selectOrderOfSessionForUpdate in store.ts). `input` gets the payment's id.
 * Undefined when no payment has that session.
 */
export function dispatchBySession(
  sessionId: string,
  input: (paymentId: string) => OrderEventInput,
  source: EventSource,
  options: DispatchOptions = {},
): Promise<DispatchResult | undefined> {
  // The event's time is its arrival, not when the lock was granted.
  const at = Date.now();
  return dispatchLocked(
    (otx) => selectOrderOfSessionForUpdate(otx, sessionId),
    (order) => completeEvent({ at, ...input(order.payment_id) }),
    source,
    options,
  );
}

/** Locks, transitions and writes in an order transaction (the caller's, when dispatch runs inside one). */
function dispatchLocked<L extends LockedOrder>(
  lock: (otx: OrderTx) => Promise<L | undefined>,
  eventFor: (order: L) => OrderEvent,
  source: EventSource,
  options: DispatchOptions,
): Promise<DispatchResult | undefined> {
  return withOrderTransaction(async (otx) => {
    const order = await lock(otx);
    // A webhook's transaction applies nothing until its event row is known to be new (lib/payments/handle-webhook.ts).
    if (otx.admission && !(await otx.admission)) throw new NotAdmitted();
    return order ? applyEvent(otx, order, eventFor(order), source, options) : undefined;
  });
}
