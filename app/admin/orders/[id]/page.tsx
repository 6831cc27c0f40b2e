import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminOrderActions } from "@/components/admin/admin-order-actions";
import { OrderItems } from "@/components/orders/order-items";
import { OrderPayments } from "@/components/orders/order-payments";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { OrderTimeline } from "@/components/orders/order-timeline";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { listOrderJobs, listOrderWebhooks } from "@/lib/admin/order-overview";
import { getCurrentUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getOrder } from "@/lib/orders/order-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Order · Admin" };

const when = (iso: string) => `${iso.replace("T", " ").slice(0, 19)} UTC`;

// GET /admin/orders/:id – the full story of one order, for operators.
export default async function AdminOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (user?.role !== "admin") notFound();
  const { id } = await params;
  const order = await getOrder(id).catch((error) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  const [webhooks, jobs] = await Promise.all([listOrderWebhooks(order.id), listOrderJobs(order.id)]);
  const canRefund = ["paid", "fulfilled"].includes(order.status) || (order.status === "refund_pending" && !order.refunds.some((r) => r.status === "pending"));
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <Link className={textLinkClass} href="/admin/orders">← Orders</Link>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <h1 className="font-serif text-3xl font-bold text-ink">Order {order.id.slice(0, 8).toUpperCase()}</h1>
        <OrderStatusBadge status={order.status} />
        <span className="text-sm text-ink-soft">machine state {order.state} · revision {order.revision}</span>
      </div>
      {order.needsAttention ? <p className="mt-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm">Automation gave up on this order: it needs an operator.</p> : null}
      <div className="mt-4">
        <AdminOrderActions orderId={order.id} canRefund={canRefund} canFulfil={order.status === "paid"} />
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div className="space-y-6">
          <OrderItems items={order.items} totalCents={order.totalCents} currency={order.currency} />
          <OrderPayments payments={order.payments} refunds={order.refunds} currency={order.currency} />
          <section aria-labelledby="webhooks-heading" className={panelClass}>
            <h2 id="webhooks-heading" className="font-serif text-xl font-bold">Webhook deliveries ({webhooks.length})</h2>
            <ul className="mt-3 space-y-1 text-sm">
              {webhooks.map((w) => (
                <li key={w.id}><code>{w.type}</code> · {w.outcome} · {when(w.receivedAt)} · <span className="text-ink-soft">{w.id}</span></li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="jobs-heading" className={panelClass}>
            <h2 id="jobs-heading" className="font-serif text-xl font-bold">Pending and failing jobs ({jobs.length})</h2>
            <ul className="mt-3 space-y-1 text-sm">
              {jobs.map((j) => (
                <li key={`${j.task}-${j.key}-${j.runAt}`}>
                  <code>{j.task}</code> · attempts {j.attempts}/{j.maxAttempts} · {j.locked ? "running" : `runs ${when(j.runAt)}`}
                  {j.lastError ? <span className="text-red-800"> · {j.lastError.slice(0, 160)}</span> : null}
                </li>
              ))}
            </ul>
          </section>
        </div>
        <OrderTimeline events={order.events} />
      </div>
    </div>
  );
}
