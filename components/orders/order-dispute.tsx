import { formatPrice } from "@/components/price";
import type { OrderDispute as Dispute } from "@/lib/orders/order-view";

type BadgeStyle = { label: string; tone: string };

const styles: Record<Dispute["standing"], BadgeStyle> = {
  disputed: { label: "Payment disputed", tone: "bg-red-50 text-red-900 ring-red-700/30" },
  dispute_lost: { label: "Dispute lost", tone: "bg-red-100 text-red-900 ring-red-800/40" },
  dispute_won: { label: "Dispute won", tone: "bg-emerald-50 text-emerald-800 ring-emerald-700/25" },
};

/** The payment's dispute standing beside the order's status (the text carries the meaning). */
export function DisputeBadge({ dispute }: { dispute: Dispute | null }) {
  if (!dispute) return null;
  const style = styles[dispute.standing];
  return (
    <span
      data-testid="dispute-badge"
      className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold whitespace-nowrap ring-1 ring-inset ${style.tone}`}
    >
      {style.label}
    </span>
  );
}

const reasons: Record<string, string> = {
  fraudulent: "the cardholder says they did not make it",
  product_not_received: "the cardholder says the order never arrived",
  product_unacceptable: "the cardholder says the order was not as described",
  duplicate: "the cardholder says it was charged twice",
  subscription_canceled: "the cardholder says it was cancelled",
  credit_not_processed: "the cardholder says a refund was promised",
  general: "no reason given",
};

export function disputeReasonLabel(reason: string): string {
  return reasons[reason] ?? reason.replaceAll("_", " ");
}

const day = (iso: string) => `${iso.replace("T", " ").slice(0, 16)} UTC`;

/** For operators: the dispute's amount, reason, the gateway's status and when evidence is due. */
export function AdminDisputePanel({ dispute, currency }: { dispute: Dispute | null; currency: string }) {
  if (!dispute) return null;
  const money = formatPrice(dispute.amountCents, currency);
  const open = dispute.standing === "disputed";
  return (
    <section
      aria-labelledby="dispute-heading"
      className={`mt-4 rounded-lg border p-4 text-sm ${open || dispute.standing === "dispute_lost" ? "border-red-300 bg-red-50" : "border-line bg-card"}`}
    >
      <h2 id="dispute-heading" className="font-serif text-lg font-bold text-ink">
        {open ? "Payment disputed" : dispute.standing === "dispute_lost" ? "Dispute lost" : "Dispute won"}
      </h2>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="text-ink-soft">Amount</dt>
        <dd data-testid="dispute-amount">{money}</dd>
        <dt className="text-ink-soft">Reason</dt>
        <dd>
          {dispute.reason} ({disputeReasonLabel(dispute.reason)})
        </dd>
        <dt className="text-ink-soft">Gateway status</dt>
        <dd>{dispute.status.replaceAll("_", " ")}</dd>
        <dt className="text-ink-soft">Evidence due by</dt>
        <dd data-testid="dispute-due">{dispute.evidenceDueBy ? day(dispute.evidenceDueBy) : "not given"}</dd>
      </dl>
      <p className="mt-2">
        {open
          ? "Shipping is held until the dispute is decided, and the payment cannot be refunded meanwhile. Submit evidence at the gateway before it is due."
          : dispute.standing === "dispute_lost"
            ? `${money} was lost to the dispute: it is never refunded. The order stays held until an operator decides; any refund of the rest is paid outside the gateway.`
            : "The dispute was decided in the store's favour: the order carries on as before."}
      </p>
    </section>
  );
}

/** For the shopper: what the dispute means for their order. */
export function ShopperDisputeNotice({ dispute }: { dispute: Dispute | null }) {
  if (!dispute) return null;
  const text =
    dispute.standing === "disputed"
      ? "The payment for this order is disputed with your card issuer. We hold the order until the dispute is decided."
      : dispute.standing === "dispute_lost"
        ? "The dispute about this payment was decided in your favour by your card issuer: the disputed amount went back to your card."
        : "The dispute about this payment was closed: your order carries on as before.";
  return (
    <section role="status" aria-label="Payment dispute" className="rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-950">
      <p className="font-semibold">Payment disputed</p>
      <p className="mt-1">{text}</p>
    </section>
  );
}
