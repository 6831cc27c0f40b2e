// Types shared by the order machine and its interpreter. No I/O here.

export type LineItem = { bookId: number; quantity: number };

/** An order line as the order holds it: the unit price copied at checkout. */
export type OrderLine = LineItem & { unitPriceCents: number };

/**
 * A cart line a partial order left (partly) out, with the shopper's consent:
 * they asked for `requested` copies, the shelf held `ordered` (0: none). The
 * rest stays in their cart.
 */
export type LeftOutLine = { bookId: number; title: string; requested: number; ordered: number };
import type { disputeOutcomes } from "./statuses";

import type { PaymentStatus, RefundStatus, ReturnStatus, TrackingStatus } from "./statuses";

export type { EmailTemplate, PaymentStatus, RefundStatus, ReturnStatus, TrackingStatus } from "./statuses";
export type RefundReason =
  | "requested_by_customer"
  | "requested_by_admin"
  | "late_payment"
  | "stock_unavailable"
  | "duplicate_payment"
  | "unrecorded_payment"
  | "mismatched_payment"
  | "returned";

/** One carrier report on the shipment, in the carrier's order (sequence). */
export type TrackingEntry = { status: TrackingStatus; sequence: number; occurredAt: string; eventId: string };

/** A shopper's return of delivered lines. */
export type ReturnState = {
  id: string;
  lines: { bookId: number; quantity: number }[];
  reason: string;
  status: ReturnStatus;
  /** Epoch ms. */
  requestedAt: number;
  /** Epoch ms: a requested return whose parcel has not arrived by then expires. */
  expiresAt: number;
  /** The lines put back on the shelf when received (the rest is written off). */
  restocked: { bookId: number; quantity: number }[];
  /** The refund of the received lines. */
  refundId: string | null;
  refundCents: number;
};

export type PaymentState = {
  id: string;
  status: PaymentStatus;
  amountCents: number;
  /** Set once a success with the wrong amount or currency was flagged. */
  flagged?: boolean;
};

export type RefundState = {
  id: string;
  paymentId: string;
  amountCents: number;
  status: RefundStatus;
  reason: RefundReason;
  /** A partial refund: the lines (units), the shipping and the goodwill it gives back (absent on a whole-order refund). */
  partial?: { lines: RefundLine[]; shippingCents: number; goodwillCents: number };
  /**
   * Owed outside the gateway: the gateway refuses every refund of a charged-back payment (a lost
   * dispute; Stripe's charge_disputed), or an operator chose to pay back another way after the gateway
   * failed. No refund job: an operator pays the shopper (a bank transfer, cash) and records it
   * (REFUND_PAID_OUTSIDE). Held from the payment like a pending refund meanwhile.
   */
  outside?: true;
};

/**
 * The gateway's codes for a refund it will never make (Stripe's): the payment was charged back, is
 * refunded already, or has less left than asked. Such a refund fails at once and is not tried again.
 */
export const REFUND_REFUSED_FOR_GOOD = ["charge_disputed", "charge_already_refunded", "amount_too_large"] as const;

/** Units of a line a refund gives back, and what they are worth (`cents`: absent on refunds made before it was kept). */
export type RefundLine = LineItem & { cents?: number };

/** How a dispute stands for the store: still open, or decided. */
export type DisputeOutcome = (typeof disputeOutcomes)[number];

/**
 * A dispute (chargeback or inquiry) the gateway reported on one of the order's
 * payments. status: the gateway's own (needs_response, under_review, won, lost,
 * warning_closed…); outcome: what it means for the store's money.
 */
export type DisputeState = {
  id: string;
  paymentId: string;
  amountCents: number;
  reason: string;
  status: string;
  /** Epoch ms, or null when the gateway gave none. */
  evidenceDueBy: number | null;
  outcome: DisputeOutcome;
};

/** What the gateway says about a dispute, as each of its events carries it. */
export type DisputeFacts = {
  paymentId: string;
  disputeId: string;
  amountCents: number;
  reason: string;
  status: string;
  evidenceDueBy: number | null;
};

