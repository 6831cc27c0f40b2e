import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { LiveOrderUpdates } from "@/components/orders/live-order-updates";
import { LeftOut } from "@/components/orders/left-out";
import { OrderItems } from "@/components/orders/order-items";
import { ShippingAddress } from "@/components/orders/shipping-address";
import { shortOrderId } from "@/components/orders/order-format";
import { OrderPayments } from "@/components/orders/order-payments";
import { PartialRefundForm } from "@/components/orders/partial-refund-form";
import { panelClass } from "@/components/ui-classes";
import { OrderReturns } from "@/components/orders/order-returns";
import { DisputeBadge, ShopperDisputeNotice } from "@/components/orders/order-dispute";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { OrderStatusMessage } from "@/components/orders/order-status-message";
import { OrderTimeline } from "@/components/orders/order-timeline";
import { orderForPage } from "@/lib/orders/order-page-access";
import { wasPaid } from "@/lib/orders/order-view";

export const dynamic = "force-dynamic";

type OrderPageProps = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: OrderPageProps): Promise<Metadata> {
  return { title: `Order ${shortOrderId((await params).id)}` };
}

export default async function OrderPage({ params }: OrderPageProps) {
  const { id } = await params;
  const { order, viewer } = await orderForPage(id, `/orders/${id}`);
  const short = shortOrderId(order.id);
  // A guest (no account, or not the owner's) follows this order through its link: there is no list of orders for them.
  const asGuest = !viewer.user;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-6 text-sm text-ink-soft">
        <ol className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <li>
            {asGuest ? (
              <span>Guest order for {order.guestEmail}</span>
            ) : (
              <Link href="/orders" className="font-medium text-accent underline-offset-4 hover:underline">
                Your orders
              </Link>
            )}
          </li>
          <li aria-hidden="true">/</li>
          <li aria-current="page">Order {short}</li>
        </ol>
      </nav>

      <header className="mb-6 flex flex-wrap items-center gap-x-4 gap-y-2">
        <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Order {short}</h1>
        <OrderStatusBadge status={order.status} />
        {order.displayStatus !== order.status ? <OrderStatusBadge status={order.displayStatus} /> : null}
        <DisputeBadge dispute={order.dispute} />
        <p className="flex w-full flex-wrap items-center gap-x-4 text-sm text-ink-soft">
          <span>
            Placed <LocalTime iso={order.createdAt} />
          </span>
          <LiveOrderUpdates orderId={order.id} revision={order.revision} />
          {wasPaid(order) ? (
            <Link href={`/orders/${order.id}/receipt`} className="font-medium text-accent underline-offset-4 hover:underline">
              Receipt
            </Link>
          ) : null}
        </p>
      </header>

      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_22rem] lg:gap-8">
        <div className="flex min-w-0 flex-col gap-6">
          <ShopperDisputeNotice dispute={order.dispute} />
          <OrderStatusMessage order={order} />
          <OrderItems order={order} />
          <LeftOut order={order} />
          <OrderReturns order={order} />
          <ShippingAddress order={order} />
          <OrderPayments payments={order.payments} refunds={order.refunds} currency={order.currency} />
          {order.canRefundLines ? (
            <section aria-labelledby="refund-lines-heading" className={panelClass}>
              <h2 id="refund-lines-heading" className="text-xl font-semibold">
                Return some books before they ship
              </h2>
              <p className="mt-1 text-sm text-ink-soft">Choose the copies you no longer want: we refund what you paid for them.</p>
              <div className="mt-3">
                <PartialRefundForm
                  heading="Refund some books"
                  action={`/api/orders/${order.id}/partial-refund`}
                  lines={order.refundableLines}
                  currency={order.currency}
                />
              </div>
            </section>
          ) : null}
        </div>
        <OrderTimeline events={order.events} currency={order.currency} />
      </div>
    </>
  );
}
