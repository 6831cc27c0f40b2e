import { formatPrice } from "@/components/price";
import { addressLines, shippingLabel, totalsRows } from "@/lib/orders/order-totals";
import type { OrderView } from "@/lib/orders/order-view";

const cell = "py-1.5 align-top";

/**
 * A printable document for one order: the receipt (prices, tax, totals) or
 * the packing slip (what goes in the parcel and where, no prices).
 */
export function OrderDocument({ order, kind, paidAt }: { order: OrderView; kind: "receipt" | "packing-slip"; paidAt?: string }) {
  const ref = order.id.slice(0, 8).toUpperCase();
  const receipt = kind === "receipt";
  return (
    <article
      className="mx-auto max-w-2xl rounded-lg border border-line bg-card p-8 text-sm print:max-w-none print:border-0 print:p-0 print:shadow-none"
      data-testid={kind}
    >
      <header className="flex flex-wrap items-start justify-between gap-4 border-b border-line pb-4">
        <div>
          <p className="font-serif text-2xl font-bold">Paperleaf Books</p>
          <p className="text-ink-soft">orders@paperleaf.example</p>
        </div>
        <div className="text-right">
          <h1 className="text-xl font-semibold">{receipt ? "Receipt" : "Packing slip"}</h1>
          <p>Order {ref}</p>
          <p className="text-ink-soft">{order.id}</p>
          {receipt && paidAt ? <p>Paid {paidAt.slice(0, 10)}</p> : null}
        </div>
      </header>
      {order.shippingAddress ? (
        <section className="mt-4" aria-labelledby={`${kind}-ship-to`}>
          <h2 id={`${kind}-ship-to`} className="font-semibold">
            Ship to
          </h2>
          <address className="leading-6 not-italic">
            {addressLines(order.shippingAddress).map((line) => (
              <span key={line} className="block">
                {line}
              </span>
            ))}
          </address>
          {order.shippingMethod ? (
            <p className="mt-1">
              {shippingLabel(order.shippingMethod)} shipping{order.trackingNumber ? ` · tracking ${order.trackingNumber}` : ""}
            </p>
          ) : null}
        </section>
      ) : null}
      <table className="mt-6 w-full">
        <thead>
          <tr className="border-b border-line text-left text-xs uppercase">
            <th scope="col" className="py-2">
              Book
            </th>
            <th scope="col" className="py-2 text-right">
              Qty
            </th>
            {receipt ? (
              <>
                <th scope="col" className="py-2 text-right">
                  Price
                </th>
                <th scope="col" className="py-2 text-right">
                  Tax
                </th>
                <th scope="col" className="py-2 text-right">
                  Amount
                </th>
              </>
            ) : (
              <th scope="col" className="py-2 text-right">
                Packed
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {order.items.map((item) => (
            <tr key={item.bookId}>
              <th scope="row" className={`${cell} text-left font-normal`}>
                {item.title}
              </th>
              <td className={`${cell} text-right tabular-nums`}>{item.quantity}</td>
              {receipt ? (
                <>
                  <td className={`${cell} text-right tabular-nums`}>{formatPrice(item.unitPriceCents, order.currency)}</td>
                  <td className={`${cell} text-right tabular-nums`}>{formatPrice(item.taxCents, order.currency)}</td>
                  <td className={`${cell} text-right tabular-nums`}>{formatPrice(item.unitPriceCents * item.quantity, order.currency)}</td>
                </>
              ) : (
                <td className={`${cell} text-right`} aria-label="packed">
                  ☐
                </td>
              )}
            </tr>
          ))}
        </tbody>
        {receipt ? (
          <tfoot>
            {totalsRows(order).map((row) => (
              <tr
                key={row.key}
                data-testid={`receipt-${row.key}`}
                className={row.key === "subtotal" ? "border-t-2 border-line" : undefined}
              >
                <th scope="row" colSpan={4} className={`pt-2 text-left ${row.key === "total" ? "font-bold" : "font-normal"}`}>
                  {row.label}
                </th>
                <td className={`pt-2 text-right tabular-nums ${row.key === "total" ? "font-bold" : ""}`}>
                  {formatPrice(row.cents, order.currency)}
                </td>
              </tr>
            ))}
          </tfoot>
        ) : null}
      </table>
      {receipt && order.refunds.some((r) => r.status === "succeeded") ? (
        <p className="mt-4">
          Refunded:{" "}
          {formatPrice(
            order.refunds.filter((r) => r.status === "succeeded").reduce((sum, r) => sum + r.amountCents, 0),
            order.currency,
          )}
        </p>
      ) : null}
    </article>
  );
}
