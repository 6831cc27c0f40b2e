import { createHash } from "node:crypto";
import type { EventSource } from "@/db/schema";
import { isUuid } from "@/lib/ids";
import { logger } from "@/lib/observability/log";
import { dispatchBySession, dispatchIfOrderExists } from "@/lib/orders/dispatch";
import type { DispatchResult } from "@/lib/orders/types";
import { getPaymentGateway, paidInFull, type CheckoutSessionInfo, type PaymentGateway, type PaymentIntentInfo } from "./gateway";
import { paymentOfSession, type KnownPayment } from "./store";

export type SettleOutcome = "paid" | "processing" | "failed" | "cancelled" | "open" | "expired" | "unknown_session";

/**
 * What a gateway session says happened, in the machine's terms, with the
 * gateway's time (epoch ms): the same fact a webhook would have brought.
 */
export type SessionFact =
  | { kind: "paid"; at: number }
  | { kind: "failed"; reason: string; at: number }
  | { kind: "cancelled"; at: number }
  | { kind: "processing" }
  | { kind: "open" };

/** A gateway clock ahead of ours never dates an event in our future. */
const gatewayTime = (at: number | null | undefined): number => Math.min(at ?? Date.now(), Date.now());

/** The decline code when there is one (insufficient_funds, generic_decline…), else the error code. */
export function failureReason(error: PaymentIntentInfo["lastPaymentError"]): string {
  return error?.declineCode ?? error?.code ?? "payment_failed";
}

/** The fact a PaymentIntent states about a session that is complete but unpaid, or open after a decline. */
export function intentFact(intent: PaymentIntentInfo, sessionStatus: CheckoutSessionInfo["status"]): SessionFact {
  switch (intent.status) {
    case "succeeded":
      return { kind: "paid", at: gatewayTime(intent.attemptedAt) };
    case "canceled":
      return { kind: "cancelled", at: gatewayTime(intent.canceledAt) };
    case "requires_payment_method":
      // Open and never attempted is just open; complete and back to needing a method means the money did not come.
      if (intent.lastPaymentError || sessionStatus === "complete") {
        return { kind: "failed", reason: failureReason(intent.lastPaymentError), at: gatewayTime(intent.attemptedAt) };
      }
      return { kind: "open" };
    default:
      // processing, or waiting on the shopper (3-D Secure and the like).
      return sessionStatus === "complete" ? { kind: "processing" } : { kind: "open" };
  }
}

/**
 * Reads what the gateway knows about a session the store recorded (`known`),
 * asking for its PaymentIntent only when the session alone cannot tell: a
 * completed session that is unpaid (a bank transfer processing, or failed), or
 * an open one after a decline.
 */
export async function readSessionFact(
  session: CheckoutSessionInfo,
  gateway: PaymentGateway,
  known: KnownPayment | undefined,
): Promise<SessionFact> {
  // A session carries no time of completion: a paid one is dated when we read it.
  if (session.status === "complete" && paidInFull(session.paymentStatus)) return { kind: "paid", at: Date.now() };
  const intent = session.paymentIntentId;
  if (session.status === "expired") {
    // The gateway closed it on its own (at its expires_at): the attempt is over.
    const canceledAt = intent ? (await gateway.retrievePaymentIntent(intent)).canceledAt : null;
    return { kind: "cancelled", at: gatewayTime(canceledAt ?? session.expiresAt) };
  }
  // Open and already recorded as declined (or closed by us): only a completion would be news.
  if (!intent || (session.status === "open" && known && known.status !== "pending")) {
    return session.status === "complete" ? { kind: "processing" } : { kind: "open" };
  }
  return intentFact(await gateway.retrievePaymentIntent(intent), session.status);
}

