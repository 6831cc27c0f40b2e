"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

type Props = { orderId: string; initialStatus: string; initialRevision: number };

/**
 * While a payment settles, watch the order (polling its JSON) and refresh the
 * page when it changes, so "Confirming payment…" becomes "Paid" without a reload.
 */
export function PaymentStatusWatch({ orderId, initialStatus, initialRevision }: Props) {
  const router = useRouter();
  const [waiting, setWaiting] = useState(initialStatus === "created");
  useEffect(() => {
    if (!waiting) return;
    let stopped = false;
    const timer = setInterval(async () => {
      const response = await fetch(`/api/orders/${orderId}`, { cache: "no-store" }).catch(() => undefined);
      if (!response?.ok || stopped) return;
      const order = (await response.json()) as { status: string; revision: number };
      if (order.revision !== initialRevision) {
        stopped = true;
        setWaiting(order.status === "created");
        router.refresh();
      }
    }, 1500);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [orderId, initialRevision, waiting, router]);
  if (!waiting) return null;
  return (
    <p role="status" aria-live="polite" className="mt-3 flex items-center gap-2 text-sm text-ink-soft">
      <span aria-hidden="true" className="size-2 animate-pulse rounded-full bg-accent" />
      Confirming your payment with the bank… this page updates by itself.
    </p>
  );
}
