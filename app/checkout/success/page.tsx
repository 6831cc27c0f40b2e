import type { Metadata } from "next";
import Link from "next/link";
import { OrderItems } from "@/components/orders/order-items";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { shortOrderId } from "@/components/orders/order-format";
import { PaymentStatusWatch } from "@/components/payments/payment-status-watch";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { getOrderForUser } from "@/lib/orders/order-view";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { handleGatewayReturn } from "../gateway-return";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Thank you" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// GET /checkout/success?session_id=… – back from the payment page: ask the
// gateway, dispatch what it says, then show the order.
export default async function CheckoutSuccessPage({ searchParams }: Props) {
  const { user, result: settled } = await handleGatewayReturn(searchParams, "/checkout/success", reconcileSuccessReturn);
  const order = await getOrderForUser(user.id, settled.orderId);
  const paid = order.status === "paid" || order.status === "fulfilled";
  return (
    <div className="mx-auto max-w-3xl px-4 py-10 sm:px-6">
      <div className={panelClass}>
        <p className="text-sm text-ink-soft">Order {shortOrderId(order.id)}</p>
        <h1 className="mt-1 font-serif text-3xl font-bold text-ink">{paid ? "Thank you! Your order is paid." : "Thank you! We are confirming your payment."}</h1>
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <OrderStatusBadge status={order.status} />
          {paid ? <span className="text-sm text-ink-soft">A confirmation e-mail is on its way. We will tell you when the books ship.</span> : null}
        </div>
        {!paid && order.status === "created" ? (
          <PaymentStatusWatch orderId={order.id} initialStatus={order.status} initialRevision={order.revision} />
        ) : null}
        {!paid && order.status !== "created" ? (
          <p className="mt-3 text-sm text-ink-soft">This order is {order.status.replace("_", " ")}; see the order page for what happens next.</p>
        ) : null}
      </div>
      <div className="mt-6">
        <OrderItems items={order.items} totalCents={order.totalCents} currency={order.currency} />
      </div>
      <p className="mt-6">
        <Link className={textLinkClass} href={`/orders/${order.id}`}>
          View your order
        </Link>
      </p>
    </div>
  );
}
