// Plain-language labels for order data shown to shoppers.

import type { OrderView } from "@/lib/orders/order-view";
import type { PaymentStatus, RefundStatus, ReturnStatus, TrackingStatus } from "@/machines/statuses";

/**
 * The shopper's latest payment attempt on an unpaid order; money that came
 * through a page the order no longer used (paid, then refunded) is not one.
 */
export function lastAttempt(order: Pick<OrderView, "payments">): OrderView["payments"][number] | undefined {
  return order.payments.filter((p) => p.status !== "paid" && p.status !== "refunded").at(-1);
}

/** First 8 characters of the id, upper-case: "Order 1A2B3C4D". */
export function shortOrderId(id: string): string {
  return id.slice(0, 8).toUpperCase();
}

export function itemCount(items: { quantity: number }[]): number {
  return items.reduce((sum, item) => sum + item.quantity, 0);
}

/**
 * The books of an order in a few words, for a list: "Emma", "Emma, Persuasion",
 * "Emma, Persuasion +1" (titles in the order's line order; the rest counted).
 */
export function titlesSummary(items: { title: string }[], shown = 2): string {
  const titles = items.map((item) => item.title);
  const head = titles.slice(0, shown).join(", ");
  return titles.length > shown ? `${head} +${titles.length - shown}` : head;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

const eventLabels: Record<string, string> = {
  OrderCreated: "Order placed",
  PaymentStarted: "Payment started",
  OrderPaid: "Payment received",
  UnrecordedPaymentReceived: "Extra payment received",
  PaymentFailed: "Payment failed",
  PaymentCancelled: "Payment cancelled",
  PaymentTimedOut: "Payment time ran out",
  OrderCancelled: "Order cancelled",
  RefundRequested: "Refund started",
  PaymentRefunded: "Refund completed",
  RefundFailed: "Refund attempt failed",
  OrderFulfilled: "Shipped",
  ShipmentProgressed: "Shipment update",
  OrderDelivered: "Delivered",
  ReturnRequested: "Return requested",
  ReturnReceived: "Return received",
  ReturnRejected: "Return not accepted",
  ReturnExpired: "Return expired",
  OrderPaused: "On hold",
  OrderResumed: "No longer on hold",
  OrderClosed: "Order closed",
};

/** "OrderCreated" -> "Order placed"; unknown types are split into words. */
export function eventLabel(type: string): string {
  const known = eventLabels[type];
  if (known) return known;
  const words = type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const sourceLabels: Record<string, string> = {
  user: "by you",
  gateway: "by the payment provider",
  timer: "automatically, at the deadline",
  admin: "by our team",
  reconciler: "by our payment check",
  system: "by our system",
  carrier: "by the carrier",
};

const reasons: Record<string, string> = {
  // Payment failures (Stripe decline codes and ours)
  generic_decline: "the card was declined",
  card_declined: "the card was declined",
  insufficient_funds: "the card has insufficient funds",
  expired_card: "the card has expired",
  amount_mismatch: "the amount paid did not match the order; our team will check it",
  payment_failed: "the bank did not accept the payment",
  // Cancellations and refunds
  cancelled_by_customer: "you cancelled it",
  replaced_by_new_order: "you changed your cart and placed a new order instead",
  payment_timeout: "it wasn’t paid before the deadline",
  requested_by_customer: "you asked for it",
  requested_by_admin: "our team issued it",
  returned: "you returned the books",
  late_payment: "the payment arrived after the order was cancelled",
  stock_unavailable: "a book turned out to be out of stock after payment",
  duplicate_payment: "the order was paid twice",
  unrecorded_payment: "it came through a payment page this order no longer used",
  mismatched_payment: "the payment did not match the order’s total",
};

/** Why a refund was made, in words that read the same to the shopper and to the shop (both pages list refunds). */
const refundReasons: Record<string, string> = {
  requested_by_customer: "asked for by the customer",
  requested_by_admin: "issued by the shop",
  late_payment: "paid after the order was cancelled",
  stock_unavailable: "a book was out of stock after payment",
  duplicate_payment: "paid twice",
  unrecorded_payment: "paid on a payment page the order no longer used",
  mismatched_payment: "paid an amount the order did not ask for",
  returned: "books returned",
};

export function refundReasonLabel(reason: string): string {
  return refundReasons[reason] ?? reason.replace(/_/g, " ");
}

export function reasonLabel(reason: string): string {
  return reasons[reason] ?? reason.replace(/_/g, " ");
}

/** One line of plain-language detail for a timeline entry, from its payload; "" when there is nothing to add. */
export function eventDetail(type: string, payload: Record<string, unknown>, format: (cents: number) => string): string {
  const reason = typeof payload.reason === "string" ? reasonLabel(payload.reason) : "";
  const amount = typeof payload.amountCents === "number" ? format(payload.amountCents) : "";
  switch (type) {
    case "OrderPaid":
      return amount ? `${amount} received.` : "";
    case "PaymentFailed":
      return reason ? `Not paid: ${reason}.` : "";
    case "UnrecordedPaymentReceived":
      return `${amount || "A payment"} came through a payment page this order no longer used; it is being refunded.`;
    case "OrderCancelled":
      return reason ? `Cancelled because ${reason}.` : "";
    case "RefundRequested":
      return [
        amount ? `${amount} to be refunded` : "Refund started",
        reason ? ` because ${reason}.` : ".",
        payload.outside === true ? " Your card payment cannot take it: it is paid back another way." : "",
      ].join("");
    case "PaymentRefunded":
      if (typeof payload.paidOutside === "string") return amount ? `${amount} paid back outside the card payment.` : "";
      return amount ? `${amount} returned to your card.` : "";
    case "RefundFailed":
      return "The payment provider refused the refund; we will try again.";
    case "OrderFulfilled":
      return typeof payload.trackingNumber === "string" ? `Tracking number ${payload.trackingNumber}.` : "";
    case "PaymentTimedOut":
      return "The books went back on the shelves.";
    case "ShipmentProgressed":
      return typeof payload.status === "string" ? `${trackingLabel(payload.status)}.` : "";
    case "OrderClosed":
      if (payload.reason === "nothing_paid") return "It was free: nothing to refund. The books went back on the shelves.";
      if (payload.reason === "dispute_lost") return "The card issuer gave the payment back: nothing more to refund.";
      return "";
    case "ReturnRejected":
      return typeof payload.note === "string" ? payload.note : "";
    default:
      return "";
  }
}

export function sourceLabel(source: string): string {
  return sourceLabels[source] ?? `by ${source}`;
}

// One label per status of machines/statuses.ts (the compiler checks).
const paymentLabels: Record<PaymentStatus, string> = {
  pending: "In progress",
  paid: "Paid",
  failed: "Failed",
  cancelled: "Cancelled",
  timeout: "Timed out",
  refunded: "Refunded",
};

export function paymentStatusLabel(status: string): string {
  return paymentLabels[status as PaymentStatus] ?? status;
}

const refundLabels: Record<RefundStatus, string> = { pending: "In progress", succeeded: "Completed", failed: "Failed" };

export function refundStatusLabel(status: string): string {
  return refundLabels[status as RefundStatus] ?? status;
}

/** A calendar date such as "2025-03-14" as "Mar 14, 2025" (no time zone shift). */
export function formatDay(day: string): string {
  const date = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(date);
}

// One label per carrier status (machines/statuses.ts trackingStatuses).
const trackingLabels: Record<TrackingStatus, string> = {
  in_transit: "In transit",
  out_for_delivery: "Out for delivery",
  exception: "Delivery problem",
  delivered: "Delivered",
};

export function trackingLabel(status: string): string {
  return trackingLabels[status as TrackingStatus] ?? status;
}

const returnLabels: Record<ReturnStatus, string> = {
  requested: "Requested: please send the books back",
  received: "Received and refunded",
  rejected: "Not accepted",
  expired: "Expired: the books did not arrive",
};

export function returnStatusLabel(status: string): string {
  return returnLabels[status as ReturnStatus] ?? status;
}
