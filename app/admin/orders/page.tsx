import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OrderStatusBadge, orderStatusLabel } from "@/components/orders/order-status-badge";
import { Price } from "@/components/price";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { orderStatuses, type OrderStatus } from "@/db/schema";
import { countOrdersByStatus, listStuckOrders } from "@/lib/admin/order-overview";
import { getCurrentUser } from "@/lib/auth/session";
import { listOrdersForAdmin } from "@/lib/orders/admin-orders";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Orders · Admin" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// GET /admin/orders?status= – operators: counts, stuck orders first, then all orders.
export default async function AdminOrdersPage({ searchParams }: Props) {
  const user = await getCurrentUser();
  if (user?.role !== "admin") notFound();
  const wanted = [(await searchParams).status].flat()[0];
  const status = orderStatuses.includes(wanted as OrderStatus) ? (wanted as OrderStatus) : undefined;
  const [counts, stuck, orders] = await Promise.all([countOrdersByStatus(), listStuckOrders(), listOrdersForAdmin({ status, limit: 100 })]);
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <h1 className="font-serif text-3xl font-bold text-ink">Orders</h1>
      <nav aria-label="Filter by status" className="mt-4 flex flex-wrap gap-2">
        <Link href="/admin/orders" aria-current={!status ? "page" : undefined} className="rounded-full border border-line bg-card px-3 py-1 text-sm aria-[current=page]:bg-accent aria-[current=page]:text-white">
          All ({counts.reduce((sum, c) => sum + c.count, 0)})
        </Link>
        {counts.map((c) => (
          <Link key={c.status} href={`/admin/orders?status=${c.status}`} aria-current={status === c.status ? "page" : undefined} className="rounded-full border border-line bg-card px-3 py-1 text-sm aria-[current=page]:bg-accent aria-[current=page]:text-white">
            {orderStatusLabel(c.status)} ({c.count})
          </Link>
        ))}
      </nav>
      <section aria-labelledby="stuck-heading" className={`${panelClass} mt-6 border-amber-300 bg-amber-50`}>
        <h2 id="stuck-heading" className="font-serif text-xl font-bold text-ink">Needs attention ({stuck.length})</h2>
        {stuck.length === 0 ? (
          <p className="mt-2 text-ink-soft">Nothing is stuck.</p>
        ) : (
          <ul className="mt-3 space-y-2">
            {stuck.map((s) => (
              <li key={`${s.id}-${s.reason}`} className="flex flex-wrap items-center gap-3 text-sm">
                <Link className={textLinkClass} href={`/admin/orders/${s.id}`}>{s.id.slice(0, 8).toUpperCase()}</Link>
                <OrderStatusBadge status={s.status} />
                <span>{s.reason}</span>
                <span className="text-ink-soft">since {s.since.replace("T", " ").slice(0, 16)} UTC · {s.email}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="all-heading" className={`${panelClass} mt-6 overflow-x-auto`}>
        <h2 id="all-heading" className="font-serif text-xl font-bold text-ink">{status ? orderStatusLabel(status) : "All orders"} (newest 100)</h2>
        <table className="mt-3 w-full text-left text-sm">
          <thead>
            <tr className="border-b border-line text-xs uppercase tracking-wide text-ink-soft">
              <th className="py-2 pr-4">Order</th>
              <th className="py-2 pr-4">Placed (UTC)</th>
              <th className="py-2 pr-4">Customer</th>
              <th className="py-2 pr-4">Status</th>
              <th className="py-2 text-right">Total</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.id} className={`border-b border-line last:border-0 ${o.needsAttention ? "bg-amber-50" : ""}`}>
                <td className="py-2 pr-4"><Link className={textLinkClass} href={`/admin/orders/${o.id}`}>{o.id.slice(0, 8).toUpperCase()}</Link></td>
                <td className="py-2 pr-4 whitespace-nowrap">{o.createdAt.replace("T", " ").slice(0, 16)}</td>
                <td className="py-2 pr-4">{o.email}</td>
                <td className="py-2 pr-4"><OrderStatusBadge status={o.status} /></td>
                <td className="py-2 text-right"><Price cents={o.totalCents} currency={o.currency} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
