import Link from "next/link";
import { Price } from "@/components/price";
import { panelClass } from "@/components/ui-classes";
import type { OrderView } from "@/lib/orders/order-view";

type OrderItemsProps = { items: OrderView["items"]; totalCents: number; currency: string };

const cell = "py-2.5 align-top";

export function OrderItems({ items, totalCents, currency }: OrderItemsProps) {
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
          <tr className="border-t-2 border-line">
            <th scope="row" colSpan={3} className="pt-3 text-left font-semibold">
              Order total
            </th>
            <td className="pt-3 text-right">
              <Price cents={totalCents} currency={currency} className="font-bold text-ink tabular-nums" />
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
