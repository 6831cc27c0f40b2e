import type { SnapshotFrom } from "xstate";
import { disputeOf, paymentOf, refundOf, returnOf, sameDisputeFacts } from "./order-context";
import type { OrderMachine } from "./order-machine";
import type { OrderContext, OrderEvent } from "./order-types";
import { refundedQuantities } from "./line-amounts";
import type { OrderDisplayStatus, OrderStatus } from "./statuses";

export type OrderSnapshot = SnapshotFrom<OrderMachine>;
/** The public order status: one of machines/statuses.ts's orderStatuses. */
export type PublicOrderStatus = OrderStatus;
export type UserAction = "pay" | "cancel" | "refund" | "return";

/** The public order status (docs/DESIGN.md, "Statuses") from a snapshot's state value. */
export function statusOf(snapshot: Pick<OrderSnapshot, "value">): PublicOrderStatus | "new" {
  const value = snapshot.value;
  if (typeof value === "string") return "new";
  if ("created" in value) return "created";
  const settled = (value as { settled?: string }).settled;
  return (settled ?? "new") as PublicOrderStatus;
}

/** The leaf state path, e.g. "created.paying"; stored in order_events from/to. */
export function statePath(snapshot: Pick<OrderSnapshot, "value">): string {
  const parts: string[] = [];
  let value: unknown = snapshot.value;
  while (value && typeof value === "object") {
    const [key, child] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    if (!key) break;
    parts.push(key);
    value = child;
  }
  if (typeof value === "string") parts.push(value);
  return parts.join(".");
}

/**
 * An event the machine would refuse because it already happened (a redelivered
 * webhook, a second click) is a duplicate rather than merely not allowed.
 */
export function isDuplicateEvent(snapshot: OrderSnapshot, event: OrderEvent): boolean {
  const context: OrderContext = snapshot.context;
  const status = statusOf(snapshot);
  switch (event.type) {
    case "CHECKOUT":
      return status !== "new" && context.orderId === event.orderId;
    case "START_PAYMENT":
      return !!paymentOf(context, event.paymentId);
    case "PAYMENT_SUCCEEDED": {
      const payment = paymentOf(context, event.paymentId);
      return payment?.status === "paid" || payment?.status === "refunded" || !!payment?.flagged;
    }
    case "UNRECORDED_PAYMENT":
      return !!paymentOf(context, event.paymentId);
    case "PAYMENT_FAILED":
      return paymentOf(context, event.paymentId)?.status === "failed";
    case "PAYMENT_CANCELLED":
      return paymentOf(context, event.paymentId)?.status === "cancelled";
    case "CANCEL":
    case "TIMEOUT":
      return status === "cancelled";
    case "FULFIL":
      return status === "fulfilled";
    case "FULFILMENT_FAILED":
      return context.shipByHand !== null;
    // Pausing a paused order, resuming a running one: the operator's second click.
    case "PAUSE":
      return context.paused !== null;
    case "RESUME":
      return context.paused === null && status !== "new";
    // A second failed start while delayed (another click, another tab); a second probe's news once the link went out.
    case "PAYMENT_DELAYED":
      return context.paymentDelay !== null;
    case "GATEWAY_BACK":
      return status === "created" && context.paymentDelay === null;
    case "REQUEST_REFUND":
    case "REQUEST_PARTIAL_REFUND":
      return !!refundOf(context, event.refundId);
    case "REFUND_SUCCEEDED":
      return refundOf(context, event.refundId)?.status === "succeeded";
    // The operator's second click: the refund owed outside the gateway is recorded as paid already.
    case "REFUND_PAID_OUTSIDE": {
      const refund = refundOf(context, event.refundId);
      return refund?.outside === true && refund.status === "succeeded";
    }
    case "REFUND_FAILED":
      return refundOf(context, event.refundId)?.status === "failed";
    case "STOCK_UNAVAILABLE":
      return context.refunds.some((r) => r.reason === "stock_unavailable");
    case "CLAIM":
      return !!context.claimedBy && context.claimedBy === event.userId;
    // The carrier resends a callback until it hears 2xx, and a retry may come after a later one: both are duplicates.
    case "TRACKING_UPDATED": {
      const last = Math.max(0, ...context.tracking.map((t) => t.sequence));
      return (
        event.trackingNumber === context.shipment?.trackingNumber &&
        (context.tracking.some((t) => t.eventId === event.eventId) || event.sequence <= last || context.deliveredAt !== null)
      );
    }
    case "DELIVER":
      return context.deliveredAt !== null && (event.by === "admin" || event.trackingNumber === context.shipment?.trackingNumber);
    case "REQUEST_RETURN":
      return !!returnOf(context, event.returnId);
    case "RECEIVE_RETURN":
      return returnOf(context, event.returnId)?.status === "received";
    case "REJECT_RETURN":
      return returnOf(context, event.returnId)?.status === "rejected";
    case "RETURN_EXPIRED":
      return returnOf(context, event.returnId)?.status === "expired";
    case "DISPUTE_OPENED":
      return !!disputeOf(context, event.disputeId);
    case "DISPUTE_UPDATED":
    case "DISPUTE_CLOSED": {
      // Known and already decided, or this very news again.
      const known = disputeOf(context, event.disputeId);
      if (!known) return false;
      if (known.outcome !== "open") return true;
      return event.type === "DISPUTE_UPDATED" && sameDisputeFacts(known, event);
    }
  }
}

