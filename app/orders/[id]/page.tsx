import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { LocalTime } from "@/components/local-time";
import { LiveOrderUpdates } from "@/components/orders/live-order-updates";
import { OrderItems } from "@/components/orders/order-items";
import { ShippingAddress } from "@/components/orders/shipping-address";
import { shortOrderId } from "@/components/orders/order-format";
import { OrderPayments } from "@/components/orders/order-payments";
import { DisputeBadge, ShopperDisputeNotice } from "@/components/orders/order-dispute";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { OrderStatusMessage } from "@/components/orders/order-status-message";
import { OrderTimeline } from "@/components/orders/order-timeline";
import { getCurrentUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getOrderForUser, wasPaid, type OrderView } from "@/lib/orders/order-view";

export const dynamic = "force-dynamic";

type OrderPageProps = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: OrderPageProps): Promise<Metadata> {
  return { title: `Order ${shortOrderId((await params).id)}` };
}

async function loadOrder(userId: string, id: string): Promise<OrderView> {
  try {
    return await getOrderForUser(userId, id);
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  }
}

export default async function OrderPage({ params }: OrderPageProps) {
  const { id } = await params;
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/orders/${id}`)}`);
  const order = await loadOrder(user.id, id);
  const short = shortOrderId(order.id);

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-6 text-sm text-ink-soft">
        <ol className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <li>
            <Link href="/orders" className="font-medium text-accent underline-offset-4 hover:underline">
              Your orders
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li aria-current="page">Order {short}</li>
        </ol>
      </nav>

      <header className="mb-6 flex flex-wrap items-center gap-x-4 gap-y-2">
        <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Order {short}</h1>
        <OrderStatusBadge status={order.status} />
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
          <ShippingAddress order={order} />
          <OrderPayments payments={order.payments} refunds={order.refunds} currency={order.currency} />
        </div>
        <OrderTimeline events={order.events} currency={order.currency} />
      </div>
    </>
  );
}
