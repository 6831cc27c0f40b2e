"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiRequest } from "@/components/api-client";
import { formatPrice } from "@/components/price";
import { inputClass, secondaryButtonClass } from "@/components/ui-classes";

type Line = { bookId: number; title: string; quantity: number };

type Props = {
  /** The route that takes the request: the shopper's or the operator's. */
  action: string;
  lines: Line[];
  currency: string;
  /** Operators may also give back shipping and an amount (goodwill), up to what is left. */
  money?: { shippingLeftCents: number; refundableCents: number };
  heading: string;
};

const toCents = (value: string) => Math.round(Number(value || "0") * 100);

/** Choose copies of each line (and, for operators, shipping and goodwill) to refund; the order decides whether it may. */
export function PartialRefundForm({ action, lines, currency, money, heading }: Props) {
  const router = useRouter();
  const [quantities, setQuantities] = useState<Record<number, number>>({});
  const [shipping, setShipping] = useState("");
  const [goodwill, setGoodwill] = useState("");
  const [reason, setReason] = useState("");
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState("");

  async function submit(event: FormEvent) {
    event.preventDefault();
    const chosen = lines.map((l) => ({ bookId: l.bookId, quantity: quantities[l.bookId] ?? 0 })).filter((l) => l.quantity > 0);
    const body = {
      ...(chosen.length > 0 ? { lines: chosen } : {}),
      ...(money && toCents(shipping) > 0 ? { shippingCents: toCents(shipping) } : {}),
      ...(money && toCents(goodwill) > 0 ? { amountCents: toCents(goodwill) } : {}),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    setPending(true);
    setMessage("");
    const result = await apiRequest(action, { method: "POST", body });
    setPending(false);
    if (!result.ok) {
      setMessage(result.message);
      return;
    }
    setQuantities({});
    setShipping("");
    setGoodwill("");
    setReason("");
    router.refresh();
  }

  return (
    <form onSubmit={(e) => void submit(e)} aria-label={heading} className="flex flex-col gap-3">
      <h3 className="text-lg font-semibold">{heading}</h3>
      {lines.length > 0 ? (
        <ul className="flex flex-col gap-2">
          {lines.map((line) => (
            <li key={line.bookId} className="flex items-center justify-between gap-3 text-sm">
              <label htmlFor={`refund-qty-${line.bookId}`} className="min-w-0 break-words">
                {line.title}
              </label>
              <select
                id={`refund-qty-${line.bookId}`}
                // inputClass is w-full: max-w keeps the select narrow, and a long title wraps beside it at phone width rather than squeezing it.
                className={`${inputClass} max-w-24 shrink-0`}
                value={quantities[line.bookId] ?? 0}
                onChange={(e) => setQuantities({ ...quantities, [line.bookId]: Number(e.target.value) })}
              >
                {Array.from({ length: line.quantity + 1 }, (_, n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </li>
          ))}
        </ul>
      ) : null}
      {money ? (
        <div className="grid gap-2 text-sm sm:grid-cols-2">
          <label className="flex flex-col gap-1">
            Shipping ({formatPrice(money.shippingLeftCents, currency)} left)
            <input
              className={inputClass}
              inputMode="decimal"
              type="number"
              min="0"
              step="0.01"
              value={shipping}
              onChange={(e) => setShipping(e.target.value)}
            />
          </label>
          <label className="flex flex-col gap-1">
            Goodwill amount ({formatPrice(money.refundableCents, currency)} refundable)
            <input
              className={inputClass}
              inputMode="decimal"
              type="number"
              min="0"
              step="0.01"
              value={goodwill}
              onChange={(e) => setGoodwill(e.target.value)}
            />
          </label>
        </div>
      ) : null}
      <label className="flex flex-col gap-1 text-sm">
        Reason (optional)
        <input className={inputClass} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <div>
        <button type="submit" className={secondaryButtonClass} disabled={pending}>
          {pending ? "Refunding…" : "Refund selected"}
        </button>
      </div>
      <p role="status" aria-live="polite" className="min-h-5 text-sm text-red-800">
        {message}
      </p>
    </form>
  );
}
