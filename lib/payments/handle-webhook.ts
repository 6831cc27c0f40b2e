import type Stripe from "stripe";
import { NotAdmitted, withOrderTransaction, type OrderTx } from "@/db/transaction";
import { faultPoint } from "@/lib/faults";
import { isUuid } from "@/lib/ids";
import { instrument } from "@/lib/observability/operations";
import { dispatch } from "@/lib/orders/dispatch";
import type { DispatchOutcome } from "@/lib/orders/types";
import { paidInFull, type DisputeInfo, type RefundInfo } from "./gateway";
import { settleRefundOutcome } from "./refund-outcome";
import { dispatchSessionFact, withSale } from "./settle-from-gateway";
import { paymentById, paymentOfIntent, paymentOfSession, recordWebhookEvent, refundOfGatewayRefund, setWebhookOutcome } from "./store";
import { toGatewayEvent, type GatewayEvent } from "./stripe-events";

export type WebhookOutcome = "handled" | "duplicate" | "ignored" | "awaiting_async" | "unknown_payment";

function outcomeOf(results: (DispatchOutcome | undefined)[]): WebhookOutcome {
  const found = results.filter((r): r is DispatchOutcome => !!r);
  if (found.length === 0) return "unknown_payment";
  if (found.includes("accepted")) return "handled";
  return found.every((r) => r === "duplicate") ? "duplicate" : "ignored";
}

/** A refund's news: its outcome dispatched (settleRefundOutcome), or "ignored" while the gateway has not decided. */
async function dispatchRefund(otx: OrderTx, refund: RefundInfo): Promise<{ outcome: DispatchOutcome; orderId: string } | undefined> {
  const row = await refundOfGatewayRefund(otx, refund.refundId, refund.id);
  if (!row) return undefined;
  const result = await settleRefundOutcome(row, refund);
  return { outcome: result === "pending" ? "ignored" : result.outcome, orderId: row.order_id };
}

const disputeEvents = { opened: "DISPUTE_OPENED", updated: "DISPUTE_UPDATED", closed: "DISPUTE_CLOSED" } as const;

/**
 * A dispute can overtake the payment it disputes (the gateway sends both at
 * once): for this long after the gateway created the event, a dispute on a
 * payment intent the store has not recorded yet is refused with a 5xx so it
 * is redelivered; after that it is acknowledged as not ours.
 */
export const DISPUTE_EARLY_MS = 3_600_000;

/** A dispute's news, dispatched to the order whose payment the disputed charge paid. */
async function dispatchDispute(
  otx: OrderTx,
  change: keyof typeof disputeEvents,
  dispute: DisputeInfo,
  at: number,
): Promise<{ outcome: WebhookOutcome; orderId?: string }> {
  const payment = dispute.paymentIntentId ? await paymentOfIntent(dispute.paymentIntentId, otx) : undefined;
  if (!payment && dispute.paymentIntentId && Date.now() - at < DISPUTE_EARLY_MS) {
    throw new Error(`dispute ${dispute.id} on payment intent ${dispute.paymentIntentId}, not recorded yet: redeliver later`);
  }
  if (!payment) return { outcome: "unknown_payment" };
  const result = await dispatch(
    payment.order_id,
    {
      type: disputeEvents[change],
      paymentId: payment.id,
      disputeId: dispute.id,
      amountCents: dispute.amount,
      reason: dispute.reason,
      status: dispute.status,
      evidenceDueBy: dispute.evidenceDueBy,
      at,
    },
    "gateway",
  );
  return { outcome: outcomeOf([result.outcome]), orderId: payment.order_id };
}

