import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminOrderActions } from "@/components/admin/admin-order-actions";
import { OrderCustomer } from "@/components/admin/admin-order-table";
import { AdminReturns } from "@/components/admin/admin-returns";
import { PauseControls, ShipByHandForm } from "@/components/admin/order-automation";
import { PaymentDelayBadge, PaymentDelayNotice } from "@/components/admin/payment-delay-mark";
import { OrderEventLog } from "@/components/admin/order-event-log";
import { OrderJobs } from "@/components/admin/order-jobs";
import { OutsideRefunds } from "@/components/admin/outside-refunds";
import { LiveOrderUpdates } from "@/components/orders/live-order-updates";
import { OrderItems } from "@/components/orders/order-items";
import { ShippingAddress } from "@/components/orders/shipping-address";
import { OrderPayments } from "@/components/orders/order-payments";
import { PartialRefundForm } from "@/components/orders/partial-refund-form";
import { AdminDisputePanel, DisputeBadge } from "@/components/orders/order-dispute";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { getOrderCustomer } from "@/lib/admin/admin-orders";
import { listOrderEventLog, listOrderJobRuns, listOrderJobs, listOrderWebhooks, orderAutomationOf } from "@/lib/admin/order-overview";
import { isAppError } from "@/lib/errors";
import { getOrder } from "@/lib/orders/order-view";
import { requireAdminPage } from "../../require-admin";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Order · Admin" };

const when = (iso: string) => `${iso.replace("T", " ").slice(0, 19)} UTC`;

