import { panelClass } from "@/components/ui-classes";
import { addressLines, shippingLabel } from "@/lib/orders/order-totals";
import type { OrderView } from "@/lib/orders/order-view";

type Props = { order: Pick<OrderView, "shippingAddress" | "shippingMethod" | "estimatedDelivery" | "trackingNumber">; heading?: string };

/** Where the books go and how: the address the payment page collected, the rate, the estimate. */
export function ShippingAddress({ order, heading = "Delivery" }: Props) {
  const address = order.shippingAddress;
  if (!address) return null;
  return (
    <section aria-labelledby="delivery-heading" className={panelClass} data-testid="shipping-address">
      <h2 id="delivery-heading" className="text-xl font-semibold">
        {heading}
      </h2>
      <address className="mt-2 text-sm leading-6 not-italic">
        {addressLines(address).map((line) => (
          <span key={line} className="block">
            {line}
          </span>
        ))}
      </address>
      {order.shippingMethod ? (
        <p className="mt-2 text-sm text-ink-soft">
          {shippingLabel(order.shippingMethod)} shipping
          {order.estimatedDelivery ? `, estimated delivery ${order.estimatedDelivery}` : ""}
          {order.trackingNumber ? `, tracking ${order.trackingNumber}` : ""}
        </p>
      ) : null}
    </section>
  );
}