/** Where the order's books are: decides what a refund or cancel does to stock. */
export type StockState = "none" | "reserved" | "sold" | "released" | "returned" | "shipped";

export type ShippingMethod = "standard" | "express";

/** One shipping rate the store offers on an order (settings, fixed at checkout). */
export type ShippingOption = { method: ShippingMethod; amountCents: number; minDays: number; maxDays: number };

/** Where the books go, as the gateway collected it. */
export type ShippingAddress = {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string | null;
  region: string | null;
  country: string;
};

/**
 * The sale as the gateway settled it, read back from the session the store
 * created: the shopper's address, the rate they chose, tax and discount. The
 * store agreed to it when it matches the order (see saleProblem).
 */
export type Sale = {
  currency: string;
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  taxCents: number;
  totalCents: number;
  shippingMethod: ShippingMethod | null;
  address: ShippingAddress | null;
  email: string | null;
  promotionCode: string | null;
  /** Per order line, in the order of the context's `items` (the order the store sent them to the gateway). */
  lines: { discountCents: number; taxCents: number }[];
};

export type OrderContext = {
  orderId: string;
  items: OrderLine[];
  /** What the books cost at the store's prices. */
  subtotalCents: number;
  /** The shipping rates offered at checkout; empty for orders from before shipping existed. */
  shippingOptions: ShippingOption[];
  /** Set when the order is paid: what the gateway collected and computed. */
  sale: Sale | null;
  /** The subtotal until paid, then the sale's total: what was captured. */
  totalCents: number;
  currency: string;
  /** Epoch milliseconds. */
  paymentDeadline: number;
  payments: PaymentState[];
  paidPaymentId: string | null;
  paidAt: number | null;
  refunds: RefundState[];
  /** Failed gateway refunds since the last successful or admin-started one. */
  refundFailures: number;
  stock: StockState;
  /** Copies of the order's lines already back on the shelf (refunded before shipping), per book. */
  restocked: LineItem[];
  shipment: { trackingNumber: string; estimatedDelivery: string } | null;
  cancelReason: "user" | "replaced" | "timeout" | null;
  /** A guest's order: the address it was placed with (absent on orders from before guest checkout). */
  guestEmail?: string | null;
  /** A partial order: the cart lines it left out (absent on a whole order). */
  leftOut?: LeftOutLine[];
  /** The account that claimed this guest order after proving the address (CLAIM). */
  claimedBy?: string | null;
  /** The carrier's reports on the shipment, oldest first. */
  tracking: TrackingEntry[];
  /** Epoch ms when delivered (carrier or operator). */
  deliveredAt: number | null;
  returns: ReturnState[];
  /** Disputes on the order's payments, in the order they became known. */
  disputes: DisputeState[];
  /**
   * Automation paused (PAUSE, v4): by an operator, or by the system after too many
   * consecutive job failures. While set, no timer or job moves the order; facts
   * from the gateway are still applied; RESUME replays what is due.
   */
  paused: PauseState | null;
  /** The automatic fulfilment failed past its retries (FULFILMENT_FAILED, v4): an operator ships it by hand. */
  shipByHand: { reason: string; at: number } | null;
  /**
   * The gateway could not open a payment page (circuit open, or failing after retries) (PAYMENT_DELAYED, v5):
   * why and since when (epoch ms). Set exactly while the order is in created.paymentDelayed.
   */
  paymentDelay: { reason: string; since: number } | null;
};

/** Who paused an order's automation, why and when (epoch ms). */
export type PauseState = { by: "admin" | "system"; reason: string; at: number };

type At = { at: number };