// GET /admin/orders/:id – the full story of one order, for operators.
export default async function AdminOrderPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdminPage();
  const { id } = await params;
  const order = await getOrder(id).catch((error) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  const [automation, webhooks, queued, runs, log, customer] = await Promise.all([
    orderAutomationOf(order.id),
    listOrderWebhooks(order.id),
    listOrderJobs(order.id),
    listOrderJobRuns(order.id),
    listOrderEventLog(order.id),
    getOrderCustomer(order.id),
  ]);
  // An open dispute holds the order: the gateway refuses its refund, the warehouse waits (a lost one keeps it held).
  const held = order.dispute?.standing === "disputed" || order.dispute?.standing === "dispute_lost";
  const canRefund =
    (["paid", "fulfilled", "delivered"].includes(order.status) && order.dispute?.standing !== "disputed" && order.refundableCents > 0) ||
    // A free order (a 100 % code) before it ships: "Refund order" cancels it, nothing to refund.
    (order.status === "paid" && order.totalCents === 0) ||
    (order.status === "refund_pending" && !order.refunds.some((r) => r.status === "pending"));
  // After the gateway failed (a closed card, say), an operator's retry may pay the shopper another way.
  // Not while a dispute is open: the bank may give the shopper that money back (it is decided first).
  const canRefundOutside =
    order.status === "refund_pending" &&
    canRefund &&
    order.refunds.some((r) => r.status === "failed") &&
    order.dispute?.standing !== "disputed";
  const owedOutside = order.refunds
    .filter((r) => r.outside && r.status === "pending")
    .map((r) => ({ id: r.id, amountCents: r.owedCents ?? r.amountCents, createdAt: r.createdAt }));
  const canRefundPart = ["paid", "fulfilled"].includes(order.status) && order.refundableCents > 0;
  return (
    <div className="mx-auto max-w-6xl py-8">
      <Link className={textLinkClass} href="/admin/orders">
        ← Orders
      </Link>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <h1 className="font-serif text-3xl font-bold text-ink">Order {order.id.slice(0, 8).toUpperCase()}</h1>
        <OrderStatusBadge status={order.status} />
        {order.displayStatus !== order.status ? <OrderStatusBadge status={order.displayStatus} /> : null}
        <DisputeBadge dispute={order.dispute} />
        <PaymentDelayBadge delay={automation.paymentDelay} />
        <span className="text-sm text-ink-soft">
          machine state <code>{order.state}</code> · revision {order.revision}
        </span>
        {order.guestEmail ? (
          <span className="text-sm text-ink-soft" data-testid="guest-order">
            guest order for {order.guestEmail}
            {order.events.some((e) => e.type === "OrderClaimed") ? " (claimed by its account)" : ""}
          </span>
        ) : null}
        <LiveOrderUpdates orderId={order.id} revision={order.revision} />
        <Link className={`${textLinkClass} text-sm`} href={`/admin/operations?order=${order.id}`}>
          Operations log
        </Link>
        {order.shippingAddress ? (
          <Link className={`${textLinkClass} text-sm`} href={`/admin/orders/${order.id}/packing-slip`}>
            Packing slip
          </Link>
        ) : null}
      </div>
      {order.needsAttention ? (
        <p role="alert" className="mt-3 rounded border border-amber-400 bg-amber-50 p-3 text-sm">
          This order needs an operator: {automation.attentionReason ?? "automation gave up on it"}.
        </p>
      ) : null}
      <PaymentDelayNotice delay={automation.paymentDelay} />
      <AdminDisputePanel dispute={order.dispute} currency={order.currency} />
      <OutsideRefunds orderId={order.id} owed={owedOutside} currency={order.currency} disputed={order.dispute?.standing === "disputed"} />
      {automation.shipByHand ? (
        <section aria-labelledby="ship-by-hand-heading" className={`${panelClass} mt-4 border-amber-400 bg-amber-50`}>
          <h2 id="ship-by-hand-heading" className="font-serif text-xl font-bold">
            Ship by hand
          </h2>
          <p className="mt-1 mb-3 text-sm">
            The automatic fulfilment gave up ({automation.shipByHand.reason}). Send the parcel, then mark it shipped.
          </p>
          <ShipByHandForm orderId={order.id} label={order.id.slice(0, 8).toUpperCase()} />
        </section>
      ) : null}
      <div className="mt-4">
        <PauseControls orderId={order.id} paused={automation.paused} />
      </div>
      <div className="mt-4">
        <AdminOrderActions
          orderId={order.id}
          canRefund={canRefund}
          canRefundOutside={canRefundOutside}
          canFulfil={order.status === "paid" && !held && !automation.shipByHand}
          canDeliver={order.status === "fulfilled"}
        />
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        {customer ? (
          <section aria-labelledby="customer-heading" className={panelClass}>
            <h2 id="customer-heading" className="font-serif text-xl font-bold">
              Customer
            </h2>
            <div className="mt-2 text-sm">
              <OrderCustomer name={customer.name} email={customer.email} isGuest={customer.isGuest} />
              <p className="mt-2 text-ink-soft">
                {customer.accountSince ? `Account since ${customer.accountSince.slice(0, 10)}` : "Checked out as a guest, no account"} ·{" "}
                <Link className={textLinkClass} href={`/admin/orders?${new URLSearchParams({ q: customer.email })}`}>
                  {customer.orderCount === 1 ? "1 order" : `${customer.orderCount} orders`} with this address
                </Link>
              </p>
            </div>
          </section>
        ) : null}
        <OrderItems order={order} />
        <AdminReturns order={order} />
        <ShippingAddress order={order} />
        <OrderPayments payments={order.payments} refunds={order.refunds} currency={order.currency} />
        {canRefundPart ? (
          <section aria-labelledby="partial-refund-heading" className={panelClass}>
            <h2 id="partial-refund-heading" className="font-serif text-xl font-bold">
              Refund part of the order
            </h2>
            <p className="mt-1 text-sm text-ink-soft">
              Copies not shipped yet go back on the shelf. Never more than is left of what was captured.
            </p>
            <div className="mt-3">
              <PartialRefundForm
                heading="Lines, shipping or an amount"
                action={`/api/admin/orders/${order.id}/partial-refund`}
                lines={order.refundableLines}
                currency={order.currency}
                money={{ shippingLeftCents: order.refundableShippingCents, refundableCents: order.refundableCents }}
              />
            </div>
          </section>
        ) : null}
      </div>
      <div className="mt-6">
        <OrderEventLog entries={log} currency={order.currency} />
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="webhooks-heading" className={panelClass}>
          <h2 id="webhooks-heading" className="font-serif text-xl font-bold">
            Webhook deliveries ({webhooks.length})
          </h2>
          {webhooks.length === 0 ? <p className="mt-2 text-sm text-ink-soft">None received for this order’s payment sessions.</p> : null}
          <ul className="mt-3 space-y-1 text-sm">
            {webhooks.map((w) => (
              <li key={w.id}>
                <code>{w.type}</code> · <span className="font-semibold">{w.outcome}</span> · {when(w.receivedAt)}
                <span className="block text-xs break-all text-ink-soft">{w.id}</span>
              </li>
            ))}
          </ul>
        </section>
        <OrderJobs queued={queued} runs={runs} />
      </div>
    </div>
  );
}
