import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { transition } from "xstate";
import { getDb } from "@/db";
import type { EventSource } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { MACHINE_VERSION, orderMachine } from "@/machines/order-machine";
import { loadSnapshot, toStored, type StoredSnapshot } from "@/machines/order-snapshot";
import { isDuplicateEvent, statePath, statusOf, type OrderSnapshot } from "@/machines/order-status";
import type { OrderEvent } from "@/machines/order-types";
import { currentContext } from "@/lib/observability/context";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { runEffect, type EffectScope, type MachineAction } from "./effects";
import { ORDER_CHANGED_CHANNEL } from "./order-changes";
import type { DispatchOptions, DispatchResult, OrderEventInput, Tx } from "./types";

type LockedOrder = {
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
  if (!snapshot.can(event)) {
    const outcome = isDuplicateEvent(snapshot, event) ? "duplicate" : "ignored";
    observeTransition(order, event, source, outcome, fromState, fromState);
    await tx.execute(sql`
      insert into ignored_events (order_id, event_type, state, outcome, source, machine_event, request_id)
      values (${order.id}, ${event.type}, ${fromState}, ${outcome}, ${source}, ${JSON.stringify(event)}::jsonb, ${options.requestId ?? null})`);
    return { outcome, orderId: order.id, status: statusOf(snapshot), fromState, toState: fromState, revision: order.revision };
  }

  const [next, actions] = transition(orderMachine, snapshot, event);
  const revision = order.revision + 1;
  const scope: EffectScope = { tx, orderId: order.id, userId: order.user_id, revision, options, events: [], alerts: [] };
  for (const action of actions as MachineAction[]) await runEffect(scope, action);

  const toState = statePath(next);
  const status = statusOf(next);
  if (status === "new") throw new Error("an accepted event left the order in its initial state");
  // One audit row per domain event; the first carries the machine event for replay.
  if (scope.events.length === 0) throw new Error(`transition on ${event.type} recorded no event`);
  for (const [index, row] of scope.events.entries()) {
    await insertEventRow(tx, order.id, row.type, fromState, toState, source, index === 0 ? event : null, row.payload, options);
  }
  await tx.execute(sql`
    update orders set
      status = ${status},
      machine_snapshot = ${JSON.stringify(toStored(next))}::jsonb,
      machine_version = ${MACHINE_VERSION},
      revision = ${revision},
      paid_at = case when ${status} = 'paid' and paid_at is null then now() else paid_at end,
      updated_at = now()
    where id = ${order.id}`);
  // Delivered to LISTENers only if this transaction commits (order-changes.ts).
  await tx.execute(sql`select pg_notify(${ORDER_CHANGED_CHANNEL}, ${JSON.stringify({ orderId: order.id, revision, status })})`);
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

async function insertEventRow(
  tx: Tx,
  orderId: string,
  type: string,
  fromState: string,
  toState: string,
  source: EventSource,
  machineEvent: OrderEvent | null,
  payload: Record<string, unknown>,
  options: DispatchOptions,
): Promise<void> {
  await tx.execute(sql`
    insert into order_events (order_id, type, from_state, to_state, source, machine_event, payload, request_id)
    values (${orderId}, ${type}, ${fromState}, ${toState}, ${source},
            ${machineEvent ? JSON.stringify(machineEvent) : null}::jsonb, ${JSON.stringify(payload)}::jsonb, ${options.requestId ?? null})`);
}

export async function lockOrder(tx: Tx, orderId: string): Promise<LockedOrder> {
  const rows = await tx.execute<LockedOrder>(sql`
    select id, user_id, machine_snapshot, machine_version, revision, created_at from orders where id = ${orderId} for update`);
  const order = rows[0];
  if (!order) throw new AppError("not_found", "Order not found");
  return order;
}

/**
 * dispatch(orderId, event, source): the only way an order changes (DESIGN.md).
 * One transaction: lock the row, transition, effects, audit, snapshot, jobs.
 */
export async function dispatch(
  orderId: string,
  input: OrderEventInput,
  source: EventSource,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const event = completeEvent(input);
  const run = async (tx: Tx) => applyEvent(tx, await lockOrder(tx, orderId), event, source, options);
  if (options.tx) return run(options.tx);
  const { db } = await getDb();
  return db.transaction(run);
}
