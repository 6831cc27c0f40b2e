import { lostInDisputes, openDisputeOn, partialRefundCents, pricedRefundLines, refundableCents, unwonDisputeOn } from "./line-amounts";
import type { DisputeState, OrderContext, OrderEvent, PaymentState, RefundReason, RefundState, ReturnState } from "./order-types";

export { lostInDisputes };

// Pure helpers over the machine's context.

export function paymentOf(context: OrderContext, paymentId: string): PaymentState | undefined {
  return context.payments.find((p) => p.id === paymentId);
}

export function refundOf(context: OrderContext, refundId: string): RefundState | undefined {
  return context.refunds.find((r) => r.id === refundId);
}

/** Payments whose gateway session may still take money: pending, or declined but still open. */
export function openPaymentIds(context: OrderContext): string[] {
  return context.payments.filter((p) => p.status === "pending" || p.status === "failed").map((p) => p.id);
}

export function pendingRefunds(context: OrderContext): RefundState[] {
  return context.refunds.filter((r) => r.status === "pending");
}

export function withPayment(context: OrderContext, paymentId: string, change: Partial<PaymentState>): Pick<OrderContext, "payments"> {
  return { payments: context.payments.map((p) => (p.id === paymentId ? { ...p, ...change } : p)) };
}

export function withRefund(context: OrderContext, refundId: string, change: Partial<RefundState>): Pick<OrderContext, "refunds"> {
  return { refunds: context.refunds.map((r) => (r.id === refundId ? { ...r, ...change } : r)) };
}

export function disputeOf(context: OrderContext, disputeId: string): DisputeState | undefined {
  return context.disputes.find((d) => d.id === disputeId);
}

/**
 * Fulfilment waits while a dispute of the order's payment is open, and stays
 * stopped once one is lost (the money is gone: an operator decides); a won
 * dispute lifts the hold. A dispute of other money (a late or duplicate
 * payment the store refunds) does not hold the order its own payment paid for.
 */
export function heldByDispute(context: Pick<OrderContext, "disputes" | "paidPaymentId">): boolean {
  return unwonDisputeOn(context, context.paidPaymentId);
}

/**
 * A payment a lost dispute charged back: the gateway refuses every refund of it (Stripe's
 * charge_disputed; its dispute's is_charge_refundable is false), even of money the dispute did not
 * take. What the store still owes on it is paid back outside the gateway (RefundState.outside).
 */
export function chargedBack(context: Pick<OrderContext, "disputes">, paymentId: string): boolean {
  return lostInDisputes(context, paymentId) > 0;
}

/**
 * The refund this event settles: a gateway refund by the gateway's REFUND_SUCCEEDED, a refund owed
 * outside the gateway by an operator's REFUND_PAID_OUTSIDE; pending either way. Never the other way
 * round: the gateway cannot confirm money it was never asked for, nor an operator money the gateway sends.
 */
export function refundSettledBy(context: OrderContext, event: OrderEvent): RefundState | undefined {
  if (event.type !== "REFUND_SUCCEEDED" && event.type !== "REFUND_PAID_OUTSIDE") return undefined;
  const refund = context.refunds.find((r) => r.id === event.refundId && r.status === "pending");
  if (!refund) return undefined;
  const outside = refund.outside === true;
  return outside === (event.type === "REFUND_PAID_OUTSIDE") && (!outside || (event.type === "REFUND_PAID_OUTSIDE" && event.by === "admin"))
    ? refund
    : undefined;
}

/** A refund the gateway would refuse (charge_disputed) or that has nothing left to give back. */
export function disputeBlocksRefund(context: OrderContext): boolean {
  return openDisputeOn(context, context.paidPaymentId) || refundableCents(context, context.paidPaymentId) === 0;
}

/** A dispute event that says nothing the order does not already know. */
export function sameDisputeFacts(
  known: DisputeState,
  event: Pick<DisputeState, "status" | "amountCents" | "reason" | "evidenceDueBy">,
): boolean {
  return (
    known.status === event.status &&
    known.amountCents === event.amountCents &&
    known.reason === event.reason &&
    known.evidenceDueBy === event.evidenceDueBy
  );
}

/** The dispute as it stands after a gateway event about it: a closed one is won unless the gateway says lost (an inquiry closes warning_closed). */
export function disputeAfter(event: Extract<OrderEvent, { type: "DISPUTE_OPENED" | "DISPUTE_UPDATED" | "DISPUTE_CLOSED" }>): DisputeState {
  const outcome = event.type !== "DISPUTE_CLOSED" ? "open" : event.status === "lost" ? "lost" : "won";
  return {
    id: event.disputeId,
    paymentId: event.paymentId,
    amountCents: event.amountCents,
    reason: event.reason,
    status: event.status,
    evidenceDueBy: event.evidenceDueBy,
    outcome,
  };
}

