import type { Metadata } from "next";
import Link from "next/link";
import { CartChanged } from "@/components/cart/cart-changed";
import { OrderItems } from "@/components/orders/order-items";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { lastAttempt, reasonLabel, shortOrderId } from "@/components/orders/order-format";
import { PaymentStatusWatch } from "@/components/payments/payment-status-watch";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { getOrderForViewer, type OrderView } from "@/lib/orders/order-view";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { handleGatewayReturn } from "../gateway-return";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Thank you" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The headline and next step for every way a return from the payment page can end. */
function outcomeOf(order: OrderView): { heading: string; text: string; watch: boolean; paid?: boolean } {
  switch (order.status) {
    case "paid":
    case "fulfilled":
    case "delivered":
      return {
        heading: "Thank you! Your order is paid.",
        text: "A confirmation e-mail is on its way. We will tell you when the books ship.",
        watch: false,
        paid: true,
      };
    case "created": {
      const last = lastAttempt(order);
      if (last?.status === "failed" || last?.status === "cancelled") {
        const reason = last.failureReason ? ` (${reasonLabel(last.failureReason)})` : "";
        return {
          heading: "Your payment didn’t go through.",
          text: `Nothing was charged${reason}. Your books are still reserved: open the order to try again before the deadline.`,
          watch: false,
        };
      }
      return { heading: "Thank you! We are confirming your payment.", text: "", watch: true };
    }
    case "refund_pending":
    case "refunded":
      return {
        heading: "Your payment arrived after the order had closed.",
        text: "We are refunding it in full; the order page shows when the money is back.",
        watch: false,
      };
    case "cancelled":
      return { heading: "This order was cancelled.", text: "Nothing was charged. The books went back on the shelves.", watch: false };
    default:
      return { heading: "Thank you!", text: "See the order page for what happens next.", watch: false };
  }
}

// GET /checkout/success?session_id=… – back from the payment page: ask the
// gateway, dispatch what it says, then show the order (live while it settles).
export default async function CheckoutSuccessPage({ searchParams }: Props) {
  const { viewer, result: settled } = await handleGatewayReturn(searchParams, "/checkout/success", reconcileSuccessReturn);
  const order = await getOrderForViewer(viewer, settled.orderId);
  const outcome = outcomeOf(order);
  return (
    <div className="mx-auto max-w-3xl px-4 py-10 sm:px-6">
      <div className={panelClass}>
        <p className="text-sm text-ink-soft">Order {shortOrderId(order.id)}</p>
        <h1 className="mt-1 font-serif text-3xl font-bold text-ink">{outcome.heading}</h1>
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <OrderStatusBadge status={order.status} />
          {outcome.text ? <span className="text-sm text-ink-soft">{outcome.text}</span> : null}
        </div>
        {outcome.watch ? <PaymentStatusWatch orderId={order.id} initialRevision={order.revision} /> : null}
        {/* Paid: its books left the cart; the header's count, read while this page loaded, reads it again. */}
        {outcome.paid ? <CartChanged /> : null}
      </div>
      <div className="mt-6">
        <OrderItems order={order} />
      </div>
      <p className="mt-6">
        <Link className={textLinkClass} href={`/orders/${order.id}`}>
          View your order
        </Link>
      </p>
    </div>
  );
}
