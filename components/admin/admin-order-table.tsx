import Link from "next/link";
import { shortOrderId } from "@/components/orders/order-format";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { Price } from "@/components/price";
import { textLinkClass } from "@/components/ui-classes";
import type { AdminOrderRow } from "@/lib/admin/admin-orders";
import { PaymentDelayMark } from "./payment-delay-mark";

const utc = (iso: string) => iso.replace("T", " ").slice(0, 16);

/** Who placed the order: the account's name and e-mail, or a guest's e-mail (and the name it ships to, once known). */
export function OrderCustomer({ name, email, isGuest }: { name: string | null; email: string; isGuest: boolean }) {
  return (
    <span className="block">
      {name ? <span className="block font-semibold text-ink">{name}</span> : null}
      <span className="block break-all text-ink-soft">
        {email}
        {isGuest ? (
          <span className="ml-2 rounded-full bg-stone-100 px-2 py-0.5 text-xs font-semibold text-stone-700 ring-1 ring-stone-500/30 ring-inset">
            guest
          </span>
        ) : null}
      </span>
    </span>
  );
}

/** One page of orders for operators; in the to-ship list the payment time replaces the time placed. */
export function AdminOrderTable({ orders, isShippingQueue }: { orders: AdminOrderRow[]; isShippingQueue: boolean }) {
  return (
    <table className="mt-3 w-full text-left text-sm">
      {/* On a phone the time and the total move under the order number and the status: three columns fit. */}
      <thead>
        <tr className="border-b border-line text-xs tracking-wide text-ink-soft uppercase">
          <th scope="col" className="py-2 pr-4">
            Order
          </th>
          <th scope="col" className="hidden py-2 pr-4 sm:table-cell">
            {isShippingQueue ? "Paid (UTC)" : "Placed (UTC)"}
          </th>
          <th scope="col" className="py-2 pr-4">
            Customer
          </th>
          <th scope="col" className="py-2 pr-4 sm:pr-4">
            Status
          </th>
          <th scope="col" className="hidden py-2 text-right sm:table-cell">
            Total
          </th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.id} className={`border-b border-line align-top last:border-0 ${o.needsAttention ? "bg-amber-50" : ""}`}>
            <td className="py-2 pr-4">
              <Link className={textLinkClass} href={`/admin/orders/${o.id}`}>
                {shortOrderId(o.id)}
              </Link>
              <span className="block text-xs whitespace-nowrap text-ink-soft sm:hidden">
                {utc(isShippingQueue && o.paidAt ? o.paidAt : o.createdAt)}
              </span>
            </td>
            <td className="hidden py-2 pr-4 whitespace-nowrap sm:table-cell">
              {utc(isShippingQueue && o.paidAt ? o.paidAt : o.createdAt)}
            </td>
            <td className="py-2 pr-4">
              <OrderCustomer name={o.name} email={o.email} isGuest={o.isGuest} />
            </td>
            <td className="py-2 pr-4">
              <OrderStatusBadge status={o.status} />
              {o.isHeldByDispute ? <span className="mt-1 block text-xs font-semibold text-red-800">held: disputed</span> : null}
              <PaymentDelayMark delay={o.paymentDelay} />
              <span className="mt-1 block sm:hidden">
                <Price cents={o.totalCents} currency={o.currency} />
              </span>
            </td>
            <td className="hidden py-2 text-right sm:table-cell">
              <Price cents={o.totalCents} currency={o.currency} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
