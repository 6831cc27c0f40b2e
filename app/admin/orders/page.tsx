import type { Metadata } from "next";
import Link from "next/link";
import { AdminOrderTable } from "@/components/admin/admin-order-table";
import { shortOrderId } from "@/components/orders/order-format";
import { OrderStatusBadge, orderStatusLabel } from "@/components/orders/order-status-badge";
import { inputClass, panelClass, secondaryButtonClass, textLinkClass } from "@/components/ui-classes";
import { adminOrderFilterSchema, MAX_ORDER_SEARCH_LENGTH, type AdminOrderFilter } from "@/lib/admin/order-filter";
import { ShipByHandForm } from "@/components/admin/order-automation";
import { countOrdersByStatus, countOrdersToShip, listShipByHandQueue, listStuckOrders } from "@/lib/admin/order-overview";
import { searchParamsObject } from "@/lib/http/responses";
import { listOrdersForAdmin } from "@/lib/admin/admin-orders";
import { requireAdminPage } from "../require-admin";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Orders · Admin" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const utc = (iso: string) => iso.replace("T", " ").slice(0, 16);
const chip =
  "rounded-full border border-line bg-card px-3 py-1 text-sm aria-[current=page]:border-accent aria-[current=page]:bg-accent aria-[current=page]:text-white";

function hrefFor(filter: AdminOrderFilter): string {
  const entries = Object.entries(filter)
    .filter(([, value]) => value !== undefined && value !== "" && !(value === 1))
    .map(([key, value]) => [key, String(value)] as [string, string]);
  const text = new URLSearchParams(entries).toString();
  return text ? `/admin/orders?${text}` : "/admin/orders";
}

