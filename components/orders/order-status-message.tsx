import { LocalTime } from "@/components/local-time";
import { formatPrice } from "@/components/price";
import { panelClass } from "@/components/ui-classes";
import type { OrderView } from "@/lib/orders/order-view";
import { DeadlineCountdown } from "./deadline-countdown";
import { formatDay, lastAttempt, reasonLabel } from "./order-format";
import { OrderActions } from "./order-actions";
import { PutBackInCart } from "./put-back-in-cart";
import { ShipmentProgress } from "./shipment-progress";

type OrderStatusMessageProps = { order: OrderView };

/** The gateway was down when the shopper went to pay (created.paymentDelayed). */
function PaymentDelayed({ order }: OrderStatusMessageProps) {
  return (
    <div data-testid="payment-delayed">
      <p>
        Payment is delayed: our payment service isn’t answering right now. Nothing was charged. We’ll e-mail you a link to pay as soon as
        the payment service is back.
      </p>
      <p className="mt-2">
        Your books are held for you until <LocalTime iso={order.paymentDeadline} className="font-semibold" />. If the time runs out before
        you pay, the order is cancelled and the books go back on the shelves. You can also try “Pay now” yourself later.
      </p>
      <div className="mt-3">
        <DeadlineCountdown deadline={order.paymentDeadline} />
      </div>
    </div>
  );
}

function AwaitingPayment({ order }: OrderStatusMessageProps) {
  const last = lastAttempt(order);
  if (order.state === "created.paymentDelayed") return <PaymentDelayed order={order} />;
  return (
    <>
      <p>
        Pay before <LocalTime iso={order.paymentDeadline} className="font-semibold" /> to keep your books. If the time runs out, the order
        is cancelled and the books go back on the shelves.
      </p>
      <div className="mt-3">
        <DeadlineCountdown deadline={order.paymentDeadline} />
      </div>
      {last?.status === "failed" || last?.status === "cancelled" ? (
        <p className="mt-3 text-sm text-ink-soft">
          Your last payment attempt didn’t go through{last.failureReason ? `: ${reasonLabel(last.failureReason)}` : ""}. Nothing was
          charged; choose “Pay now” to try again, with another card if you like.
        </p>
      ) : null}
      {last?.status === "pending" ? (
        <p className="mt-3 text-sm text-ink-soft">
          A payment is in progress. If you closed the payment page, choose “Pay now” to continue.
        </p>
      ) : null}
    </>
  );
}

