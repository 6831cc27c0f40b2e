// Our own view of the payment gateway. lib/payments/stripe*.ts implements it
// with the `stripe` SDK (against Stripe or the local emulator) and hands back
// these types, so nothing else in the app knows Stripe's shapes.

import type { Sale, ShippingOption } from "@/machines/order-types";

export type { Sale };

export type CheckoutSessionInput = {
  orderId: string;
  paymentId: string;
  /** null: the payment page asks for it (guest checkout). */
  customerEmail: string | null;
  currency: string;
  /** In the order of the order's items: the sale read back lists its lines the same way. */
  lines: { title: string; quantity: number; unitPriceCents: number }[];
  /** Ask for an address in one of these countries and offer these rates (the first is preselected). */
  shipping?: { countries: string[]; options: ShippingOption[] };
  /** Tax computed by the gateway from the address (Stripe Tax). */
  automaticTax?: boolean;
  /** The payment page takes a promotion code. */
  allowPromotionCodes?: boolean;
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
};

export type CheckoutSessionInfo = {
  id: string;
  url: string | null;
  status: "open" | "complete" | "expired";
  paymentStatus: "paid" | "unpaid" | "no_payment_required";
  amountTotal: number | null;
  currency: string | null;
  paymentIntentId: string | null;
  orderId: string | null;
  paymentId: string | null;
  /** When the gateway will (or did) close the session by itself, epoch ms. */
  expiresAt?: number;
  /**
   * The store opened it for a shipped sale (address, rates, tax, codes): its
   * sale must be read back. Orders without rates (before shipping existed, or
   * placed by internal callers) sell the books alone, checked against their subtotal.
   */
  shipped?: boolean;
  /** The sale read back from the gateway, when the caller read it (see PaymentGateway.retrieveSale). */
  sale?: Sale;
};

/**
 * Whether the session's payment is settled in the store's favour: paid, or nothing to pay (a
 * promotion code made the whole order free: Stripe's `no_payment_required`, no payment intent).
 */
export function paidInFull(paymentStatus: CheckoutSessionInfo["paymentStatus"]): boolean {
  return paymentStatus === "paid" || paymentStatus === "no_payment_required";
}

/** The payment behind a session: what became of the shopper's last attempt. */
export type PaymentIntentInfo = {
  id: string;
  status:
    "requires_payment_method" | "requires_confirmation" | "requires_action" | "processing" | "requires_capture" | "canceled" | "succeeded";
  amount: number;
  amountReceived: number;
  currency: string;
  /** Why the last attempt failed (a decline, a bank transfer that bounced); null when none did. */
  lastPaymentError: { code: string | null; declineCode: string | null; message: string | null } | null;
  /** Epoch ms, the gateway's clock. */
  canceledAt: number | null;
  /** When the latest attempt (its charge) was made, epoch ms, the gateway's clock. */
  attemptedAt: number | null;
};

/** A `checkout.session.completed` / `async_payment_succeeded` event read back from the gateway. */
export type SessionEventInfo = { id: string; created: number; session: CheckoutSessionInfo };

export type RefundInput = { refundId: string; paymentIntentId: string; amountCents: number; orderId: string };

/**
 * The gateway would not make a refund, and never will: the payment was charged back (Stripe's
 * `charge_disputed`), is refunded already (`charge_already_refunded`), or has less left than asked
 * (`amount_too_large`). The refund failed; retrying it would only be refused again.
 */
export class RefundRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "RefundRefused";
  }
}

export type RefundInfo = {
  id: string;
  status: "pending" | "requires_action" | "succeeded" | "failed" | "canceled";
  amount: number;
  refundId: string | null;
  failureReason: string | null;
};

/** A dispute (chargeback or inquiry) as the gateway reports it. */
export type DisputeInfo = {
  id: string;
  /** The payment intent of the disputed charge: how the store finds its payment. */
  paymentIntentId: string | null;
  amount: number;
  currency: string;
  reason: string;
  status: string;
  /** Epoch ms, or null. */
  evidenceDueBy: number | null;
};

/** A promotion code shoppers type on the payment page, with its coupon's terms. */
export type PromotionCodeInfo = {
  id: string;
  code: string;
  active: boolean;
  percentOff: number | null;
  amountOffCents: number | null;
  currency: string | null;
  /** Epoch ms, or null when it never expires. */
  expiresAt: number | null;
  maxRedemptions: number | null;
  timesRedeemed: number;
  createdAt: number;
};

export type PromotionCodeCreate = {
  code: string;
  percentOff?: number;
  amountOffCents?: number;
  currency: string;
  /** Epoch ms. */
  expiresAt?: number;
  maxRedemptions?: number;
};

export type PaymentGateway = {
  createCheckoutSession(input: CheckoutSessionInput): Promise<{ id: string; url: string }>;
  retrieveCheckoutSession(sessionId: string): Promise<CheckoutSessionInfo>;
  /**
   * The sale a completed session settled, read from the gateway's API (never
   * from a webhook's body): amounts, the chosen rate, the address, the
   * promotion code, and per line its discount and tax.
   */
  retrieveSale(sessionId: string): Promise<Sale>;
  retrievePaymentIntent(paymentIntentId: string): Promise<PaymentIntentInfo>;
  /**
   * Events of sessions that took money, created at or after `since` (epoch
   * seconds, the gateway's clock), newest first, at most `max`: how the
   * reconciler finds sessions the store never recorded.
   */
  listPaidSessionEvents(since: number, max: number): Promise<SessionEventInfo[]>;
  /**
   * Whether the gateway answers (a cheap read through the retry and breaker policy): resolves when it
   * does, throws when it does not (the breaker's gateway_unavailable, or the last failure).
   */
  ping(): Promise<void>;
  /** Expires an open session; a session that is already complete comes back as it is. */
  expireCheckoutSession(sessionId: string): Promise<CheckoutSessionInfo>;
  /**
   * Idempotent per refundId while the gateway keeps its idempotency key (24 h
   * at Stripe): look for the refund first (findRefund) when it may be older.
   */
  /** Throws RefundRefused when the gateway refuses the refund for good. */
  createRefund(input: RefundInput): Promise<RefundInfo>;
  retrieveRefund(gatewayRefundId: string): Promise<RefundInfo>;
  /** The gateway's refund of this payment made for our refund `refundId` (its metadata), if any. */
  findRefund(paymentIntentId: string, refundId: string): Promise<RefundInfo | undefined>;
  /** A coupon with these terms and its promotion code; a code already active is refused (invalid_request). */
  createPromotionCode(input: PromotionCodeCreate): Promise<PromotionCodeInfo>;
  /** The newest promotion codes, at most `max`. */
  listPromotionCodes(max: number): Promise<PromotionCodeInfo[]>;
  /** Deactivates a code for good (shoppers can no longer apply it). */
  deactivatePromotionCode(id: string): Promise<PromotionCodeInfo>;
};

/** The Stripe adapter: real Stripe, or the local emulator (tests too: there is no fake gateway). */
export async function getPaymentGateway(): Promise<PaymentGateway> {
  const { stripeGateway } = await import("./stripe-gateway");
  return stripeGateway();
}
