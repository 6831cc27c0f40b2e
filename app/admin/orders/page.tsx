import type { Metadata } from "next";
import Link from "next/link";
import { OrderStatusBadge, orderStatusLabel } from "@/components/orders/order-status-badge";
import { Price } from "@/components/price";
import { inputClass, panelClass, secondaryButtonClass, textLinkClass } from "@/components/ui-classes";
import { adminOrderFilterSchema, type AdminOrderFilter } from "@/lib/admin/order-filter";
import { ShipByHandForm } from "@/components/admin/order-automation";
import { countOrdersByStatus, listShipByHandQueue, listStuckOrders } from "@/lib/admin/order-overview";
import { searchParamsObject } from "@/lib/http/responses";
import { listOrdersForAdmin } from "@/lib/admin/admin-orders";
import { requireAdminPage } from "../require-admin";
import { TableHead } from "@/components/admin/table-head";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Orders · Admin" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const utc = (iso: string) => iso.replace("T", " ").slice(0, 16);
const chip =
  "rounded-full border border-line bg-card px-3 py-1 text-sm aria-[current=page]:border-accent aria-[current=page]:bg-accent aria-[current=page]:text-white";

function hrefFor(filter: AdminOrderFilter): string {
  const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const text = query.toString();
  return text ? `/admin/orders?${text}` : "/admin/orders";
}

