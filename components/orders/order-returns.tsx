"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiRequest } from "@/components/api-client";
import { formatPrice } from "@/components/price";
import { inputClass, panelClass, primaryButtonClass } from "@/components/ui-classes";
import type { OrderView } from "@/lib/orders/order-view";
import { returnStatusLabel } from "./order-format";

type Props = { order: Pick<OrderView, "id" | "items" | "returns" | "allowedActions" | "currency"> };

/** Copies of a line not already in a requested or received return. */
function returnable(order: Props["order"], bookId: number, quantity: number): number {
  const taken = order.returns
    .filter((r) => r.status === "requested" || r.status === "received")
    .flatMap((r) => r.lines)
    .filter((l) => l.bookId === bookId)
    .reduce((sum, l) => sum + l.quantity, 0);
  return Math.max(0, quantity - taken);
}

/** The shopper's returns, and the form to return delivered books (while the machine allows it). */
export function OrderReturns({ order }: Props) {
  const router = useRouter();
  const [counts, setCounts] = useState<Record<number, number>>({});
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState("");
  const [pending, setPending] = useState(false);
  const canReturn = order.allowedActions.includes("return");
  if (!canReturn && order.returns.length === 0) return null;
  const title = (bookId: number) => order.items.find((i) => i.bookId === bookId)?.title ?? `Book ${bookId}`;

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const lines = Object.entries(counts)
      .filter(([, quantity]) => quantity > 0)
      .map(([bookId, quantity]) => ({ bookId: Number(bookId), quantity }));
    if (lines.length === 0) return setMessage("Choose at least one book to return.");
    setPending(true);
    setMessage("");
    const result = await apiRequest(`/api/orders/${encodeURIComponent(order.id)}/returns`, { method: "POST", body: { lines, reason } });
    setPending(false);
    if (!result.ok) return setMessage(result.message);
    setCounts({});
    setReason("");
    setMessage("Your return has been requested. Please send the books back to us.");
    router.refresh();
  }

  return (
    <section aria-labelledby="returns-heading" className={panelClass}>
      <h2 id="returns-heading" className="text-xl font-semibold">
        Returns
      </h2>
      {order.returns.length > 0 ? (
        <ul className="mt-3 flex flex-col gap-3">
          {order.returns.map((r) => (
            <li key={r.id} className="rounded-md border border-line p-3" data-testid="return">
              <p className="font-semibold">{returnStatusLabel(r.status)}</p>
              <p className="text-sm">{r.lines.map((l) => `${l.quantity} × ${title(l.bookId)}`).join(", ")}</p>
              <p className="text-sm text-ink-soft">Reason: {r.reason}</p>
              {r.status === "received" && r.refundCents > 0 ? (
                <p className="text-sm">Refund: {formatPrice(r.refundCents, order.currency)}</p>
              ) : null}
              {r.status === "rejected" && r.note ? <p className="text-sm">Our note: {r.note}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {canReturn ? (
        <form className="mt-4 flex flex-col gap-3" onSubmit={(e) => void submit(e)} aria-label="Return books">
          <p className="text-sm text-ink-soft">Choose the books to send back and tell us why. We refund them when they arrive.</p>
          {order.items.map((item) => {
            const max = returnable(order, item.bookId, item.quantity);
            if (max === 0) return null;
            return (
              <label key={item.bookId} className="flex items-center justify-between gap-3">
                <span>{item.title}</span>
                <select
                  className={inputClass.replace("w-full", "w-24 shrink-0")}
                  aria-label={`Copies of ${item.title} to return`}
                  value={counts[item.bookId] ?? 0}
                  onChange={(e) => setCounts({ ...counts, [item.bookId]: Number(e.target.value) })}
                >
                  {Array.from({ length: max + 1 }, (_, n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
            );
          })}
          <label className="flex flex-col gap-1">
            <span className="text-sm font-semibold">Reason</span>
            <textarea
              className={inputClass}
              required
              minLength={3}
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
          <div>
            <button type="submit" className={primaryButtonClass} disabled={pending}>
              {pending ? "Requesting return…" : "Request return"}
            </button>
          </div>
        </form>
      ) : null}
      <p role="status" aria-live="polite" className="mt-2 min-h-6 text-sm font-medium">
        {message}
      </p>
    </section>
  );
}
