"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { apiRequest } from "./api-client";
import { CART_UPDATED, parseCart } from "./cart/cart-api";

/**
 * The content of the header's cart link: "Cart" and a count badge, named
 * "Cart, N items" for assistive technology. The count is read from
 * /api/cart on mount, on navigation and on every `cart:updated` event (whose
 * `detail`, when it is the cart, is used as is). Fixed dimensions so the
 * header does not shift when the count loads.
 */
export function CartCount() {
  const [count, setCount] = useState(0);
  const sequence = useRef(0);
  const pathname = usePathname();

  useEffect(() => {
    async function refetch() {
      const mine = ++sequence.current;
      const result = await apiRequest("/api/cart");
      const cart = result.ok ? parseCart(result.data) : null;
      if (cart && mine === sequence.current) setCount(cart.count);
    }
    function onUpdated(event: Event) {
      const cart = event instanceof CustomEvent ? parseCart(event.detail) : null;
      if (!cart) {
        void refetch();
        return;
      }
      sequence.current++; // a fetch still in flight is older than this
      setCount(cart.count);
    }
    // Back to a page from the browser's cache (say, back from the payment page after paying): read it again.
    function onPageShow(event: PageTransitionEvent) {
      if (event.persisted) void refetch();
    }
    void refetch();
    window.addEventListener(CART_UPDATED, onUpdated);
    window.addEventListener("pageshow", onPageShow);
    return () => {
      window.removeEventListener(CART_UPDATED, onUpdated);
      window.removeEventListener("pageshow", onPageShow);
    };
  }, [pathname]);

  const shown = count > 99 ? "99+" : String(count);
  return (
    <>
      <span aria-hidden="true">Cart</span>
      <span
        aria-hidden="true"
        className="inline-flex h-6 w-7 shrink-0 items-center justify-center rounded-full bg-accent text-xs font-bold text-white tabular-nums"
      >
        <span data-testid="cart-count">{shown}</span>
      </span>
      <span className="sr-only">{count === 1 ? "Cart, 1 item" : `Cart, ${count} items`}</span>
    </>
  );
}