/** Every event carries `at` (epoch ms) so guards on time stay pure. */
export type OrderEvent =
  // totalCents: the books at the store's prices (the subtotal); shippingOptions: the rates offered.
  | ({
      type: "CHECKOUT";
      orderId: string;
      // unitPriceCents: the store's price (absent: the subtotal spread evenly over the units).
      items: (LineItem & { unitPriceCents?: number })[];
      totalCents: number;
      currency: string;
      paymentDeadline: number;
      shippingOptions?: ShippingOption[];
      /** Set for a guest's order: the address they checked out with. */
      guestEmail?: string;
      /** A partial order (the shopper agreed): what was left out of the cart's lines. */
      leftOut?: LeftOutLine[];
    } & At)
  | ({ type: "START_PAYMENT"; paymentId: string } & At)
  // The gateway could not open a payment page; reason: "circuit_open" or "gateway_error" (lib/payments/start-payment.ts).
  | ({ type: "PAYMENT_DELAYED"; reason: string } & At)
  // The gateway answers again (the probe job, lib/payments/offer-pay-link.ts): the shopper gets a link to pay.
  | ({ type: "GATEWAY_BACK" } & At)
  // refundId: an id the engine allocates in case this money has to go back.
  // amountCents: what the payment took; sale: the session read back from the gateway (absent: a sale without shipping, tax or discount).
  | ({
      type: "PAYMENT_SUCCEEDED";
      paymentId: string;
      amountCents: number;
      currency: string;
      refundId: string;
      paymentIntentId?: string;
      sale?: Sale;
    } & At)
  // Money for a gateway session the store never recorded (its metadata names this order): it goes back.
  | ({
      type: "UNRECORDED_PAYMENT";
      paymentId: string;
      sessionId: string;
      amountCents: number;
      currency: string;
      refundId: string;
      paymentIntentId?: string;
    } & At)
  | ({ type: "PAYMENT_FAILED"; paymentId: string; reason: string } & At)
  | ({ type: "PAYMENT_CANCELLED"; paymentId: string } & At)
  // The shopper cancels; "replaced": their changed cart was checked out again (lib/orders/place-order.ts).
  | ({ type: "CANCEL"; reason?: "replaced" } & At)
  | ({ type: "TIMEOUT" } & At)
  | ({ type: "STOCK_UNAVAILABLE"; refundId: string } & At)
  // outside (operators only): paid back outside the gateway (REFUND_PAID_OUTSIDE), as after it failed to.
  | ({ type: "REQUEST_REFUND"; refundId: string; by: "user" | "admin"; reason?: string; windowDays: number; outside?: boolean } & At)
  // Some lines (units), the shipping, or an amount (goodwill) back; a shopper only lines, before shipping.
  | ({
      type: "REQUEST_PARTIAL_REFUND";
      refundId: string;
      by: "user" | "admin";
      lines?: LineItem[];
      shippingCents?: number;
      amountCents?: number;
      reason?: string;
      windowDays: number;
    } & At)
  // by: "admin" is an operator shipping by hand (allowed while automation is paused); absent: the fulfilment job.
  | ({ type: "FULFIL"; trackingNumber: string; estimatedDelivery: string; by?: "system" | "admin" } & At)
  // The fulfilment job failed past its retries: the order goes to the "ship by hand" queue.
  | ({ type: "FULFILMENT_FAILED"; reason: string } & At)
  // Automation on the order stops (an operator, or the system after repeated job failures) and starts again.
  | ({ type: "PAUSE"; by: "admin" | "system"; reason: string } & At)
  | ({ type: "RESUME"; by: "admin" } & At)
  | ({ type: "REFUND_SUCCEEDED"; refundId: string } & At)
  // An operator (adminId: who, for the audit trail) paid a refund owed outside the gateway (a bank transfer, cash): reference says how.
  | ({ type: "REFUND_PAID_OUTSIDE"; refundId: string; reference: string; by: "admin"; adminId: string } & At)
  | ({ type: "REFUND_FAILED"; refundId: string; reason: string; retryRefundId: string; maxAttempts: number } & At)
  // A verified account of the guest's address takes the order over (in any state).
  | ({ type: "CLAIM"; userId: string } & At)
  // The carrier's tracking callback (not delivered): in transit, out for delivery, or an exception.
  | ({
      type: "TRACKING_UPDATED";
      trackingNumber: string;
      status: Exclude<TrackingStatus, "delivered">;
      sequence: number;
      eventId: string;
      occurredAt: string;
    } & At)
  // Delivered: the carrier's callback (with its sequence and id) or an operator.
  | ({ type: "DELIVER"; by: "carrier" | "admin"; trackingNumber?: string; sequence?: number; eventId?: string; occurredAt?: string } & At)
  // A shopper returns delivered lines; windowDays and expiryDays are the settings, filled in by the engine.
  | ({
      type: "REQUEST_RETURN";
      returnId: string;
      lines: { bookId: number; quantity: number }[];
      reason: string;
      windowDays: number;
      expiryDays: number;
    } & At)
  // The operator received the parcel: restock these lines (the rest is written off); refundId: the refund it starts.
  | ({ type: "RECEIVE_RETURN"; returnId: string; restock: { bookId: number; quantity: number }[]; refundId: string } & At)
  | ({ type: "REJECT_RETURN"; returnId: string; note: string } & At)
  | ({ type: "RETURN_EXPIRED"; returnId: string } & At)
  // A dispute's news from the gateway (charge.dispute.created/updated/closed), in whatever order it arrives.
  | ({ type: "DISPUTE_OPENED" } & DisputeFacts & At)
  | ({ type: "DISPUTE_UPDATED" } & DisputeFacts & At)
  | ({ type: "DISPUTE_CLOSED" } & DisputeFacts & At);

