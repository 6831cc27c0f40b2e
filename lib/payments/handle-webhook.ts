import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { getDb } from "@/db";
import { faultPoint } from "@/lib/faults";
import { currentContext } from "@/lib/observability/context";
import { instrument } from "@/lib/observability/operations";
import { dispatch } from "@/lib/orders/dispatch";
import { WritePipeline } from "@/lib/orders/pipeline";
import type { DispatchResult, Tx } from "@/lib/orders/types";
import type { RefundInfo } from "./gateway";
import { dispatchSessionFact, withSale } from "./settle-from-gateway";
import { toGatewayEvent, type GatewayEvent } from "./stripe-events";
import { isUuid } from "@/lib/ids";

export type WebhookOutcome = "handled" | "duplicate" | "ignored" | "awaiting_async" | "unknown_payment";

function outcomeOf(results: (DispatchResult | undefined)[]): WebhookOutcome {
  const found = results.filter((r): r is DispatchResult => !!r);
  if (found.length === 0) return "unknown_payment";
  if (found.some((r) => r.outcome === "accepted")) return "handled";
  return found.every((r) => r.outcome === "duplicate") ? "duplicate" : "ignored";
}

/** The webhook's transaction, its request id and its queue of writes (flushed before commit). */
type WebhookTx = { tx: Tx; requestId?: string; pipeline: WritePipeline };

async function dispatchRefund(options: WebhookTx, refund: RefundInfo): Promise<DispatchResult | undefined> {
  const { tx } = options;
  const [row] = await WritePipeline.read<{ id: string; order_id: string }>(tx, options.pipeline, sql`
    select id, order_id from refunds where id::text = ${refund.refundId ?? ""} or gateway_refund_id = ${refund.id} limit 1`);
  if (!row) return undefined;
  options.pipeline.write(sql`update refunds set gateway_refund_id = ${refund.id} where id = ${row.id} and gateway_refund_id is null`);
  if (refund.status === "succeeded") return dispatch(row.order_id, { type: "REFUND_SUCCEEDED", refundId: row.id }, "gateway", options);
  if (refund.status === "failed" || refund.status === "canceled") {
    return dispatch(row.order_id, { type: "REFUND_FAILED", refundId: row.id, reason: refund.failureReason ?? refund.status }, "gateway", options);
  }
  return { outcome: "ignored", orderId: row.order_id, status: "", fromState: "", toState: "", revision: 0 };
}

async function apply(options: WebhookTx, event: GatewayEvent): Promise<{ outcome: WebhookOutcome; orderId?: string; sessionId?: string }> {
  const { tx } = options;
  switch (event.type) {
    case "session_completed":
    case "session_async_succeeded": {
      // A completed session that is still unpaid is a delayed method: wait for the async event.
      if (event.session.paymentStatus !== "paid") return { outcome: "awaiting_async", sessionId: event.session.id };
      const { result } = await dispatchSessionFact(event.session, { kind: "paid", at: event.at }, "gateway", options);
      return { outcome: outcomeOf([result]), orderId: result?.orderId, sessionId: event.session.id };
    }
    case "session_async_failed":
    case "session_expired": {
      const [payment] = await tx.execute<{ id: string; order_id: string }>(sql`
        select id, order_id from payments where gateway_session_id = ${event.session.id}`);
      if (!payment) return { outcome: "unknown_payment", sessionId: event.session.id };
      const result =
        event.type === "session_async_failed"
          ? await dispatch(payment.order_id, { type: "PAYMENT_FAILED", paymentId: payment.id, reason: "async_payment_failed", at: event.at }, "gateway", options)
          : await dispatch(payment.order_id, { type: "PAYMENT_CANCELLED", paymentId: payment.id, at: event.at }, "gateway", options);
      return { outcome: outcomeOf([result]), orderId: payment.order_id, sessionId: event.session.id };
    }
    case "payment_failed": {
      if (!isUuid(event.paymentId)) return { outcome: "unknown_payment" };
      const [payment] = await tx.execute<{ id: string; order_id: string }>(sql`select id, order_id from payments where id = ${event.paymentId}`);
      if (!payment) return { outcome: "unknown_payment" };
      const result = await dispatch(payment.order_id, { type: "PAYMENT_FAILED", paymentId: payment.id, reason: event.reason, at: event.at }, "gateway", options);
      return { outcome: outcomeOf([result]), orderId: payment.order_id };
    }
    case "refund_updated": {
      const results: (DispatchResult | undefined)[] = [];
      for (const refund of event.refunds) results.push(await dispatchRefund(options, refund));
      return { outcome: outcomeOf(results), orderId: results.find((r) => r)?.orderId };
    }
    case "ignored":
      return { outcome: "ignored" };
  }
}

/**
 * Handles one verified gateway event: its id goes into webhook_events in the
 * same transaction as the dispatch, so a redelivery is recognised and a crash
 * before commit leaves nothing half-done (the gateway redelivers).
 */
export async function handleWebhook(event: Stripe.Event, requestId = currentContext().requestId): Promise<WebhookOutcome> {
  const handled = await instrument("payment_processing", { name: `webhook ${event.type}`, orderOf: (r: { orderId?: string }) => r.orderId }, async () => {
    let gatewayEvent = toGatewayEvent(event);
    // A paid session's sale (address, shipping, tax, discount, total) is read back from the gateway before the transaction opens.
    if ((gatewayEvent.type === "session_completed" || gatewayEvent.type === "session_async_succeeded") && gatewayEvent.session.paymentStatus === "paid") {
      gatewayEvent = { ...gatewayEvent, session: await withSale(gatewayEvent.session) };
    }
    const { db } = await getDb();
    return db.transaction(async (tx): Promise<{ outcome: WebhookOutcome; orderId?: string }> => {
      const inserted = await tx.execute(sql`
        insert into webhook_events (id, type, outcome, payload) values (${event.id}, ${event.type}, 'received', ${JSON.stringify(event)}::jsonb)
        on conflict (id) do nothing returning id`);
      if (inserted.length === 0) return { outcome: "duplicate" };
      faultPoint("webhook:after_insert");
      // The dispatch's closing writes and the outcome below go out in one round trip.
      const pipeline = new WritePipeline(tx);
      const { outcome, orderId, sessionId } = await apply({ tx, requestId, pipeline }, gatewayEvent);
      pipeline.write(sql`
        update webhook_events set outcome = ${outcome}, order_id = ${orderId ?? null}, gateway_session_id = ${sessionId ?? null} where id = ${event.id}`);
      await pipeline.flush();
      return { outcome, orderId };
    });
  });
  return handled.outcome;
}
