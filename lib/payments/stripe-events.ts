import type Stripe from "stripe";
import { AppError } from "@/lib/errors";
import type { CheckoutSessionInfo, DisputeInfo, RefundInfo } from "./gateway";
import { stripeClient, webhookSecret } from "./stripe-client";
import { toDisputeInfo, toRefundInfo, toSessionInfo } from "./stripe-gateway";
import { recordSignatureFailure } from "./webhook-health";

/** A verified gateway event in our own terms (only lib/payments/stripe* knows Stripe's shapes). */
type Kind =
  | { type: "session_completed" | "session_async_succeeded" | "session_async_failed" | "session_expired"; session: CheckoutSessionInfo }
  | { type: "payment_failed"; paymentId: string | null; orderId: string | null; reason: string }
  | { type: "refund_updated"; refunds: RefundInfo[] }
  | { type: "dispute"; change: "opened" | "updated" | "closed"; dispute: DisputeInfo }
  | { type: "ignored"; stripeType: string };

/** `at`: when the gateway says it happened (epoch ms, never after our now). */
export type GatewayEvent = Kind & { id: string; at: number };

/** Verifies the signature on the raw body (default tolerance: 300 s). */
export function verifyWebhook(rawBody: string, signature: string | null): Stripe.Event {
  // A missing secret is our misconfiguration (a 500 the gateway retries), never "accept".
  const secret = webhookSecret();
  if (!signature) throw new AppError("invalid_request", "Missing Stripe-Signature header");
  let event: Stripe.Event;
  try {
    event = stripeClient().webhooks.constructEvent(rawBody, signature, secret);
  } catch {
    // Counted for the health check: a burst means the signing secret is wrong.
    recordSignatureFailure();
    throw new AppError("invalid_request", "Webhook signature verification failed");
  }
  // Signed but not an event (a misconfigured sender): refuse it once rather than 500 and be resent forever.
  const e = event as unknown as Record<string, unknown> | null;
  const data = e && typeof e.data === "object" ? (e.data as Record<string, unknown> | null) : null;
  if (
    !e ||
    typeof e.id !== "string" ||
    !e.id ||
    typeof e.type !== "string" ||
    !data ||
    typeof data.object !== "object" ||
    data.object === null
  ) {
    throw new AppError("invalid_request", "The webhook body is not an event");
  }
  return event;
}

export function toGatewayEvent(event: Stripe.Event): GatewayEvent {
  return { id: event.id, at: Math.min(event.created * 1000, Date.now()), ...kindOf(event) };
}

function kindOf(event: Stripe.Event): Kind {
  switch (event.type) {
    case "checkout.session.completed":
      return { type: "session_completed", session: toSessionInfo(event.data.object) };
    case "checkout.session.async_payment_succeeded":
      return { type: "session_async_succeeded", session: toSessionInfo(event.data.object) };
    case "checkout.session.async_payment_failed":
      return { type: "session_async_failed", session: toSessionInfo(event.data.object) };
    case "checkout.session.expired":
      return { type: "session_expired", session: toSessionInfo(event.data.object) };
    case "payment_intent.payment_failed": {
      const intent = event.data.object;
      const error = intent.last_payment_error;
      return {
        type: "payment_failed",
        paymentId: intent.metadata?.payment_id ?? null,
        orderId: intent.metadata?.order_id ?? null,
        reason: error?.decline_code ?? error?.code ?? "payment_failed",
      };
    }
    case "charge.refunded":
      return { type: "refund_updated", refunds: (event.data.object.refunds?.data ?? []).map(toRefundInfo) };
    case "refund.updated":
    case "refund.created":
    case "refund.failed":
      return { type: "refund_updated", refunds: [toRefundInfo(event.data.object)] };
    case "charge.dispute.created":
      return { type: "dispute", change: "opened", dispute: toDisputeInfo(event.data.object) };
    case "charge.dispute.updated":
      return { type: "dispute", change: "updated", dispute: toDisputeInfo(event.data.object) };
    case "charge.dispute.closed":
      return { type: "dispute", change: "closed", dispute: toDisputeInfo(event.data.object) };
    default:
      return { type: "ignored", stripeType: event.type };
  }
}