async function apply(otx: OrderTx, event: GatewayEvent): Promise<{ outcome: WebhookOutcome; orderId?: string; sessionId?: string }> {
  switch (event.type) {
    case "session_completed":
    case "session_async_succeeded": {
      // A completed session that is still unpaid is a delayed method: wait for the async event.
      if (!paidInFull(event.session.paymentStatus)) return { outcome: "awaiting_async", sessionId: event.session.id };
      const { result } = await dispatchSessionFact(event.session, { kind: "paid", at: event.at }, "gateway");
      return { outcome: outcomeOf([result?.outcome]), orderId: result?.orderId, sessionId: event.session.id };
    }
    case "session_async_failed":
    case "session_expired": {
      const payment = await paymentOfSession(event.session.id, otx);
      if (!payment) return { outcome: "unknown_payment", sessionId: event.session.id };
      const result =
        event.type === "session_async_failed"
          ? await dispatch(
              payment.order_id,
              { type: "PAYMENT_FAILED", paymentId: payment.id, reason: "async_payment_failed", at: event.at },
              "gateway",
            )
          : await dispatch(payment.order_id, { type: "PAYMENT_CANCELLED", paymentId: payment.id, at: event.at }, "gateway");
      return { outcome: outcomeOf([result.outcome]), orderId: payment.order_id, sessionId: event.session.id };
    }
    case "payment_failed": {
      if (!isUuid(event.paymentId)) return { outcome: "unknown_payment" };
      const payment = await paymentById(event.paymentId, otx);
      if (!payment) return { outcome: "unknown_payment" };
      const result = await dispatch(
        payment.order_id,
        { type: "PAYMENT_FAILED", paymentId: payment.id, reason: event.reason, at: event.at },
        "gateway",
      );
      return { outcome: outcomeOf([result.outcome]), orderId: payment.order_id };
    }
    case "refund_updated": {
      const results = [];
      for (const refund of event.refunds) results.push(await dispatchRefund(otx, refund));
      return { outcome: outcomeOf(results.map((r) => r?.outcome)), orderId: results.find((r) => r)?.orderId };
    }
    case "dispute":
      return dispatchDispute(otx, event.change, event.dispute, event.at);
    case "ignored":
      return { outcome: "ignored" };
  }
}

/**
 * Handles one verified gateway event: its id goes into webhook_events in the
 * same transaction as the dispatch, so a redelivery is recognised and a crash
 * before commit leaves nothing half-done (the gateway redelivers).
 * `rawBody`: the verified request body `event` was parsed from; stored as it
 * is (json: the very text), which saves serialising the event again per delivery.
 */
export async function handleWebhook(event: Stripe.Event, rawBody?: string): Promise<WebhookOutcome> {
  const handled = await instrument(
    "payment_processing",
    { name: `webhook ${event.type}`, orderOf: (r: { orderId?: string }) => r.orderId },
    async () => {
      let gatewayEvent = toGatewayEvent(event);
      // A paid session's sale (address, shipping, tax, discount, total) is read back from the gateway before the transaction opens.
      if (
        (gatewayEvent.type === "session_completed" || gatewayEvent.type === "session_async_succeeded") &&
        paidInFull(gatewayEvent.session.paymentStatus)
      ) {
        gatewayEvent = { ...gatewayEvent, session: await withSale(gatewayEvent.session) };
      }
      // The event row goes out with the order lock behind it (one round trip),
      // and the dispatch's closing writes, the outcome and COMMIT in another.
      try {
        return await withOrderTransaction(async (otx): Promise<{ outcome: WebhookOutcome; orderId?: string }> => {
          const recorded = recordWebhookEvent(otx, { id: event.id, type: event.type, payloadJson: rawBody ?? JSON.stringify(event) });
          // A redelivery changes nothing: every dispatch below waits for this before applying (NotAdmitted).
          otx.admission = recorded.then((fresh) => {
            if (fresh) faultPoint("webhook:after_insert");
            return fresh;
          });
          otx.admission.catch(() => {}); // awaited below; a failure before that is not unhandled
          let applied: Awaited<ReturnType<typeof apply>>;
          try {
            applied = await apply(otx, gatewayEvent);
          } catch (error) {
            // The event row's own failure is the news, and a redelivery is a redelivery whatever its handling met.
            if (!(await otx.admission)) throw new NotAdmitted();
            throw error;
          }
          // What was read or written without a dispatch (a refund's gateway id) is undone for a redelivery too.
          if (!(await otx.admission)) throw new NotAdmitted();
          const { outcome, orderId, sessionId } = applied;
          setWebhookOutcome(otx.pipeline, event.id, { outcome, orderId, sessionId });
          return { outcome, orderId };
        });
      } catch (error) {
        if (error instanceof NotAdmitted) return { outcome: "duplicate" as const };
        throw error;
      }
    },
  );
  return handled.outcome;
}