export type OrderEventType = OrderEvent["type"];

export const orderEventTypes: OrderEventType[] = [
  "CHECKOUT",
  "START_PAYMENT",
  "PAYMENT_SUCCEEDED",
  "UNRECORDED_PAYMENT",
  "PAYMENT_FAILED",
  "PAYMENT_CANCELLED",
  "CANCEL",
  "TIMEOUT",
  "STOCK_UNAVAILABLE",
  "REQUEST_REFUND",
  "REQUEST_PARTIAL_REFUND",
  "FULFIL",
  "REFUND_SUCCEEDED",
  "REFUND_PAID_OUTSIDE",
  "REFUND_FAILED",
  "CLAIM",
  "TRACKING_UPDATED",
  "DELIVER",
  "REQUEST_RETURN",
  "RECEIVE_RETURN",
  "REJECT_RETURN",
  "RETURN_EXPIRED",
  "DISPUTE_OPENED",
  "DISPUTE_UPDATED",
  "DISPUTE_CLOSED",
  "FULFILMENT_FAILED",
  "PAUSE",
  "RESUME",
  "PAYMENT_DELAYED",
  "GATEWAY_BACK",
];

/** The audit trail's event names (docs/DESIGN.md, "Statuses"). */
export type DomainEventType =
  | "OrderCreated"
  | "PaymentStarted"
  | "OrderPaid"
  | "UnrecordedPaymentReceived"
  | "PaymentFailed"
  | "PaymentCancelled"
  | "PaymentTimedOut"
  | "OrderCancelled"
  | "RefundRequested"
  | "PaymentRefunded"
  | "RefundFailed"
  | "OrderFulfilled"
  | "OrderClaimed"
  | "ShipmentProgressed"
  | "OrderDelivered"
  | "ReturnRequested"
  | "ReturnReceived"
  | "ReturnRejected"
  | "ReturnExpired"
  | "PaymentDisputed"
  | "DisputeUpdated"
  | "DisputeWon"
  | "DisputeLost"
  | "FulfilmentFailed"
  | "OrderPaused"
  | "OrderResumed"
  | "PaymentDelayed"
  | "PaymentResumable"
  | "OrderClosed";

export const initialContext: OrderContext = {
  orderId: "",
  items: [],
  subtotalCents: 0,
  shippingOptions: [],
  sale: null,
  totalCents: 0,
  currency: "usd",
  paymentDeadline: 0,
  payments: [],
  paidPaymentId: null,
  paidAt: null,
  refunds: [],
  refundFailures: 0,
  stock: "none",
  restocked: [],
  shipment: null,
  cancelReason: null,
  guestEmail: null,
  claimedBy: null,
  tracking: [],
  deliveredAt: null,
  returns: [],
  disputes: [],
  paused: null,
  shipByHand: null,
  paymentDelay: null,
};
