"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiRequest } from "@/components/api-client";
import { primaryButtonClass, secondaryButtonClass } from "@/components/ui-classes";

type Props = { orderId: string; canRefund: boolean; canFulfil: boolean; canDeliver?: boolean; canRefundOutside?: boolean };

/** Operator buttons: refund (any paid or shipped order, or retry a failed refund), ship and mark delivered by hand. */
export function AdminOrderActions({ orderId, canRefund, canFulfil, canDeliver = false, canRefundOutside = false }: Props) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState("");
  async function run(action: "refund" | "refund-outside" | "fulfil" | "deliver") {
    if (action === "refund" && !window.confirm("Refund this order in full?")) return;
    if (action === "refund-outside" && !window.confirm("Pay the rest back outside the gateway (a bank transfer, cash)?")) return;
    setPending(true);
    setMessage("");
    const path = action === "refund-outside" ? "refund" : action;
    const result = await apiRequest(`/api/admin/orders/${orderId}/${path}`, {
      method: "POST",
      body: action === "refund" ? {} : action === "refund-outside" ? { outside: true } : undefined,
    });
    setPending(false);
    if (!result.ok) setMessage(result.message);
    else router.refresh();
  }
  return (
    <div>
      <div className="flex flex-wrap gap-3">
        {canFulfil ? (
          <button type="button" className={primaryButtonClass} disabled={pending} onClick={() => void run("fulfil")}>
            Ship now
          </button>
        ) : null}
        {canDeliver ? (
          <button type="button" className={primaryButtonClass} disabled={pending} onClick={() => void run("deliver")}>
            Mark delivered
          </button>
        ) : null}
        {canRefund ? (
          <button type="button" className={secondaryButtonClass} disabled={pending} onClick={() => void run("refund")}>
            Refund order
          </button>
        ) : null}
        {canRefundOutside ? (
          <button type="button" className={secondaryButtonClass} disabled={pending} onClick={() => void run("refund-outside")}>
            Pay back another way
          </button>
        ) : null}
      </div>
      <p role="status" aria-live="polite" className="mt-2 text-sm text-red-800">
        {message}
      </p>
    </div>
  );
}