/** The refund an event starts: which payment, how much and why, from the event and context. */
export function refundToStart(context: OrderContext, event: OrderEvent): RefundState | undefined {
  const pending = (paymentId: string, amountCents: number, reason: RefundReason, id: string): RefundState => ({
    id,
    paymentId,
    amountCents,
    reason,
    status: "pending",
  });
  switch (event.type) {
    case "PAYMENT_SUCCEEDED":
      // No paid payment yet means the order was cancelled before this money came.
      return pending(event.paymentId, event.amountCents, context.paidPaymentId ? "duplicate_payment" : "late_payment", event.refundId);
    case "UNRECORDED_PAYMENT":
      return pending(event.paymentId, event.amountCents, "unrecorded_payment", event.refundId);
    // A whole-order refund gives back what partial refunds left.
    case "STOCK_UNAVAILABLE": {
      const left = refundableCents(context, context.paidPaymentId);
      return context.paidPaymentId && left > 0 ? pending(context.paidPaymentId, left, "stock_unavailable", event.refundId) : undefined;
    }
    case "REQUEST_REFUND": {
      const left = refundableCents(context, context.paidPaymentId);
      if (!context.paidPaymentId || left <= 0) return undefined;
      const reason = event.by === "admin" ? "requested_by_admin" : "requested_by_customer";
      return pending(context.paidPaymentId, left, reason, event.refundId);
    }
    case "REQUEST_PARTIAL_REFUND": {
      if (!context.paidPaymentId) return undefined;
      const reason = event.by === "admin" ? "requested_by_admin" : "requested_by_customer";
      const partial = {
        lines: pricedRefundLines(context, event.lines ?? []),
        shippingCents: event.shippingCents ?? 0,
        goodwillCents: event.amountCents ?? 0,
      };
      return { ...pending(context.paidPaymentId, partialRefundCents(context, event), reason, event.refundId), partial };
    }
    default:
      return undefined;
  }
}

/**
 * An operator's retry after automation gave up: the newest failed refund whose
 * payment still has money to give back, its payment and reason under a new id,
 * for all that is left of that payment. Not merely the last failed refund: with
 * two payments' refunds failed for good, the first retry settles one, and the
 * next must find the other (it found nothing, and the transition recorded no
 * event: a 500, and that money could never be given back by an operator).
 */
export function refundToRetry(context: OrderContext, event: OrderEvent): RefundState | undefined {
  if (event.type !== "REQUEST_REFUND") return undefined;
  const failed = context.refunds.filter((r) => r.status === "failed" && refundableCents(context, r.paymentId) > 0).at(-1);
  if (!failed) return undefined;
  const amountCents = refundableCents(context, failed.paymentId);
  return { id: event.refundId, paymentId: failed.paymentId, amountCents, reason: failed.reason, status: "pending" };
}

export function returnOf(context: OrderContext, returnId: string): ReturnState | undefined {
  return context.returns.find((r) => r.id === returnId);
}

export function withReturn(context: OrderContext, returnId: string, change: Partial<ReturnState>): Pick<OrderContext, "returns"> {
  return { returns: context.returns.map((r) => (r.id === returnId ? { ...r, ...change } : r)) };
}

/**
 * Units of a book the shopper may still ask to return: bought, less those in
 * requested or received returns, those never shipped (put back on the shelf
 * before shipping: `restocked`) and those given back by other refunds (an
 * operator's partial refund of the line; a failed refund gave its claim back).
 * A refund before shipping both restocks and refunds its copies, so the two
 * count once (the larger). Counting only refunds, a before-shipping refund
 * that failed for good made a copy that never shipped returnable, and its
 * restock made stock out of nothing (a money audit's find).
 */
export function returnableUnits(context: OrderContext, bookId: number): number {
  const bought = context.items.find((i) => i.bookId === bookId)?.quantity ?? 0;
  const refundedOtherwise = context.refunds
    .filter((r) => r.status !== "failed" && r.reason !== "returned")
    .flatMap((r) => r.partial?.lines ?? [])
    .filter((l) => l.bookId === bookId)
    .reduce((sum, l) => sum + l.quantity, 0);
  const neverShipped = context.restocked.find((l) => l.bookId === bookId)?.quantity ?? 0;
  const returned = context.returns
    .filter((r) => r.status === "requested" || r.status === "received")
    .flatMap((r) => r.lines)
    .filter((l) => l.bookId === bookId)
    .reduce((sum, l) => sum + l.quantity, 0);
  return Math.max(0, bought - Math.max(neverShipped, refundedOtherwise) - returned);
}
