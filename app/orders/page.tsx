import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { LocalTime } from "@/components/local-time";
import { itemCount, plural, shortOrderId, titlesSummary } from "@/components/orders/order-format";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { Price } from "@/components/price";
import { panelClass, primaryButtonClass } from "@/components/ui-classes";
import { getCurrentUser } from "@/lib/auth/session";
import { listOrdersForUser } from "@/lib/orders/order-view";

export const metadata: Metadata = { title: "Your orders" };
export const dynamic = "force-dynamic";

export default async function OrdersPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?callbackUrl=%2Forders");
  const orders = await listOrdersForUser(user.id);

  return (
    <>
      <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Your orders</h1>
      <p className="mt-2 text-ink-soft">Newest first. Open an order to pay, follow delivery or ask for a refund.</p>

      {orders.length === 0 ? (
        <section aria-labelledby="no-orders" className={`mt-8 ${panelClass} px-6 py-10 text-center`}>
          <h2 id="no-orders" className="text-xl font-semibold">
            No orders yet
          </h2>
          <p className="mt-2 text-ink-soft">When you place an order, it will show up here.</p>
          <Link href="/" className={`${primaryButtonClass} mt-5`}>
            Browse the catalog
          </Link>
        </section>
      ) : (
        <section aria-labelledby="orders-heading" className="mt-8">
          <h2 id="orders-heading" className="sr-only">
            {plural(orders.length, "order")}
          </h2>
          <ul className="flex flex-col gap-3">
            {orders.map((order) => (
              <li
                key={order.id}
                className="relative rounded-lg border border-line bg-card p-4 shadow-card transition-shadow focus-within:shadow-card-hover hover:shadow-card-hover sm:p-5"
              >
                <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
                  <h3 className="font-serif text-lg font-semibold">
                    <Link
                      href={`/orders/${order.id}`}
                      className="text-ink underline-offset-2 after:absolute after:inset-0 after:content-[''] hover:text-accent-strong hover:underline"
                    >
                      Order {shortOrderId(order.id)}
                    </Link>
                  </h3>
                  <OrderStatusBadge status={order.status} />
                </div>
                <p
                  className="mt-1 line-clamp-2 text-ink"
                  data-testid="order-titles"
                  title={order.items.map((item) => item.title).join(", ")}
                >
                  {titlesSummary(order.items)}
                </p>
                <p className="mt-2 flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm text-ink-soft">
                  <span>
                    Placed <LocalTime iso={order.createdAt} />
                  </span>
                  <span aria-hidden="true">·</span>
                  <span>{plural(itemCount(order.items), "book")}</span>
                  <span aria-hidden="true">·</span>
                  <Price cents={order.totalCents} currency={order.currency} className="font-semibold text-ink tabular-nums" />
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
