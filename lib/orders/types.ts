import type { EventSource } from "@/db/schema";
import type { OrderStatus } from "@/machines/statuses";
import type { OrderEvent } from "@/machines/order-types";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * What callers hand to dispatch: the engine fills in the time, fresh ids for
 * refunds it may start, and the configured policy numbers.
 */
export type OrderEventInput = DistributiveOmit<
  OrderEvent,
  "at" | "refundId" | "retryRefundId" | "maxAttempts" | "windowDays" | "expiryDays"
> & {
  at?: number;
  refundId?: string;
  retryRefundId?: string;
  maxAttempts?: number;
  windowDays?: number;
  expiryDays?: number;
};

export type DispatchOutcome = "accepted" | "ignored" | "duplicate";

export type DispatchResult = {
  outcome: DispatchOutcome;
  orderId: string;
  /** The order's public status after the event ("new" only for an event on an order that was never placed). */
  status: OrderStatus | "new";
  fromState: string;
  toState: string;
  revision: number;
};

/**
 * To join a caller's transaction (the webhook's, which records the event id),
 * dispatch inside withOrderTransaction (db/transaction.ts); the request id
 * comes from the work context (lib/observability/context.ts).
 */
export type DispatchOptions = {
  /** Session details obtained from the gateway before START_PAYMENT. */
  session?: { id: string; url: string };
};

export type { EventSource };
