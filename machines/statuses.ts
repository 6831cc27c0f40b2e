// The one list of order, payment and refund statuses and e-mail templates:
// db/schema.ts builds its CHECK constraints from them, the machine's context
// and effects use their types, the UI labels and filters by them. No I/O, so
// client components may import it.

/** The public order status: the leaf under `settled`, or `created` (order-status.ts statusOf). */
export const orderStatuses = ["created", "paid", "fulfilled", "delivered", "cancelled", "refund_pending", "refunded"] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/**
 * What the pages show: the order status, or "partially_refunded" for a paid or
 * shipped order that gave some money back (order-status.ts displayStatusOf).
 * Derived from the machine's context, never stored in orders.status.
 */
export const orderDisplayStatuses = [...orderStatuses, "partially_refunded"] as const;
export type OrderDisplayStatus = (typeof orderDisplayStatuses)[number];

export const paymentStatuses = ["pending", "paid", "failed", "cancelled", "timeout", "refunded"] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export const refundStatuses = ["pending", "succeeded", "failed"] as const;
export type RefundStatus = (typeof refundStatuses)[number];

/** A shopper's return of delivered lines: requested, then received (and refunded), rejected by an operator, or expired. */
export const returnStatuses = ["requested", "received", "rejected", "expired"] as const;
export type ReturnStatus = (typeof returnStatuses)[number];

/** What the carrier reports about a shipment (carrier-simulator/contract.ts's callback statuses). */
export const trackingStatuses = ["in_transit", "out_for_delivery", "exception", "delivered"] as const;
export type TrackingStatus = (typeof trackingStatuses)[number];

export const emailTemplates = [
  "order_created",
  "order_paid",
  "payment_failed",
  "order_cancelled",
  "order_timed_out",
  "refund_started",
  "order_refunded",
  "order_shipped",
  "order_delivered",
  "return_requested",
  "return_received",
  "return_rejected",
  "return_expired",
  "return_refunded",
  "payment_link",
] as const;
export type EmailTemplate = (typeof emailTemplates)[number];

/** What a dispute means for the store's money: open, or decided won or lost (the gateway's own status is kept beside it). */
export const disputeOutcomes = ["open", "won", "lost"] as const;
