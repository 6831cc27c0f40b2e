import { LocalTime } from "@/components/local-time";
import { formatPrice, Price } from "@/components/price";
import { panelClass } from "@/components/ui-classes";
import type { OrderView } from "@/lib/orders/order-view";
import { paymentStatusLabel, reasonLabel, refundReasonLabel, refundStatusLabel } from "./order-format";

type OrderPaymentsProps = { payments: OrderView["payments"]; refunds: OrderView["refunds"]; currency: string };

const row = "flex flex-col gap-1 py-3 sm:flex-row sm:items-baseline sm:justify-between sm:gap-4";

type Partial = NonNullable<OrderView["refunds"][number]["partial"]>;

/** What a partial refund gave back: copies, shipping, goodwill. */
function PartialRefundDetails({ partial, currency }: { partial: Partial; currency: string }) {
  const parts = [
    ...partial.lines.map((l) => `${l.quantity} × ${l.title}`),
    ...(partial.shippingCents > 0 ? [`shipping ${formatPrice(partial.shippingCents, currency)}`] : []),
    ...(partial.goodwillCents > 0 ? [`goodwill ${formatPrice(partial.goodwillCents, currency)}`] : []),
  ];
  return <p className="text-sm text-ink-soft">{parts.join(" · ")}</p>;
}

/** Payment attempts (and refunds, if any), oldest first. */
export function OrderPayments({ payments, refunds, currency }: OrderPaymentsProps) {
  return (
    <section aria-labelledby="payments-heading" className={panelClass}>
      <h2 id="payments-heading" className="text-xl font-semibold">
        Payments
      </h2>
      {payments.length === 0 ? (
        <p className="mt-2 text-ink-soft">No payment attempts yet.</p>
      ) : (
        <ol className="mt-2 divide-y divide-line">
          {payments.map((payment, i) => (
            <li key={payment.id} className={row}>
              <div>
                <p className="font-semibold">
                  Attempt {i + 1}: {paymentStatusLabel(payment.status)}
                </p>
                <p className="text-sm text-ink-soft">
                  <LocalTime iso={payment.createdAt} />
                </p>
                {payment.failureReason ? <p className="text-sm text-red-800">Reason: {reasonLabel(payment.failureReason)}</p> : null}
              </div>
              <Price cents={payment.amountCents} currency={currency} />
            </li>
          ))}
        </ol>
      )}
      {refunds.length > 0 ? (
        <>
          <h3 className="mt-5 text-lg font-semibold">Refunds</h3>
          <ol className="mt-1 divide-y divide-line">
            {refunds.map((refund) => (
              <li key={refund.id} className={row}>
                <div>
                  <p className="font-semibold">
                    {refund.partial ? "Partial refund" : "Refund"}: {refundStatusLabel(refund.status)}
                  </p>
                  {refund.partial ? <PartialRefundDetails partial={refund.partial} currency={currency} /> : null}
                  <p className="text-sm text-ink-soft">
                    <LocalTime iso={refund.createdAt} />
                  </p>
                  {refund.reason ? <p className="text-sm text-ink-soft">Reason: {refundReasonLabel(refund.reason)}</p> : null}
                  {refund.outside ? (
                    <p className="text-sm text-ink-soft" data-testid="refund-outside">
                      {refund.status === "succeeded"
                        ? `Paid back outside the card payment${refund.outsideReference ? `: ${refund.outsideReference}` : ""}`
                        : "The card payment cannot take this refund: it is paid back another way"}
                    </p>
                  ) : null}
                </div>
                <Price cents={refund.amountCents} currency={currency} />
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
