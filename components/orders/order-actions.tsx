"use client";

import { useMachine } from "@xstate/react";
import { useRouter } from "next/navigation";
import { useEffect, useMemo } from "react";
import { fromPromise } from "xstate";
import { apiRequest, isRecord } from "@/components/api-client";
import { primaryButtonClass, secondaryButtonClass } from "@/components/ui-classes";
import { orderActionsFlow, type ActionResult } from "@/machines/order-actions-flow";
import type { UserAction } from "@/machines/order-status";

type OrderActionsProps = { orderId: string; allowedActions: readonly UserAction[] };

const labels: Record<UserAction, { idle: string; busy: string }> = {
  pay: { idle: "Pay now", busy: "Opening payment…" },
  refund: { idle: "Request refund", busy: "Requesting refund…" },
  cancel: { idle: "Cancel order", busy: "Cancelling…" },
  // Not a button here: the return form (components/orders/return-form.tsx) asks which lines and why.
  return: { idle: "Return books", busy: "Requesting return…" },
};

const confirmations: Partial<Record<UserAction, string>> = {
  cancel: "Cancel this order? The books will go back on the shelves.",
};

async function runOrderAction(orderId: string, action: UserAction): Promise<ActionResult> {
  const path = action === "pay" ? "payments" : action;
  const result = await apiRequest(`/api/orders/${encodeURIComponent(orderId)}/${path}`, {
    method: "POST",
    body: action === "refund" ? {} : undefined,
  });
  if (!result.ok) return { ok: false, code: result.code, message: result.message };
  const url = isRecord(result.data) ? result.data.checkoutUrl : undefined;
  return { ok: true, checkoutUrl: typeof url === "string" ? url : undefined };
}

/** The buttons for what the machine says the shopper may do with this order now; nothing else is shown. */
export function OrderActions({ orderId, allowedActions }: OrderActionsProps) {
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
    const question = confirmations[action];
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
