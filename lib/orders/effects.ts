import { sql, type SQL } from "drizzle-orm";
import { env } from "@/lib/env";
import type { DomainEventType, Sale } from "@/machines/order-types";
import { addJobQuery, removeJobQuery } from "./jobs";
import type { WritePipeline } from "./pipeline";
import { moveStock } from "./stock";
import type { DispatchOptions, Tx } from "./types";

/** An action as xstate's pure transition returns it. */
export type MachineAction = { type: string; params?: unknown };

export type EffectScope = {
  tx: Tx;
  orderId: string;
  userId: string;
  revision: number;
  options: DispatchOptions;
  /** Every effect is a write nobody reads back: all go out together (pipeline.ts). */
  pipeline: WritePipeline;
  /** Filled by recordEvent; written after all effects. */
  events: { type: DomainEventType; payload: Record<string, unknown> }[];
  alerts: string[];
};

type P = Record<string, unknown> & {
  items?: { bookId: number; quantity: number }[];
  paymentId?: string;
  paymentIds?: string[];
  refundId?: string;
  status?: string;
  reason?: string;
};

const stockMoves = {
  reserveStock: "reserve",
  releaseStock: "release",
  commitStock: "commit",
  returnStock: "return",
} as const;

const textArray = (values: string[]) => `{${values.join(",")}}`;

/**
 * Interprets the machine's named actions: local effects run on the dispatch
 * transaction; external ones become graphile-worker jobs on it, so they exist
 * only if it commits. Effects are idempotent per transition. They are queued
 * on the scope's pipeline and sent together; only a stock move waits, for its
 * row locks.
 */
