"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { apiRequest, isRecord } from "@/components/api-client";
import { primaryButtonClass, secondaryButtonClass } from "@/components/ui-classes";

type Action = "pay" | "cancel" | "refund";
type OrderActionsProps = { orderId: string; allowedActions: readonly Action[] };

type Status = { kind: "idle" } | { kind: "info"; message: string } | { kind: "error"; message: string };

const REFRESH_ON = new Set(["payment_window_closed", "invalid_transition", "not_found"]);

/** The buttons for what the shopper may do with this order now; nothing else is shown. */
export function OrderActions({ orderId, allowedActions }: OrderActionsProps) {
  const router = useRouter();
  const [pending, setPending] = useState<Action | null>(null);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const busy = useRef(false);
  const base = `/api/orders/${encodeURIComponent(orderId)}`;

  async function run(action: Action) {
    if (busy.current) return;
    if (action === "cancel" && !window.confirm("Cancel this order? The books will go back on the shelves.")) return;
    busy.current = true;
    setPending(action);
    setStatus({ kind: "idle" });
    const path = action === "pay" ? "payments" : action;
    const result = await apiRequest(`${base}/${path}`, { method: "POST", body: action === "refund" ? {} : undefined });

    if (result.ok && action === "pay") {
      const url = isRecord(result.data) ? result.data.checkoutUrl : undefined;
      if (typeof url === "string" && url) {
        setStatus({ kind: "info", message: "Taking you to the payment page…" });
        window.location.assign(url);
        return; // stays pending while the browser leaves
      }
      setStatus({ kind: "error", message: "We couldn’t open the payment page. Please try again." });
    } else if (result.ok) {
      setStatus({ kind: "info", message: action === "cancel" ? "Your order has been cancelled." : "Your refund has been requested." });
      router.refresh();
    } else {
      setStatus({ kind: "error", message: result.message });
      if (REFRESH_ON.has(result.code)) router.refresh();
    }
    busy.current = false;
    setPending(null);
  }

  const has = (action: Action) => allowedActions.includes(action);
  const message = status.kind === "idle" ? "" : status.message;

  return (
    <div className="mt-5 flex flex-col gap-3">
      {allowedActions.length > 0 ? (
        <div className="flex flex-wrap gap-3">
          {has("pay") ? (
            <button type="button" onClick={() => run("pay")} disabled={pending !== null} className={primaryButtonClass}>
              {pending === "pay" ? "Opening payment…" : "Pay now"}
            </button>
          ) : null}
          {has("refund") ? (
            <button type="button" onClick={() => run("refund")} disabled={pending !== null} className={secondaryButtonClass}>
              {pending === "refund" ? "Requesting refund…" : "Request refund"}
            </button>
          ) : null}
          {has("cancel") ? (
            <button type="button" onClick={() => run("cancel")} disabled={pending !== null} className={secondaryButtonClass}>
              {pending === "cancel" ? "Cancelling…" : "Cancel order"}
            </button>
          ) : null}
        </div>
      ) : null}
      <p
        role="status"
        aria-live="polite"
        className={`min-h-6 text-sm font-medium ${status.kind === "error" ? "text-red-800" : "text-emerald-800"}`}
      >
        {message}
      </p>
    </div>
  );
}
