import type { Metadata } from "next";
import Link from "next/link";
import { DeadlineCountdown } from "@/components/orders/deadline-countdown";
import { OrderActions } from "@/components/orders/order-actions";
import { shortOrderId } from "@/components/orders/order-format";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { getOrderForViewer } from "@/lib/orders/order-view";
import { recordCancelledReturn } from "@/lib/payments/return-from-gateway";
import { handleGatewayReturn } from "../gateway-return";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Payment cancelled" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// GET /checkout/cancelled?session_id=… – the shopper left the payment page.
export default async function CheckoutCancelledPage({ searchParams }: Props) {
  const {
    viewer,
    result: { orderId },
  } = await handleGatewayReturn(searchParams, "/checkout/cancelled", recordCancelledReturn);
  const order = await getOrderForViewer(viewer, orderId);
  const canRetry = order.allowedActions.includes("pay");
  return (
    <div className="mx-auto max-w-3xl px-4 py-10 sm:px-6">
      <div className={panelClass}>
        <p className="text-sm text-ink-soft">Order {shortOrderId(order.id)}</p>
        <h1 className="mt-1 font-serif text-3xl font-bold text-ink">Payment cancelled</h1>
        <p className="mt-3 text-ink-soft">Nothing was charged.{canRetry ? " Your books are still reserved for you:" : ""}</p>
        {canRetry ? (
          <>
            <div className="mt-2">
              <DeadlineCountdown deadline={order.paymentDeadline} />
            </div>
            <div className="mt-5">
              <OrderActions
                orderId={order.id}
                allowedActions={order.allowedActions.includes("pay") ? ["pay", "cancel"] : order.allowedActions}
              />
            </div>
          </>
        ) : (
          <p className="mt-3 text-ink-soft">The time to pay for this order has run out.</p>
        )}
      </div>
      <p className="mt-6">
        <Link className={textLinkClass} href={`/orders/${order.id}`}>
          View your order
        </Link>
      </p>
    </div>
  );
}