function readFilter(params: Record<string, string | string[] | undefined>): { filter: AdminOrderFilter; problem?: string } {
  const url = new URL("http://x/");
  for (const [key, value] of Object.entries(params)) if (typeof value === "string" && value) url.searchParams.set(key, value);
  const parsed = adminOrderFilterSchema.safeParse(searchParamsObject(url));
  if (parsed.success) return { filter: parsed.data };
  return { filter: {}, problem: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
}

function listTitle({ status, queue, q, from, to }: AdminOrderFilter): string {
  const what =
    queue === "to-ship" ? "To ship: paid, not shipped yet, oldest payment first" : status ? orderStatusLabel(status) : "All orders";
  const days = from || to ? `, placed ${from ?? "…"} to ${to ?? "today"}` : "";
  return `${what}${days}${q ? `, matching “${q}”` : ""}`;
}

// GET /admin/orders?q=&status=&queue=&from=&to=&page= – operators: what is stuck, what is waiting to ship, then every order, searchable, a page at a time.
export default async function AdminOrdersPage({ searchParams }: Props) {
  await requireAdminPage();
  const { filter, problem } = readFilter(await searchParams);
  const { status, queue, q, from, to } = filter;
  const [counts, stuck, toShip, waiting, result, handQueue] = await Promise.all([
    countOrdersByStatus({ from, to }),
    listStuckOrders(),
    countOrdersToShip(),
    listOrdersForAdmin({ queue: "to-ship", pageSize: 5 }),
    listOrdersForAdmin(filter),
    listShipByHandQueue(),
  ]);
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const orders = result.items;
  const keep = { status, queue, q, from, to };
  return (
    <div className="mx-auto max-w-6xl py-8">
      <h1 className="font-serif text-3xl font-bold text-ink">Orders</h1>

      <form role="search" aria-label="Orders" method="get" action="/admin/orders" className="mt-4 flex flex-wrap items-end gap-3">
        {status ? <input type="hidden" name="status" value={status} /> : null}
        {queue ? <input type="hidden" name="queue" value={queue} /> : null}
        {from ? <input type="hidden" name="from" value={from} /> : null}
        {to ? <input type="hidden" name="to" value={to} /> : null}
        <label className="flex min-w-0 flex-1 flex-col gap-1 text-sm font-semibold sm:max-w-md">
          Search orders
          <input
            type="search"
            name="q"
            defaultValue={q}
            maxLength={MAX_ORDER_SEARCH_LENGTH}
            placeholder="E-mail, name or order number"
            className={`${inputClass} font-normal`}
          />
        </label>
        <button type="submit" className={secondaryButtonClass}>
          Search
        </button>
        {q ? (
          <Link className={`${textLinkClass} py-2`} href={hrefFor({ ...keep, q: undefined })}>
            Clear search
          </Link>
        ) : null}
      </form>

      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="to-ship-heading" className={`${panelClass} ${toShip ? "border-emerald-600" : ""}`}>
          <h2 id="to-ship-heading" className="font-serif text-xl font-bold text-ink">
            To ship ({toShip})
          </h2>
          {toShip === 0 ? (
            <p className="mt-2 text-ink-soft">Every paid order has shipped.</p>
          ) : (
            <>
              <p className="mt-1 text-sm text-ink-soft">Paid and waiting for the warehouse, oldest payment first.</p>
              <ul className="mt-3 space-y-2">
                {waiting.items.map((o) => (
                  <li key={o.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                    <Link className={textLinkClass} href={`/admin/orders/${o.id}`}>
                      {shortOrderId(o.id)}
                    </Link>
                    <span className="text-ink-soft">paid {utc(o.paidAt ?? o.createdAt)} UTC</span>
                    <span className="break-all">{o.name ?? o.email}</span>
                    {o.isHeldByDispute ? <span className="text-xs font-semibold text-red-800">held: disputed</span> : null}
                  </li>
                ))}
              </ul>
              <Link className={`${textLinkClass} mt-3 inline-block text-sm`} href={hrefFor({ queue: "to-ship" })}>
                All {toShip} to ship →
              </Link>
            </>
          )}
        </section>

        <section aria-labelledby="stuck-heading" className={`${panelClass} ${stuck.length ? "border-amber-400 bg-amber-50" : ""}`}>
          <h2 id="stuck-heading" className="font-serif text-xl font-bold text-ink">
            Needs attention ({stuck.length})
          </h2>
          {stuck.length === 0 ? (
            <p className="mt-2 text-ink-soft">
              Nothing is stuck: no order is past its deadline, no refund or job is failing.
              {toShip ? ` Orders waiting to ship are under “To ship”.` : ""}
            </p>
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
                    {shortOrderId(s.id)}
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
      </div>

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
                    {shortOrderId(o.id)}
                  </Link>
                  <span>{o.email}</span>
                  <span className="text-ink-soft">since {utc(o.since)} UTC</span>
                  {o.paused ? <span className="text-xs font-semibold text-amber-900">automation paused</span> : null}
                </div>
                <p className="mb-2">{o.address ?? "No address on the order"}</p>
                <p className="mb-2 text-ink-soft">{o.reason}</p>
                <ShipByHandForm orderId={o.id} label={shortOrderId(o.id)} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <form method="get" action="/admin/orders" className="mt-6 flex flex-wrap items-end gap-3" aria-label="Filter orders by date">
        {status ? <input type="hidden" name="status" value={status} /> : null}
        {queue ? <input type="hidden" name="queue" value={queue} /> : null}
        {q ? <input type="hidden" name="q" value={q} /> : null}
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
          <Link className={textLinkClass} href={hrefFor({ status, queue, q })}>
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
        <Link href={hrefFor({ q, from, to })} aria-current={!status && !queue ? "page" : undefined} className={chip}>
          All ({total})
        </Link>
        <Link href={hrefFor({ queue: "to-ship", q, from, to })} aria-current={queue === "to-ship" ? "page" : undefined} className={chip}>
          To ship ({counts.find((c) => c.status === "paid")?.count ?? 0})
        </Link>
        {counts.map((c) => (
          <Link
            key={c.status}
            href={hrefFor({ status: c.status, q, from, to })}
            aria-current={status === c.status && !queue ? "page" : undefined}
            className={chip}
          >
            {orderStatusLabel(c.status)} ({c.count})
          </Link>
        ))}
      </nav>

      <section aria-labelledby="all-heading" className={`${panelClass} mt-6 overflow-x-auto`}>
        <h2 id="all-heading" className="font-serif text-xl font-bold text-ink">
          {listTitle(filter)}
        </h2>
        {orders.length > 0 ? (
          <p className="mt-1 text-sm text-ink-soft">
            {result.page === 1 && !result.hasMore
              ? `${orders.length} ${orders.length === 1 ? "order" : "orders"}`
              : `Page ${result.page}: orders ${(result.page - 1) * result.pageSize + 1}–${(result.page - 1) * result.pageSize + orders.length}`}
          </p>
        ) : null}
        {orders.length === 0 ? (
          <p className="mt-3 text-ink-soft">No orders match this filter.</p>
        ) : (
          <AdminOrderTable orders={orders} isShippingQueue={queue === "to-ship"} />
        )}
        {result.page > 1 || result.hasMore ? (
          <nav aria-label="Pages" className="mt-4 flex flex-wrap justify-between gap-3 text-sm">
            {result.page > 1 ? (
              <Link className={textLinkClass} rel="prev" href={hrefFor({ ...keep, page: result.page - 1 })}>
                ← {queue === "to-ship" ? "Earlier" : "Newer"} orders
              </Link>
            ) : (
              <span />
            )}
            {result.hasMore ? (
              <Link className={textLinkClass} rel="next" href={hrefFor({ ...keep, page: result.page + 1 })}>
                {queue === "to-ship" ? "Later" : "Older"} orders →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
