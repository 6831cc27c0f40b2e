"use client";

import { useOrderUpdates } from "@/components/orders/use-order-updates";

type Props = { orderId: string; initialRevision: number };

/**
 * While a payment settles, follow the order live and refresh the page when it
 * changes, so "Confirming payment…" becomes "Paid" without a reload.
 */
export function PaymentStatusWatch({ orderId, initialRevision }: Props) {
  const mode = useOrderUpdates(orderId, initialRevision);
  return (
    <p role="status" aria-live="polite" data-update-mode={mode} className="mt-3 flex items-center gap-2 text-sm text-ink-soft">
      <span aria-hidden="true" className="size-2 animate-pulse rounded-full bg-accent" />
      Confirming your payment with the bank… this page updates by itself.
    </p>
  );
}