/** How the order's payment stands with disputes, for the pages: the latest dispute's, or null when none. */
export type DisputeStanding = "disputed" | "dispute_won" | "dispute_lost";
export function disputeStandingOf(context: OrderContext): DisputeStanding | null {
  if (context.disputes.some((d) => d.outcome === "open")) return "disputed";
  if (context.disputes.some((d) => d.outcome === "lost")) return "dispute_lost";
  return context.disputes.length > 0 ? "dispute_won" : null;
}

/** What a shopper may do now, asked of the machine itself. */
export function allowedUserActions(snapshot: OrderSnapshot, now: number, refundWindowDays: number, returnWindowDays = 0): UserAction[] {
  const actions: UserAction[] = [];
  const hasPending = snapshot.context.payments.some((p) => p.status === "pending");
  // A pending payment can be resumed (same checkout URL) while the window is open.
  if (
    snapshot.can({ type: "START_PAYMENT", paymentId: "probe", at: now }) ||
    (hasPending && statusOf(snapshot) === "created" && now < snapshot.context.paymentDeadline)
  ) {
    actions.push("pay");
  }
  if (snapshot.can({ type: "CANCEL", at: now })) actions.push("cancel");
  if (snapshot.can({ type: "REQUEST_REFUND", refundId: "probe", by: "user", windowDays: refundWindowDays, at: now })) {
    actions.push("refund");
  }
  // Some line can still be returned: ask with one unit of each line in turn.
  const canReturn = snapshot.context.items.some((item) =>
    snapshot.can({
      type: "REQUEST_RETURN",
      returnId: "probe",
      lines: [{ bookId: item.bookId, quantity: 1 }],
      reason: "probe",
      windowDays: returnWindowDays,
      expiryDays: 1,
      at: now,
    }),
  );
  if (canReturn) actions.push("return");
  return actions;
}

/** A shopper may ask some lines back now: one copy of a line not refunded yet would be accepted. */
export function canRefundLines(snapshot: OrderSnapshot, now: number, refundWindowDays: number): boolean {
  const refunded = refundedQuantities(snapshot.context);
  const line = snapshot.context.items.find((i) => i.quantity > (refunded.get(i.bookId) ?? 0));
  if (!line) return false;
  const lines = [{ bookId: line.bookId, quantity: 1 }];
  return snapshot.can({ type: "REQUEST_PARTIAL_REFUND", refundId: "probe", by: "user", lines, windowDays: refundWindowDays, at: now });
}

/**
 * What the order pages show: the machine's status, or "partially_refunded"
 * while a paid or shipped order has given some money back (or is giving it).
 */
export function displayStatusOf<S extends OrderStatus | "new">(status: S, context: OrderContext): S | OrderDisplayStatus {
  const partial = context.refunds.some((r) => r.partial && r.status !== "failed");
  return partial && (status === "paid" || status === "fulfilled" || status === "delivered") ? "partially_refunded" : status;
}
