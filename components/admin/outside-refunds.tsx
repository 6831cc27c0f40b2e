"use client";

import { useId, useState } from "react";
import { Price } from "@/components/price";
import { inputClass, panelClass, primaryButtonClass } from "@/components/ui-classes";
import { useAdminPost } from "./use-admin-post";

type Owed = { id: string; amountCents: number; createdAt: string };

/**
 * Refunds owed outside the gateway (its payment was charged back, or an operator chose it): the
 * operator pays the shopper another way, then records how (POST /api/admin/orders/:id/refund-paid-outside).
 */
export function OutsideRefunds({
  orderId,
  owed,
  currency,
  disputed,
}: {
  orderId: string;
  owed: Owed[];
  currency: string;
  disputed: boolean;
}) {
  if (owed.length === 0) return null;
  return (
    <section aria-labelledby="outside-refunds-heading" className={`${panelClass} mt-4 border-amber-400 bg-amber-50`}>
      <h2 id="outside-refunds-heading" className="font-serif text-xl font-bold">
        Refunds to pay outside the gateway
      </h2>
      <p className="mt-1 text-sm">
        The card payment cannot take these refunds (a lost dispute charged it back, or an operator chose another way). Pay the shopper
        yourself, by bank transfer or in cash, then record how (the shopper sees what you write on their order page). The order is settled
        once every one is recorded.
      </p>
      {disputed ? (
        <p className="mt-2 text-sm font-semibold" data-testid="outside-refund-waits">
          A dispute of this payment is open: the shopper’s bank may give them this money back. Record a repayment only once it is decided.
        </p>
      ) : null}
      <ul className="mt-3 space-y-3">
        {owed.map((refund) => (
          <li key={refund.id}>
            <OutsideRefundForm orderId={orderId} refund={refund} currency={currency} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function OutsideRefundForm({ orderId, refund, currency }: { orderId: string; refund: Owed; currency: string }) {
  const referenceId = useId();
  const [reference, setReference] = useState("");
  const { pending, message, post } = useAdminPost();
  async function record() {
    await post(`/api/admin/orders/${orderId}/refund-paid-outside`, { refundId: refund.id, reference });
  }
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        void record();
      }}
    >
      <p className="min-w-32 text-sm">
        <span className="font-semibold">
          <Price cents={refund.amountCents} currency={currency} />
        </span>{" "}
        owed since {refund.createdAt.slice(0, 10)}
      </p>
      <label htmlFor={referenceId} className="flex flex-col gap-1 text-sm font-semibold">
        How it was paid
        <input
          id={referenceId}
          className={inputClass}
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          placeholder="Bank transfer ref. 2026-1130-17"
          minLength={3}
          maxLength={200}
          required
        />
      </label>
      <button type="submit" className={primaryButtonClass} disabled={pending}>
        Record as paid
      </button>
      <p role="status" aria-live="polite" className="w-full text-sm text-red-800">
        {message}
      </p>
    </form>
  );
}
