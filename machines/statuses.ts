// The one list of order, payment and refund statuses and e-mail templates:
// db/schema.ts builds its CHECK constraints from them, the machine's context
// and effects use their types, the UI labels and filters by them. No I/O, so
// client components may import it.

/** The public order status: the leaf under `settled`, or `created` (order-status.ts statusOf). */
export const orderStatuses = ["created", "paid", "fulfilled", "cancelled", "refund_pending", "refunded"] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const paymentStatuses = ["pending", "paid", "failed", "cancelled", "timeout", "refunded"] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export const refundStatuses = ["pending", "succeeded", "failed"] as const;
export type RefundStatus = (typeof refundStatuses)[number];

export const emailTemplates = [
  "order_created",
  "order_paid",
  "payment_failed",
  "order_cancelled",
  "order_timed_out",
  "refund_started",
  "order_refunded",
  "order_shipped",
] as const;
export type EmailTemplate = (typeof emailTemplates)[number];

/** What a dispute means for the store's money: open, or decided won or lost (the gateway's own status is kept beside it). */
export const disputeOutcomes = ["open", "won", "lost"] as const;