function readFilter(params: Record<string, string | string[] | undefined>): { filter: AdminOrderFilter; problem?: string } {
  const url = new URL("http://x/");
  for (const [key, value] of Object.entries(params)) if (typeof value === "string" && value) url.searchParams.set(key, value);
  const parsed = adminOrderFilterSchema.safeParse(searchParamsObject(url));
  if (parsed.success) return { filter: parsed.data };
  return { filter: {}, problem: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
}

// GET /admin/orders?status=&from=&to= – operators: stuck orders first, counts per status, then the orders.
export default async function AdminOrdersPage({ searchParams }: Props) {
  await requireAdminPage();
  const { filter, problem } = readFilter(await searchParams);
  const { status, from, to } = filter;
  const [counts, stuck, handQueue, orders] = await Promise.all([
    countOrdersByStatus({ from, to }),
    listStuckOrders(),
    listShipByHandQueue(),
    listOrdersForAdmin({ ...filter, limit: 100 }),
  ]);
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  return (
    <div className="mx-auto max-w-6xl py-8">
      <h1 className="font-serif text-3xl font-bold text-ink">Orders</h1>

      <section aria-labelledby="stuck-heading" className={`${panelClass} mt-6 ${stuck.length ? "border-amber-400 bg-amber-50" : ""}`}>
        <h2 id="stuck-heading" className="font-serif text-xl font-bold text-ink">
          Needs attention ({stuck.length})
        </h2>
        {stuck.length === 0 ? (
          <p className="mt-2 text-ink-soft">Nothing is stuck: no order is past its deadline, no refund or job is failing.</p>
        ) : (
          <ul className="mt-3 space-y-2">
            {stuck.map((s) => (
              <li
                key={`${s.id}-${s.reason}`}
                className="flex flex-wrap items-center gap-3 text-sm"
                data-disputed={s.disputed}
                data-paused={s.paused ?? undefined}
              >
                <Link className={textLinkClass} href={`/admin/orders/${s.id}`}>
                  {s.id.slice(0, 8).toUpperCase()}
                </Link>
                <OrderStatusBadge status={s.status} />
                {s.disputed ? (
                  <span className="rounded-full bg-red-50 px-2.5 py-0.5 text-xs font-semibold text-red-900 ring-1 ring-red-700/30 ring-inset">
                    Disputed
                  </span>
                ) : null}
                {s.paused ? (
                  <span className="rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-semibold text-amber-900 ring-1 ring-amber-700/30 ring-inset">
                    {s.paused === "system" ? "Auto-paused" : "Paused"}
                  </span>
                ) : null}
                <span>{s.reason}</span>
                <span className="text-ink-soft">
                  since {utc(s.since)} UTC · {s.email}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {handQueue.length > 0 ? (
        <section aria-labelledby="ship-by-hand-heading" className={`${panelClass} mt-6`}>
          <h2 id="ship-by-hand-heading" className="font-serif text-xl font-bold text-ink">
            Ship by hand ({handQueue.length})
          </h2>
          <p className="mt-1 text-sm text-ink-soft">
            Paid orders the automatic fulfilment gave up on. Send the parcel, then mark it shipped here.
          </p>
          <ul className="mt-3 space-y-4">
            {handQueue.map((o) => (
              <li key={o.id} className="border-b border-line pb-3 text-sm last:border-0" data-testid="ship-by-hand-order">
                <div className="mb-2 flex flex-wrap items-center gap-3">
                  <Link className={textLinkClass} href={`/admin/orders/${o.id}`}>
                    {o.id.slice(0, 8).toUpperCase()}
                  </Link>
                  <span>{o.email}</span>
                  <span className="text-ink-soft">since {utc(o.since)} UTC</span>
                  {o.paused ? <span className="text-xs font-semibold text-amber-900">automation paused</span> : null}
                </div>
                <p className="mb-2">{o.address ?? "No address on the order"}</p>
                <p className="mb-2 text-ink-soft">{o.reason}</p>
                <ShipByHandForm orderId={o.id} label={o.id.slice(0, 8).toUpperCase()} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <form method="get" action="/admin/orders" className="mt-6 flex flex-wrap items-end gap-3" aria-label="Filter orders by date">
        {status ? <input type="hidden" name="status" value={status} /> : null}
        <label className="flex flex-col gap-1 text-sm font-semibold">
          Placed from
          <input type="date" name="from" defaultValue={from} className={`${inputClass} w-44 font-normal`} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-semibold">
          to
          <input type="date" name="to" defaultValue={to} className={`${inputClass} w-44 font-normal`} />
        </label>
        <button type="submit" className={secondaryButtonClass}>
          Apply
        </button>
        {from || to ? (
          <Link className={textLinkClass} href={hrefFor({ status })}>
            Any date
          </Link>
        ) : null}
      </form>
      {problem ? (
        <p role="alert" className="mt-2 text-sm font-medium text-red-800">
          Filter ignored: {problem}
        </p>
      ) : null}

      <nav aria-label="Filter by status" className="mt-4 flex flex-wrap gap-2">
        <Link href={hrefFor({ from, to })} aria-current={!status ? "page" : undefined} className={chip}>
          All ({total})
        </Link>
        {counts.map((c) => (
          <Link
            key={c.status}
            href={hrefFor({ status: c.status, from, to })}
            aria-current={status === c.status ? "page" : undefined}
            className={chip}
          >
            {orderStatusLabel(c.status)} ({c.count})
          </Link>
        ))}
      </nav>

      <section aria-labelledby="all-heading" className={`${panelClass} mt-6 overflow-x-auto`}>
        <h2 id="all-heading" className="font-serif text-xl font-bold text-ink">
          {status ? orderStatusLabel(status) : "All orders"}
          {from || to ? `, placed ${from ?? "…"} to ${to ?? "today"}` : ""} (newest {Math.min(100, orders.length)})
        </h2>
        {orders.length === 0 ? (
          <p className="mt-3 text-ink-soft">No orders match this filter.</p>
        ) : (
          <table className="mt-3 w-full text-left text-sm">
            <TableHead columns={["Order", "Placed (UTC)", "Customer", "Status", { label: "Total", align: "right" }]} />
            <tbody>
              {orders.map((o) => (
                <tr key={o.id} className={`border-b border-line last:border-0 ${o.needsAttention ? "bg-amber-50" : ""}`}>
                  <td className="py-2 pr-4">
                    <Link className={textLinkClass} href={`/admin/orders/${o.id}`}>
                      {o.id.slice(0, 8).toUpperCase()}
                    </Link>
                  </td>
                  <td className="py-2 pr-4 whitespace-nowrap">{utc(o.createdAt)}</td>
                  <td className="py-2 pr-4">{o.email}</td>
                  <td className="py-2 pr-4">
                    <OrderStatusBadge status={o.status} />
                  </td>
                  <td className="py-2 text-right">
                    <Price cents={o.totalCents} currency={o.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