function Explanation({ order }: OrderStatusMessageProps) {
  const total = formatPrice(order.totalCents, order.currency);
  switch (order.status) {
    case "created":
      return <AwaitingPayment order={order} />;
    case "paid":
      // A disputed payment holds the order (the dispute notice above says why).
      return order.dispute && order.dispute.standing !== "dispute_won" ? (
        <p>We’ve received your payment of {total}. The order is on hold while its payment is disputed.</p>
      ) : order.totalCents === 0 ? (
        <p>Your order is confirmed: the discount covers all of it, so nothing was charged. We’re getting your books ready to ship.</p>
      ) : (
        <p>We’ve received your payment of {total}. Thank you! We’re getting your books ready to ship.</p>
      );
    case "fulfilled":
      return (
        <>
          <p>Your books are on their way.</p>
          <dl className="mt-3 grid gap-x-6 gap-y-1 sm:grid-cols-[12rem_minmax(0,1fr)]">
            <dt className="text-sm font-semibold text-ink-soft">Tracking number</dt>
            <dd className="font-mono break-all">{order.trackingNumber ?? "Not available yet"}</dd>
            <dt className="text-sm font-semibold text-ink-soft">Estimated delivery</dt>
            <dd>{order.estimatedDelivery ? formatDay(order.estimatedDelivery) : "To be confirmed"}</dd>
          </dl>
          <ShipmentProgress order={order} />
        </>
      );
    case "delivered":
      return (
        <>
          <p>
            Your books were delivered
            {order.deliveredAt ? (
              <>
                {" "}
                on <LocalTime iso={order.deliveredAt} className="font-semibold" />
              </>
            ) : null}
            . We hope you enjoy them! If something isn’t right, you can return books below.
          </p>
          <ShipmentProgress order={order} />
        </>
      );
    case "cancelled":
      return order.events.some((event) => event.type === "PaymentTimedOut") ? (
        <p>
          This order was cancelled because it wasn’t paid before the deadline. The books went back on the shelves and you weren’t charged.
        </p>
      ) : (
        <p>This order was cancelled before it was paid, so you weren’t charged. The books went back on the shelves.</p>
      );
    case "refund_pending": {
      const why = order.events.findLast((event) => event.type === "RefundRequested")?.payload.reason;
      const owed = order.refunds
        .filter((r) => r.status === "pending" && r.outside)
        .reduce((sum, r) => sum + (r.owedCents ?? r.amountCents), 0);
      if (owed > 0)
        return (
          <p>
            We owe you {formatPrice(owed, order.currency)}
            {typeof why === "string" && why !== "requested_by_customer" ? ` because ${reasonLabel(why)}` : ""}. The card payment cannot take
            this refund, so we will pay it back to you another way and be in touch about it; this page will say “Refunded”.
          </p>
        );
      return (
        <p>
          We’re refunding your payment of {total}
          {typeof why === "string" && why !== "requested_by_customer" ? ` because ${reasonLabel(why)}` : ""}. Once the payment provider
          confirms it, the money goes back to the card you paid with; this page will say “Refunded”.
        </p>
      );
    }
    case "refunded": {
      const closed = order.events.findLast((event) => event.type === "OrderClosed")?.payload.reason;
      if (closed === "nothing_paid")
        return <p>This order was cancelled. It was free, so there was nothing to refund. The books went back on the shelves.</p>;
      if (closed === "dispute_lost")
        return <p>This order is closed: your card issuer gave your payment back to you, so there is nothing more to refund.</p>;
      const refunded = order.refunds.filter((r) => r.status === "succeeded").reduce((sum, r) => sum + r.amountCents, 0);
      const outside = order.refunds.filter((r) => r.status === "succeeded" && r.outside).reduce((sum, r) => sum + r.amountCents, 0);
      if (outside > 0)
        return (
          <p>
            {refunded > outside
              ? `We’ve refunded ${formatPrice(refunded - outside, order.currency)} to the card you paid with, and `
              : "We’ve "}
            paid back {formatPrice(outside, order.currency)} outside the card payment, as arranged with you.
          </p>
        );
      return (
        <p>
          We’ve refunded {formatPrice(refunded || order.totalCents, order.currency)} to the card you paid with. It can take a few business
          days to show on your statement.
        </p>
      );
    }
    default:
      return <p>We’re working on this order.</p>;
  }
}

const headings: Record<string, string> = {
  created: "Waiting for your payment",
  paid: "Payment received",
  fulfilled: "Shipped",
  delivered: "Delivered",
  cancelled: "Order cancelled",
  refund_pending: "Refund in progress",
  refunded: "Refunded",
};

/** What the status means for the shopper, and what they can do now. */
export function OrderStatusMessage({ order }: OrderStatusMessageProps) {
  return (
    <section aria-labelledby="status-heading" className={panelClass}>
      <h2 id="status-heading" className="text-xl font-semibold">
        {order.state === "created.paymentDelayed"
          ? "Payment delayed"
          : closedFree(order)
            ? "Order cancelled"
            : (headings[order.status] ?? "Order status")}
      </h2>
      <div className="mt-2">
        <Explanation order={order} />
      </div>
      {order.paused ? (
        // Paused by an operator or by the system: the shopper hears that, never who or why (that is for operators).
        <p data-testid="order-on-hold" className="mt-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          <span className="font-semibold">On hold:</span> our team is looking at this order. Nothing is needed from you; it carries on as
          soon as they are done, and this page will show it.
        </p>
      ) : order.needsAttention ? (
        <p className="mt-3 text-sm text-ink-soft">Our team is taking a look at this order. There’s nothing you need to do.</p>
      ) : null}
      {order.status === "cancelled" ? <PutBackInCart orderId={order.id} /> : null}
      <OrderActions
        orderId={order.id}
        allowedActions={order.allowedActions}
        refund={{ amountCents: order.refundableCents, currency: order.currency }}
      />
    </section>
  );
}

/** A free order (a 100 % code) cancelled: refunded in the machine's terms, with nothing refunded. */
function closedFree(order: OrderStatusMessageProps["order"]): boolean {
  return order.status === "refunded" && order.events.findLast((event) => event.type === "OrderClosed")?.payload.reason === "nothing_paid";
}
