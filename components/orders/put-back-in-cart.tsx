"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiRequest, isRecord } from "@/components/api-client";
import { announceCart, parseCart } from "@/components/cart/cart-api";
import { secondaryButtonClass } from "@/components/ui-classes";

/** On a cancelled order: its books back in the cart, then the cart (where checkout reserves them again). */
export function PutBackInCart({ orderId }: { orderId: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState("");

  async function putBack() {
    if (busy) return;
    setBusy(true);
    setMessage("");
    const result = await apiRequest(`/api/orders/${encodeURIComponent(orderId)}/reorder`, { method: "POST" });
    const cart = result.ok && isRecord(result.data) ? parseCart(result.data.cart) : null;
    if (!cart) {
      setBusy(false);
      setMessage(result.ok ? "Your cart changed, but we couldn’t show it. Please open the cart." : result.message);
      return;
    }
    announceCart(cart);
    router.push("/cart");
  }

  return (
    <div className="mt-4 flex flex-col gap-2">
      <button type="button" onClick={putBack} aria-disabled={busy || undefined} className={`${secondaryButtonClass} self-start`}>
        {busy ? "Putting them back…" : "Put these books back in my cart"}
      </button>
      <p role="status" aria-live="polite" className="min-h-6 text-sm font-medium text-red-800">
        {message}
      </p>
    </div>
  );
}
