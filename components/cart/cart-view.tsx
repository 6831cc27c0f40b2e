"use client";

import { useRef, useState } from "react";
import { toast } from "@/components/toast/toast-store";
import type { CartLine, CartView as Cart } from "@/lib/cart/types";
import { setLineQuantity } from "./cart-api";
import { CartLineRow } from "./cart-line-row";
import { CartSummary } from "./cart-summary";
import { EmptyCart } from "./empty-cart";
import { OpenOrderBanner } from "./open-order-banner";

type CartViewProps = { initialCart: Cart };

// Errors stay beside the list; successes are toasts (one announcement each).
type Status = { kind: "idle" } | { kind: "error"; message: string };

/** The cart page's list: changes are saved with fetch, without a page reload. */
export function CartView({ initialCart }: CartViewProps) {
  const [cart, setCart] = useState(initialCart);
  const [saving, setSaving] = useState<readonly number[]>([]);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const inFlight = useRef(new Set<number>());
  const summaryHeading = useRef<HTMLHeadingElement>(null);

  async function changeQuantity(line: CartLine, quantity: number) {
    if (inFlight.current.has(line.bookId)) return;
    inFlight.current.add(line.bookId);
    setSaving((ids) => [...ids, line.bookId]);
    const result = await setLineQuantity(line.bookId, quantity);
    inFlight.current.delete(line.bookId);
    setSaving((ids) => ids.filter((id) => id !== line.bookId));
    if (!result.ok) {
      setStatus({ kind: "error", message: result.message });
      return;
    }
    setCart(result.cart);
    if (quantity === 0) {
      setStatus({ kind: "idle" });
      toast(`Removed “${line.title}” from your cart.`);
      // The row (and the focused button in it) is gone: move focus somewhere sensible.
      summaryHeading.current?.focus();
    } else {
      setStatus({ kind: "idle" });
      toast(`“${line.title}”: quantity ${quantity}.`);
    }
  }

  const short = cart.items.some((line) => line.quantity > line.available);

  return (
    <>
      {cart.openOrder ? <OpenOrderBanner order={cart.openOrder} /> : null}
      <p role="status" aria-live="polite" className="mb-4 min-h-6 text-sm font-medium text-red-800">
        {status.kind === "idle" ? "" : status.message}
      </p>
      {cart.items.length === 0 ? (
        <EmptyCart />
      ) : (
        <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem] lg:gap-8">
          <section aria-labelledby="cart-items-heading" className="rounded-lg border border-line bg-card px-4 shadow-card sm:px-6">
            <h2 id="cart-items-heading" className="pt-5 text-xl font-semibold">
              {cart.count === 1 ? "1 book" : `${cart.count} books`} in your cart
            </h2>
            <ul className="divide-y divide-line">
              {cart.items.map((line) => (
                <CartLineRow
                  key={line.bookId}
                  line={line}
                  currency={cart.currency}
                  busy={saving.includes(line.bookId)}
                  onQuantity={changeQuantity}
                  onInvalid={(message) => setStatus({ kind: "error", message })}
                />
              ))}
            </ul>
          </section>
          <CartSummary cart={cart} short={short} headingRef={summaryHeading} />
        </div>
      )}
    </>
  );
}
