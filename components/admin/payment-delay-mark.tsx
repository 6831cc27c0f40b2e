import type { PaymentDelayMark as Delay } from "@/lib/admin/payment-delay";

const reasons: Record<string, string> = {
  circuit_open: "circuit open",
  gateway_error: "gateway error",
};

const utc = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

export function paymentDelayReasonLabel(reason: string): string {
  return reasons[reason] ?? (reason.replaceAll("_", " ") || "gateway down");
}

/**
 * "Payment delayed" beside an awaiting-payment order in the console's lists (like "held: disputed"): the
 * status stays created, so the mark is what tells operators the shopper could not reach the gateway.
 */
export function PaymentDelayMark({ delay }: { delay: Delay | null }) {
  if (!delay) return null;
  return (
    <span data-testid="payment-delayed-mark" className="mt-1 block text-xs font-semibold text-amber-900">
      Payment delayed since {utc(delay.since)} ({paymentDelayReasonLabel(delay.reason)})
    </span>
  );
}

/** The order page's account of a delayed payment: since when, why, and what happens next without an operator. */
export function PaymentDelayNotice({ delay }: { delay: Delay | null }) {
  if (!delay) return null;
  return (
    <p role="status" data-testid="payment-delayed-notice" className="mt-3 rounded border border-amber-400 bg-amber-50 p-3 text-sm">
      <strong>Payment delayed</strong> since {utc(delay.since)}: the card gateway could not open a payment page (
      {paymentDelayReasonLabel(delay.reason)}). The books stay reserved until the payment deadline; a probe job retries the gateway and
      e-mails the shopper a link to pay when it answers. Nothing was charged.
    </p>
  );
}

/** Beside the order's "Awaiting payment" badge on its page (the text carries the meaning, like the dispute badge). */
export function PaymentDelayBadge({ delay }: { delay: Delay | null }) {
  if (!delay) return null;
  return (
    <span className="inline-flex items-center rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-semibold whitespace-nowrap text-amber-900 ring-1 ring-amber-700/30 ring-inset">
      Payment delayed
    </span>
  );
}
