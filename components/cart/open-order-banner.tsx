"use client";

import Link from "next/link";
import { useState } from "react";
import { apiRequest, isRecord } from "@/components/api-client";
import { LocalTime } from "@/components/local-time";
import { shortOrderId } from "@/components/orders/order-format";
import { Price } from "@/components/price";
import { primaryButtonClass, secondaryButtonClass, textLinkClass } from "@/components/ui-classes";
import type { OpenOrder } from "@/lib/cart/types";
import { OpenOrderCopies } from "./open-order-copies";

/**
 * The cart's order still waiting for payment (docs/PAYMENTS.md, "One open order per cart"):
 * offered to be paid as it is. When the cart changed since, checking out replaces it, and the
 * banner says so before the shopper does.
 */
export function OpenOrderBanner({ order }: { order: OpenOrder }) {
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });

  async function pay() {
    if (state.busy) return;
    setState({ busy: true });
    const result = await apiRequest(`/api/orders/${encodeURIComponent(order.id)}/payments`, { method: "POST" });
    const url = result.ok && isRecord(result.data) ? result.data.checkoutUrl : undefined;
    if (typeof url === "string") {
      window.location.assign(url);
      return; // busy until the payment page shows
    }
    // 202: the gateway is down and the payment is delayed; its message says what happens next.
    const delayed = result.ok && isRecord(result.data) && result.data.status === "delayed" ? result.data.message : undefined;
    const fallback = typeof delayed === "string" ? delayed : "We couldn’t open the payment page. Open the order to pay.";
    setState({ busy: false, error: result.ok ? fallback : result.message });
  }

  const name = `Order ${shortOrderId(order.id)}`;
  return (
    <section
      aria-labelledby="open-order-heading"
      data-testid="open-order-banner"
      className="mb-4 rounded-lg border border-amber-300 bg-amber-50 p-4 text-ink shadow-card sm:p-5"
    >
      <h2 id="open-order-heading" className="text-lg font-semibold">
        {order.partial
          ? "Part of your cart is ordered and waiting for payment"
          : order.sameLines
            ? "These books are ordered and waiting for payment"
            : "You have an order waiting for payment"}
      </h2>
      <p className="mt-1 text-sm">
        <Link href={`/orders/${order.id}`} className={textLinkClass}>
          {name}
        </Link>{" "}
        (<Price cents={order.totalCents} currency={order.currency} className="font-semibold tabular-nums" />) holds your books until{" "}
        <LocalTime iso={order.paymentDeadline} />.{" "}
        {order.partial
          ? "Pay for it to get these copies; the ones it left out stay in your cart, not ordered, and checking out this cart again goes to the same order. To order them too, change your cart: checking out then places a new order for your cart as it is and cancels this one (if the new order can’t be reserved, this one stays open)."
          : order.sameLines
            ? "Pay for it to finish; checking out again goes to the same order."
            : "Your cart has changed since: checking out places a new order for your cart as it is now and cancels this one."}
      </p>
      {order.partial ? <OpenOrderCopies partial={order.partial} orderName={name} /> : null}
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <button
          type="button"
          onClick={pay}
          aria-disabled={state.busy}
          className={order.sameLines ? primaryButtonClass : secondaryButtonClass}
        >
          {state.busy ? "Opening payment…" : order.sameLines ? "Pay for this order" : `Pay for ${name} as placed`}
        </button>
        <p role="status" aria-live="polite" className="text-sm font-medium text-red-800">
          {state.error ?? ""}
        </p>
      </div>
    </section>
  );
}
