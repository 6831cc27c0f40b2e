import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { transition } from "xstate";
import { getDb } from "@/db";
import type { EventSource } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { MACHINE_VERSION, orderMachine } from "@/machines/order-machine";
import { loadSnapshot, toStored, type StoredSnapshot } from "@/machines/order-snapshot";
import { isDuplicateEvent, statePath, statusOf, type OrderSnapshot } from "@/machines/order-status";
import type { OrderEvent } from "@/machines/order-types";
import { currentContext } from "@/lib/observability/context";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { runEffect, type EffectScope, type MachineAction } from "./effects";
import { ORDER_CHANGED_CHANNEL } from "./order-changes";
import { WritePipeline } from "./pipeline";
import type { DispatchOptions, DispatchResult, OrderEventInput, Tx } from "./types";

export type LockedOrder = {
  id: string;
  user_id: string;
  machine_snapshot: StoredSnapshot;
  machine_version: number;
  revision: number;
  created_at?: Date;
};

/** Completes a caller's event with the time, fresh ids and policy numbers. */
export function completeEvent(input: OrderEventInput): OrderEvent {
  const at = input.at ?? Date.now();
  switch (input.type) {
    case "PAYMENT_SUCCEEDED":
    case "UNRECORDED_PAYMENT":
    case "STOCK_UNAVAILABLE":
      return { ...input, at, refundId: input.refundId ?? randomUUID() } as OrderEvent;
    case "REQUEST_REFUND":
      return { ...input, at, refundId: input.refundId ?? randomUUID(), windowDays: input.windowDays ?? env().REFUND_WINDOW_DAYS } as OrderEvent;
    case "REFUND_FAILED":
      return { ...input, at, retryRefundId: input.retryRefundId ?? randomUUID(), maxAttempts: input.maxAttempts ?? env().JOB_MAX_ATTEMPTS } as OrderEvent;
    default:
      return { ...input, at } as OrderEvent;
  }
}

/**
 * Applies one event to a locked order row: pure transition, local effects,
 * audit rows, jobs, new snapshot. The caller owns the transaction.
 *
 * Round trips: the effects, audit rows, snapshot and notice are writes that
 * nothing here reads back, so they go out together on a pipeline (a stock
 * move waits once for its row locks). A completed payment costs three round
 * trips here, not fourteen.
 */
export async function applyEvent(
  tx: Tx,
  order: LockedOrder,
  event: OrderEvent,
  source: EventSource,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const snapshot: OrderSnapshot = loadSnapshot(order.machine_snapshot, order.machine_version);
  const fromState = statePath(snapshot);
  options = { ...options, requestId: options.requestId ?? currentContext().requestId };
  const pipeline = options.pipeline ?? new WritePipeline(tx);
  // Flushed here unless the caller brought the pipeline (and flushes it).
  const flush = () => (options.pipeline ? Promise.resolve() : pipeline.flush());
  if (!snapshot.can(event)) {
    const outcome = isDuplicateEvent(snapshot, event) ? "duplicate" : "ignored";
    pipeline.write(sql`
      insert into ignored_events (order_id, event_type, state, outcome, source, machine_event, request_id)
      values (${order.id}, ${event.type}, ${fromState}, ${outcome}, ${source}, ${JSON.stringify(event)}::jsonb, ${options.requestId ?? null})`);
    await flush();
    observeTransition(order, event, source, outcome, fromState, fromState);
    return { outcome, orderId: order.id, status: statusOf(snapshot), fromState, toState: fromState, revision: order.revision };
  }

  const [next, actions] = transition(orderMachine, snapshot, event);
  const revision = order.revision + 1;
  const scope: EffectScope = { tx, pipeline, orderId: order.id, userId: order.user_id, revision, options, events: [], alerts: [] };
  for (const action of actions as MachineAction[]) await runEffect(scope, action);

  const toState = statePath(next);
  const status = statusOf(next);
  if (status === "new") throw new Error("an accepted event left the order in its initial state");
  // One audit row per domain event; the first carries the machine event for replay.
  if (scope.events.length === 0) throw new Error(`transition on ${event.type} recorded no event`);
  for (const [index, row] of scope.events.entries()) {
    pipeline.write(eventRowQuery(order.id, row.type, fromState, toState, source, index === 0 ? event : null, row.payload, options));
  }
  pipeline.write(sql`
    update orders set
      status = ${status},
      machine_snapshot = ${JSON.stringify(toStored(next))}::jsonb,
      machine_version = ${MACHINE_VERSION},
      revision = ${revision},
      paid_at = case when ${status} = 'paid' and paid_at is null then now() else paid_at end,
      updated_at = now()
    where id = ${order.id}`);
  // Delivered to LISTENers only if this transaction commits (order-changes.ts).
  pipeline.write(sql`select pg_notify(${ORDER_CHANGED_CHANNEL}, ${JSON.stringify({ orderId: order.id, revision, status })})`);
  await flush();
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
  logger().info({ orderId: order.id, event: event.type, source, outcome, from, to }, outcome === "accepted" ? "order transition" : `order event ${outcome}`);
}

