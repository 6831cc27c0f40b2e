import Link from "next/link";
import { Price } from "@/components/price";
import { panelClass } from "@/components/ui-classes";
import type { OrderView } from "@/lib/orders/order-view";
import { awaitingSale, totalsRows } from "@/lib/orders/order-totals";

type OrderItemsProps = {
  order: Pick<
    OrderView,
    | "items"
    | "currency"
    | "subtotalCents"
    | "discountCents"
    | "shippingCents"
    | "taxCents"
    | "totalCents"
    | "promotionCode"
    | "shippingMethod"
    | "shippingOptions"
  >;
};

const cell = "py-2.5 align-top";

export function OrderItems({ order }: OrderItemsProps) {
  const { items, currency } = order;
  return (
    <section aria-labelledby="items-heading" className={panelClass}>
      <h2 id="items-heading" className="text-xl font-semibold">
        Books
      </h2>
      <table className="mt-3 w-full text-sm sm:text-base">
        <thead>
          <tr className="border-b border-line text-left text-xs tracking-wide text-ink-soft uppercase">
            <th scope="col" className="py-2 pr-3 font-semibold">
              Book
            </th>
            <th scope="col" className="px-2 py-2 text-right font-semibold">
              Qty
            </th>
            <th scope="col" className="px-2 py-2 text-right font-semibold">
              Price
            </th>
            <th scope="col" className="py-2 pl-2 text-right font-semibold">
              Total
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {items.map((item) => (
            <tr key={item.bookId}>
              <th scope="row" className={`${cell} pr-3 text-left font-medium break-words`}>
                <Link href={`/books/${item.bookId}`} className="text-ink underline-offset-2 hover:text-accent-strong hover:underline">
                  {item.title}
                </Link>
              </th>
              <td className={`${cell} px-2 text-right tabular-nums`}>{item.quantity}</td>
              <td className={`${cell} px-2 text-right`}>
                <Price cents={item.unitPriceCents} currency={currency} className="tabular-nums" />
              </td>
              <td className={`${cell} pl-2 text-right`}>
                <Price cents={item.unitPriceCents * item.quantity} currency={currency} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          {totalsRows(order).map((row) => (
            <tr key={row.key} data-testid={`order-${row.key}`} className={row.key === "subtotal" ? "border-t-2 border-line" : undefined}>
              <th
                scope="row"
                colSpan={3}
                className={`pt-2 text-left ${row.key === "total" ? "font-semibold" : "font-normal text-ink-soft"}`}
              >
                {row.key === "total" ? "Order total" : row.label}
              </th>
              <td className="pt-2 text-right">
                <Price
                  cents={row.cents}
                  currency={currency}
                  className={row.key === "total" ? "font-bold text-ink tabular-nums" : "tabular-nums"}
                />
              </td>
            </tr>
          ))}
          {awaitingSale(order) ? (
            <tr>
              <td colSpan={4} className="pt-2 text-sm text-ink-soft">
                Shipping and tax are added on the payment page, where you choose the delivery.
              </td>
            </tr>
          ) : null}
        </tfoot>
      </table>
    </section>
  );
}
