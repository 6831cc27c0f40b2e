import type { Db } from "@/db";
import type { EventSource } from "@/db/schema";
import type { OrderEvent } from "@/machines/order-types";
import type { WritePipeline } from "./pipeline";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type Executor = Db | Tx;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * What callers hand to dispatch: the engine fills in the time, fresh ids for
 * refunds it may start, and the configured policy numbers.
 */
export type OrderEventInput = DistributiveOmit<
  OrderEvent,
  "at" | "refundId" | "retryRefundId" | "maxAttempts" | "windowDays"
> & { at?: number; refundId?: string; retryRefundId?: string; maxAttempts?: number; windowDays?: number };

export type DispatchOutcome = "accepted" | "ignored" | "duplicate";

export type DispatchResult = {
  outcome: DispatchOutcome;
  orderId: string;
  status: string;
  fromState: string;
  toState: string;
  revision: number;
};

export type DispatchOptions = {
  /** Join an outer transaction (e.g. the webhook's, which records the event id). */
  tx?: Tx;
  requestId?: string;
  /** Session details obtained from the gateway before START_PAYMENT. */
  session?: { id: string; url: string };
  /**
   * The caller's queue of writes on `tx`: dispatch adds its closing writes
   * and leaves the flush to the caller, who may add more to the same round
   * trip. Without one, dispatch flushes its own before returning.
   */
  pipeline?: WritePipeline;
};

export type { EventSource };