/** The OnComplete-style hooks: how long orders take to be paid and to ship. */
function observeLifetime(order: LockedOrder, before: string, after: string): void {
  if (!order.created_at || before === after) return;
  const age = (Date.now() - new Date(order.created_at).getTime()) / 1000;
  if (after === "paid" && before === "created") metrics().timeToPaid.observe(age);
  if (after === "fulfilled") metrics().timeToFulfilled.observe(age);
}

function eventRowQuery(
  orderId: string,
  type: string,
  fromState: string,
  toState: string,
  source: EventSource,
  machineEvent: OrderEvent | null,
  payload: Record<string, unknown>,
  options: DispatchOptions,
): SQL {
  return sql`
    insert into order_events (order_id, type, from_state, to_state, source, machine_event, payload, request_id)
    values (${orderId}, ${type}, ${fromState}, ${toState}, ${source},
            ${machineEvent ? JSON.stringify(machineEvent) : null}::jsonb, ${JSON.stringify(payload)}::jsonb, ${options.requestId ?? null})`;
}

async function selectOrderForUpdate(tx: Tx, orderId: string, pipeline?: WritePipeline): Promise<LockedOrder | undefined> {
  const rows = await WritePipeline.read<LockedOrder>(tx, pipeline, sql`
    select id, user_id, machine_snapshot, machine_version, revision, created_at from orders where id = ${orderId} for update`);
  return rows[0];
}

export async function lockOrder(tx: Tx, orderId: string, pipeline?: WritePipeline): Promise<LockedOrder> {
  const order = await selectOrderForUpdate(tx, orderId, pipeline);
  if (!order) throw new AppError("not_found", "Order not found");
  return order;
}

/**
 * Locks the order a gateway checkout session pays for: the payment lookup
 * and the order lock in one statement (a webhook's hot path).
 */
export async function lockOrderOfSession(
  tx: Tx,
  sessionId: string,
  pipeline?: WritePipeline,
): Promise<(LockedOrder & { payment_id: string }) | undefined> {
  const rows = await WritePipeline.read<LockedOrder & { payment_id: string }>(tx, pipeline, sql`
    select o.id, o.user_id, o.machine_snapshot, o.machine_version, o.revision, o.created_at, p.id as payment_id
    from payments p join orders o on o.id = p.order_id
    where p.gateway_session_id = ${sessionId}
    for update of o`);
  return rows[0];
}

/**
 * dispatch(orderId, event, source): the only way an order changes (docs/DESIGN.md).
 * One transaction: lock the row, transition, effects, audit, snapshot, jobs.
 */
export async function dispatch(
  orderId: string,
  input: OrderEventInput,
  source: EventSource,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const event = completeEvent(input);
  const result = await dispatchLocked((tx, pipeline) => lockOrder(tx, orderId, pipeline), () => event, source, options);
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
  return dispatchLocked((tx, pipeline) => selectOrderForUpdate(tx, orderId, pipeline), () => event, source, options);
}

/**
 * dispatch for the order a gateway checkout session pays for; the payment
 * lookup is the lock (lockOrderOfSession). `input` gets the payment's id.
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
  return dispatchLocked((tx, pipeline) => lockOrderOfSession(tx, sessionId, pipeline), (order) => completeEvent({ at, ...input(order.payment_id) }), source, options);
}

async function dispatchLocked<L extends LockedOrder>(
  lock: (tx: Tx, pipeline?: WritePipeline) => Promise<L | undefined>,
  eventFor: (order: L) => OrderEvent,
  source: EventSource,
  options: DispatchOptions,
): Promise<DispatchResult | undefined> {
  const run = async (tx: Tx) => {
    const order = await lock(tx, options.pipeline);
    return order ? applyEvent(tx, order, eventFor(order), source, options) : undefined;
  };
  if (options.tx) return run(options.tx);
  const { db } = await getDb();
  return db.transaction(run);
}