/** A payment id for money on a session whose metadata names none of ours: stable per session, so a repeat is a duplicate. */
function unrecordedPaymentId(session: CheckoutSessionInfo): string {
  if (isUuid(session.paymentId)) return session.paymentId;
  const hex = createHash("sha256").update(session.id).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Money for a session the store never recorded (its START_PAYMENT was
 * refused, or the process died between the gateway and the database). If its
 * metadata names one of our orders, that order records and refunds it.
 */
async function dispatchUnrecorded(session: CheckoutSessionInfo, at: number, source: EventSource): Promise<DispatchResult | undefined> {
  if (!session.orderId || !session.amountTotal || !session.currency) return undefined;
  const result = await dispatchIfOrderExists(
    session.orderId,
    {
      type: "UNRECORDED_PAYMENT",
      paymentId: unrecordedPaymentId(session),
      sessionId: session.id,
      amountCents: session.amountTotal,
      currency: session.currency,
      paymentIntentId: session.paymentIntentId ?? undefined,
      at,
    },
    source,
  );
  if (result?.outcome === "accepted") {
    logger().warn(
      { alert: "unrecorded_payment", orderId: result.orderId, sessionId: session.id, amountCents: session.amountTotal, source },
      "money arrived for a checkout session the store never recorded: refunding it",
    );
  }
  return result;
}

/**
 * The session with its sale read back from the gateway's API: what the store
 * agrees to is the session it created as the gateway holds it, never what a
 * message about it claims. Read before any transaction opens.
 */
export async function withSale(session: CheckoutSessionInfo, gateway?: PaymentGateway): Promise<CheckoutSessionInfo> {
  // Only a shipped sale has one to read; a session without the mark that belongs to a shipping order is refused by the machine (no address).
  if (session.sale || !session.shipped) return session;
  return { ...session, sale: await (gateway ?? (await getPaymentGateway())).retrieveSale(session.id) };
}

/**
 * Dispatches a session's fact: the machine gets the event a webhook would
 * have sent, with the gateway's time; the one that comes later is a duplicate.
 */
export async function dispatchSessionFact(
  session: CheckoutSessionInfo,
  fact: SessionFact,
  source: EventSource,
): Promise<{ outcome: SettleOutcome; result?: DispatchResult }> {
  switch (fact.kind) {
    case "paid": {
      // handleWebhook reads the sale before its transaction opens; other callers are outside one.
      const sale = (await withSale(session)).sale;
      const paid = await dispatchBySession(
        session.id,
        (paymentId) => ({
          type: "PAYMENT_SUCCEEDED",
          paymentId,
          amountCents: session.amountTotal ?? -1,
          currency: session.currency ?? "",
          paymentIntentId: session.paymentIntentId ?? undefined,
          ...(sale ? { sale } : {}),
          at: fact.at,
        }),
        source,
      );
      const result = paid ?? (await dispatchUnrecorded(session, fact.at, source));
      return result ? { outcome: "paid", result } : { outcome: "unknown_session" };
    }
    case "failed": {
      const result = await dispatchBySession(
        session.id,
        (paymentId) => ({ type: "PAYMENT_FAILED", paymentId, reason: fact.reason, at: fact.at }),
        source,
      );
      return result ? { outcome: "failed", result } : { outcome: "unknown_session" };
    }
    case "cancelled": {
      const result = await dispatchBySession(session.id, (paymentId) => ({ type: "PAYMENT_CANCELLED", paymentId, at: fact.at }), source);
      return result ? { outcome: "cancelled", result } : { outcome: "unknown_session" };
    }
    default:
      return { outcome: fact.kind };
  }
}

/**
 * Settles a session read from the gateway: what it (and its PaymentIntent)
 * say is dispatched. `expiredByUs`: we just expired it ourselves, on behalf
 * of a transition that already closed the attempt (timeout, a new attempt),
 * so its expiry is no news.
 */
export async function settleSession(
  session: CheckoutSessionInfo,
  source: EventSource,
  options: { expiredByUs?: boolean } = {},
): Promise<SettleOutcome> {
  const known = await paymentOfSession(session.id);
  const paid = session.status === "complete" && paidInFull(session.paymentStatus);
  // Unrecorded sessions matter only when they took money.
  if (!known && !paid) return "unknown_session";
  if (session.status === "expired" && (options.expiredByUs || (known && known.status !== "pending" && known.status !== "failed")))
    return "expired";
  const fact = await readSessionFact(session, await getPaymentGateway(), known);
  return (await dispatchSessionFact(session, fact, source)).outcome;
}

/**
 * Asks the gateway what became of a session (expiring it first when asked) and
 * dispatches what it says: the same event a webhook would bring. Used by the
 * return page, payment starts, the timeout and expiry jobs and the reconciler.
 */
export async function settleFromGateway(
  sessionId: string,
  source: EventSource,
  options: { expire?: boolean } = {},
): Promise<SettleOutcome> {
  const gateway = await getPaymentGateway();
  const session = options.expire ? await gateway.expireCheckoutSession(sessionId) : await gateway.retrieveCheckoutSession(sessionId);
  return settleSession(session, source, { expiredByUs: options.expire });
}
