import type { DisputeState, OrderContext, OrderEvent, PaymentState, RefundReason, RefundState } from "./order-types";

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

/** Money on a payment that a lost dispute took back: gone, and never refunded. */
export function lostInDisputes(context: Pick<OrderContext, "disputes">, paymentId?: string): number {
  return context.disputes
    .filter((d) => d.outcome === "lost" && (paymentId === undefined || d.paymentId === paymentId))
    .reduce((sum, d) => sum + d.amountCents, 0);
}

/** What a refund of the paid payment may still give back: captured − lost in disputes (refunds are of the whole order). */
export function refundableCents(context: OrderContext): number {
  if (!context.paidPaymentId) return 0;
  return Math.max(0, context.totalCents - lostInDisputes(context, context.paidPaymentId));
}

/**
 * Fulfilment waits while a dispute is open, and stays stopped once one is
 * lost (the money is gone: an operator decides); a won dispute lifts the hold.
 */
export function heldByDispute(context: Pick<OrderContext, "disputes">): boolean {
  return context.disputes.some((d) => d.outcome !== "won");
}

/** A refund the gateway would refuse (charge_disputed) or that has nothing left to give back. */
export function disputeBlocksRefund(context: OrderContext): boolean {
  return context.disputes.some((d) => d.outcome === "open" && d.paymentId === context.paidPaymentId) || refundableCents(context) === 0;
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
    case "STOCK_UNAVAILABLE":
      return context.paidPaymentId
        ? pending(context.paidPaymentId, refundableCents(context), "stock_unavailable", event.refundId)
        : undefined;
    case "REQUEST_REFUND": {
      if (!context.paidPaymentId) return undefined;
      const reason = event.by === "admin" ? "requested_by_admin" : "requested_by_customer";
      return pending(context.paidPaymentId, refundableCents(context), reason, event.refundId);
    }
    default:
      return undefined;
  }
}

/** An operator's retry after automation gave up: the last failed refund, again, under a new id. */
export function refundToRetry(context: OrderContext, event: OrderEvent): RefundState | undefined {
  if (event.type !== "REQUEST_REFUND") return undefined;
  const lastFailed = context.refunds.filter((r) => r.status === "failed").at(-1);
  return lastFailed ? { ...lastFailed, id: event.refundId, status: "pending" } : undefined;
}
