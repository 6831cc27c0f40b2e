// Our own view of the payment gateway. lib/payments/stripe*.ts implements it
// with the `stripe` SDK (against Stripe or the local emulator) and hands back
// these types, so nothing else in the app knows Stripe's shapes.

export type CheckoutSessionInput = {
  orderId: string;
  paymentId: string;
  customerEmail: string;
  currency: string;
  lines: { title: string; quantity: number; unitPriceCents: number }[];
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
};

/** The payment behind a session: what became of the shopper's last attempt. */
export type PaymentIntentInfo = {
  id: string;
  status: "requires_payment_method" | "requires_confirmation" | "requires_action" | "processing" | "requires_capture" | "canceled" | "succeeded";
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

export type RefundInfo = {
  id: string;
  status: "pending" | "requires_action" | "succeeded" | "failed" | "canceled";
  amount: number;
  refundId: string | null;
  failureReason: string | null;
};

export type PaymentGateway = {
  createCheckoutSession(input: CheckoutSessionInput): Promise<{ id: string; url: string }>;
  retrieveCheckoutSession(sessionId: string): Promise<CheckoutSessionInfo>;
  retrievePaymentIntent(paymentIntentId: string): Promise<PaymentIntentInfo>;
  /**
   * Events of sessions that took money, created at or after `since` (epoch
   * seconds, the gateway's clock), newest first, at most `max`: how the
   * reconciler finds sessions the store never recorded.
   */
  listPaidSessionEvents(since: number, max: number): Promise<SessionEventInfo[]>;
  /** Expires an open session; a session that is already complete comes back as it is. */
  expireCheckoutSession(sessionId: string): Promise<CheckoutSessionInfo>;
  /** Idempotent per refundId. */
  createRefund(input: RefundInput): Promise<RefundInfo>;
  retrieveRefund(gatewayRefundId: string): Promise<RefundInfo>;
};

/** The Stripe adapter: real Stripe, or the local emulator (tests too: there is no fake gateway). */
export async function getPaymentGateway(): Promise<PaymentGateway> {
  const { stripeGateway } = await import("./stripe-gateway");
  return stripeGateway();
}
