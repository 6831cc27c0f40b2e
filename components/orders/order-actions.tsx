"use client";

import { useMachine } from "@xstate/react";
import { useRouter } from "next/navigation";
import { useEffect, useMemo } from "react";
import { fromPromise } from "xstate";
import { apiRequest, isRecord } from "@/components/api-client";
import { formatPrice } from "@/components/price";
import { primaryButtonClass, secondaryButtonClass } from "@/components/ui-classes";
import { orderActionsFlow, type ActionResult } from "@/machines/order-actions-flow";
import type { UserAction } from "@/machines/order-status";

/** refund: what a refund would give back now, for the confirmation (a shopper's refund comes before shipping: it cancels the order). */
type OrderActionsProps = { orderId: string; allowedActions: readonly UserAction[]; refund?: { amountCents: number; currency: string } };

const labels: Record<UserAction, { idle: string; busy: string }> = {
  pay: { idle: "Pay now", busy: "Opening payment…" },
  // A shopper may ask only before the books ship: the order is cancelled and the money goes back.
  refund: { idle: "Cancel and refund", busy: "Cancelling and refunding…" },
  cancel: { idle: "Cancel order", busy: "Cancelling…" },
  // Not a button here: the return form (components/orders/return-form.tsx) asks which lines and why.
  return: { idle: "Return books", busy: "Requesting return…" },
};

function confirmation(action: UserAction, refund: OrderActionsProps["refund"]): string | undefined {
  if (action === "cancel") return "Cancel this order? The books will go back on the shelves.";
  if (action === "refund") {
    if (refund?.amountCents === 0)
      return "Cancel this order? It was free, so there is nothing to refund. The books will go back on the shelves.";
    const amount = refund ? ` ${formatPrice(refund.amountCents, refund.currency)}` : "";
    return `Cancel this order and refund${amount} to your card? The books will go back on the shelves.`;
  }
  return undefined;
}

async function runOrderAction(orderId: string, action: UserAction): Promise<ActionResult> {
  const path = action === "pay" ? "payments" : action;
  const result = await apiRequest(`/api/orders/${encodeURIComponent(orderId)}/${path}`, {
    method: "POST",
    body: action === "refund" ? {} : undefined,
  });
  if (!result.ok) return { ok: false, code: result.code, message: result.message };
  // 202: the gateway is down and the payment is delayed; the message says what happens next.
  if (isRecord(result.data) && result.data.status === "delayed" && typeof result.data.message === "string") {
    return { ok: false, code: "payment_delayed", message: result.data.message };
  }
  const url = isRecord(result.data) ? result.data.checkoutUrl : undefined;
  return { ok: true, checkoutUrl: typeof url === "string" ? url : undefined };
}

/** The buttons for what the machine says the shopper may do with this order now; nothing else is shown. */
export function OrderActions({ orderId, allowedActions, refund }: OrderActionsProps) {
  const router = useRouter();
  const flow = useMemo(
    () =>
      orderActionsFlow.provide({
        actors: { runAction: fromPromise(({ input }) => runOrderAction(orderId, input.action)) },
        actions: {
          openCheckout: (_, params) => window.location.assign(params.url),
          refreshOrder: () => router.refresh(),
        },
      }),
    [orderId, router],
  );
  const [state, send] = useMachine(flow, { input: { allowed: [...allowedActions] } });
  const allowedKey = allowedActions.join(",");
  useEffect(() => {
    send({ type: "ALLOWED", actions: allowedKey ? (allowedKey.split(",") as UserAction[]) : [] });
  }, [allowedKey, send]);

  const busy = !state.matches("idle");
  const { action: current, message, tone } = state.context;
  function run(action: UserAction) {
    const question = confirmation(action, refund);
    if (question && !window.confirm(question)) return;
    send({ type: "RUN", action });
  }

  const shown = (["pay", "refund", "cancel"] as const).filter((a) => state.context.allowed.includes(a));
  return (
    <div className="mt-5 flex flex-col gap-3">
      {shown.length > 0 ? (
        <div className="flex flex-wrap gap-3">
          {shown.map((action) => (
            <button
              key={action}
              type="button"
              onClick={() => run(action)}
              disabled={busy}
              className={action === "pay" ? primaryButtonClass : secondaryButtonClass}
            >
              {busy && current === action ? labels[action].busy : labels[action].idle}
            </button>
          ))}
        </div>
      ) : null}
      <p
        role="status"
        aria-live="polite"
        className={`min-h-6 text-sm font-medium ${tone === "error" ? "text-red-800" : "text-emerald-800"}`}
      >
        {message}
      </p>
    </div>
  );
}