export async function runEffect(scope: EffectScope, action: MachineAction): Promise<void> {
  const { tx, orderId, pipeline } = scope;
  const write = (query: SQL) => pipeline.write(query);
  const p = (action.params ?? {}) as P;
  const requestId = scope.options.requestId;
  switch (action.type) {
    case "reserveStock":
    case "releaseStock":
    case "commitStock":
    case "returnStock":
      return moveStock(tx, stockMoves[action.type], p.items ?? [], pipeline);
    case "createPayment": {
      // A new attempt carries the session START_PAYMENT was given; money for an unrecorded session names its own.
      const session = p.sessionId ? { id: p.sessionId as string, url: null } : scope.options.session;
      write(sql`
        insert into payments (id, order_id, status, amount_cents, currency, gateway_session_id, gateway_payment_intent_id, checkout_url)
        values (${p.paymentId}, ${orderId}, ${p.status ?? "pending"}, ${p.amountCents as number}, ${p.currency as string},
                ${session?.id ?? null}, ${(p.paymentIntentId as string | undefined) ?? null}, ${session?.url ?? null})`);
      return;
    }
    case "setPaymentStatus":
      if (!p.paymentIds?.length) return;
      write(sql`
        update payments set status = ${p.status}, failure_reason = coalesce(${p.reason ?? null}, failure_reason),
          amount_cents = coalesce(${(p.amountCents as number | undefined) ?? null}::int, amount_cents),
          gateway_payment_intent_id = coalesce(${(p.paymentIntentId as string | undefined) ?? null}, gateway_payment_intent_id), updated_at = now()
        where order_id = ${orderId} and id = any(${textArray(p.paymentIds)}::uuid[])`);
      return;
    case "createRefund":
      write(sql`
        insert into refunds (id, order_id, payment_id, status, amount_cents, currency, reason)
        values (${p.refundId}, ${orderId}, ${p.paymentId}, 'pending', ${p.amountCents as number}, ${p.currency as string}, ${p.reason})`);
      return;
    case "setRefundStatus":
      write(sql`
        update refunds set status = ${p.status}, failure_reason = coalesce(${p.reason ?? null}, failure_reason), updated_at = now()
        where order_id = ${orderId} and id = ${p.refundId}`);
      return;
    case "clearCart":
      // Only the ordered books leave the cart; anything added since stays.
      write(sql`
        delete from cart_items ci using carts c
        where ci.cart_id = c.id and c.user_id = ${scope.userId}
          and ci.book_id in (select book_id from order_items where order_id = ${orderId})`);
      return;
    case "recordSale": {
      const sale = p.sale as Sale;
      const a = sale.address;
      write(sql`
        update orders set total_cents = ${sale.totalCents}, discount_cents = ${sale.discountCents}, shipping_cents = ${sale.shippingCents},
          tax_cents = ${sale.taxCents}, promotion_code = ${sale.promotionCode}, shipping_method = ${sale.shippingMethod},
          shipping_name = ${a?.name ?? null}, shipping_line1 = ${a?.line1 ?? null}, shipping_line2 = ${a?.line2 ?? null},
          shipping_city = ${a?.city ?? null}, shipping_postal_code = ${a?.postalCode ?? null}, shipping_region = ${a?.region ?? null},
          shipping_country = ${a?.country ?? null}, customer_email = coalesce(${sale.email}, customer_email)
        where id = ${orderId}`);
      if (sale.lines.some((line) => line.discountCents !== 0 || line.taxCents !== 0)) {
        const bookIds = p.bookIds as number[];
        const lines = JSON.stringify(sale.lines.map((line, i) => ({ book_id: bookIds[i], discount_cents: line.discountCents, tax_cents: line.taxCents })));
        write(sql`
          update order_items i set discount_cents = l.discount_cents, tax_cents = l.tax_cents
          from jsonb_to_recordset(${lines}::jsonb) as l(book_id int, discount_cents int, tax_cents int)
          where i.order_id = ${orderId} and i.book_id = l.book_id`);
      }
      return;
    }
    case "recordShipment":
      write(sql`
        update orders set tracking_number = ${p.trackingNumber as string}, estimated_delivery = ${p.estimatedDelivery as string}::date,
          fulfilled_at = now() where id = ${orderId}`);
      return;
    case "flagForOperator":
      scope.alerts.push(String(p.reason));
      write(sql`
        update orders set needs_attention = true, attention_reason = ${String(p.reason)} where id = ${orderId}`);
      return;
    case "recordEvent":
      scope.events.push({ type: p.type as DomainEventType, payload: (p.payload as Record<string, unknown>) ?? {} });
      return;
    case "createCheckoutSession":
      // The session is created at the gateway before START_PAYMENT is dispatched
      // (so a gateway failure changes nothing) and stored by createPayment.
      return;
    case "expireCheckoutSessions":
      for (const paymentId of p.paymentIds ?? []) {
        write(addJobQuery("expire_checkout_session", { orderId, paymentId, requestId }, { jobKey: `expire-session:${paymentId}` }));
      }
      return;
    case "refundPayment": {
      // A retry after a refused refund waits: 1, 2, 4 … minutes, at most an hour.
      const attempt = Number(p.attempt ?? 0);
      const runAt = attempt > 0 ? new Date(Date.now() + Math.min(60, 2 ** (attempt - 1)) * 60_000) : undefined;
      write(addJobQuery("refund_payment", { orderId, refundId: p.refundId, requestId }, { jobKey: `refund:${p.refundId}`, runAt }));
      return;
    }
    case "scheduleTimeout":
      write(addJobQuery("payment_timeout", { orderId, requestId }, {
        jobKey: `payment-timeout:${orderId}`,
        runAt: new Date(p.runAt as number),
        maxAttempts: Math.max(env().JOB_MAX_ATTEMPTS, 10),
      }));
      return;
    case "cancelTimeout":
      write(removeJobQuery(`payment-timeout:${orderId}`));
      return;
    case "cancelFulfilment":
      // A locked job (the fulfil job's own FULFIL) is only unkeyed: it finishes and is not retried.
      write(removeJobQuery(`fulfil:${orderId}`));
      return;
    case "sendEmail": {
      const dedupeKey = `${orderId}:${p.template}:${scope.revision}`;
      write(addJobQuery("send_email", { orderId, template: p.template, data: p.data ?? {}, dedupeKey, requestId }, { jobKey: `email:${dedupeKey}` }));
      return;
    }
    case "startFulfilment":
      // The warehouse picks after a while: until then a shopper may still cancel by refund.
      write(addJobQuery("fulfil_order", { orderId, requestId }, {
        jobKey: `fulfil:${orderId}`,
        runAt: new Date(Date.now() + env().FULFILMENT_DELAY_SECONDS * 1000),
      }));
      return;
    default:
      // xstate's own actions (assign, enqueueActions) were applied in transition().
      if (action.type.startsWith("xstate.")) return;
      throw new Error(`order machine emitted an action the engine does not know: ${action.type}`);
  }
}
