import type { Metadata } from "next";
import Link from "next/link";
import { DeadlineCountdown } from "@/components/orders/deadline-countdown";
import { OrderActions } from "@/components/orders/order-actions";
import { shortOrderId } from "@/components/orders/order-format";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { getOrderForViewer, wasPaid, type OrderView } from "@/lib/orders/order-view";
import { recordCancelledReturn } from "@/lib/payments/return-from-gateway";
import { handleGatewayReturn } from "../gateway-return";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Not paid" };

/** What the return page says about an order that can no longer be paid: paid meanwhile, cancelled by the shopper, or out of time. */
function notPayable(order: OrderView): { heading: string; detail: string } {
  if (wasPaid(order)) return { heading: "This order is paid", detail: "The payment went through: there is nothing more to pay." };
  const reason = order.events.findLast((event) => event.type === "OrderCancelled")?.payload.reason;
  if (reason === "cancelled_by_customer")
    return { heading: "This order is cancelled", detail: "You cancelled it, so nothing was charged." };
  if (reason === "replaced_by_new_order")
    return {
      heading: "This order was replaced",
      detail:
        "You changed your cart and placed a new order, so this one was cancelled and nothing was charged. Your orders page has the new one.",
    };
  return {
    heading: "The time to pay has run out",
    detail: "This order was not paid before its deadline, so it was cancelled and nothing was charged.",
  };
}

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// GET /checkout/cancelled?session_id=… – the shopper left the payment page.
export default async function CheckoutCancelledPage({ searchParams }: Props) {
  const {
    viewer,
    result: { orderId },
  } = await handleGatewayReturn(searchParams, "/checkout/cancelled", recordCancelledReturn);
  const order = await getOrderForViewer(viewer, orderId);
  const canRetry = order.allowedActions.includes("pay");
  const { heading, detail } = canRetry ? { heading: "You haven’t paid yet", detail: "" } : notPayable(order);
  return (
    <div className="mx-auto max-w-3xl px-4 py-10 sm:px-6">
      <div className={panelClass}>
        <p className="text-sm text-ink-soft">Order {shortOrderId(order.id)}</p>
        <h1 className="mt-1 font-serif text-3xl font-bold text-ink">{heading}</h1>
        {canRetry ? <p className="mt-3 text-ink-soft">Nothing was charged. Your books are still reserved for you:</p> : null}
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
          <p className="mt-3 text-ink-soft">{detail}</p>
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
