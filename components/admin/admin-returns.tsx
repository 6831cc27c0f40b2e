"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiRequest } from "@/components/api-client";
import { formatPrice } from "@/components/price";
import { returnStatusLabel } from "@/components/orders/order-format";
import { inputClass, panelClass, primaryButtonClass, secondaryButtonClass } from "@/components/ui-classes";
import type { OrderView } from "@/lib/orders/order-view";

type Props = { order: Pick<OrderView, "id" | "items" | "returns" | "currency"> };

/** The order's returns for the operator: mark a requested one received (choosing what to restock), or reject it. */
export function AdminReturns({ order }: Props) {
  const router = useRouter();
  const [restock, setRestock] = useState<Record<string, Record<number, number>>>({});
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [message, setMessage] = useState("");
  const [pending, setPending] = useState(false);
  if (order.returns.length === 0) return null;
  const title = (bookId: number) => order.items.find((i) => i.bookId === bookId)?.title ?? `Book ${bookId}`;

  async function decide(returnId: string, action: "receive" | "reject", lines: { bookId: number; quantity: number }[]) {
    const body =
      action === "receive"
        ? { restock: lines.map((l) => ({ bookId: l.bookId, quantity: restock[returnId]?.[l.bookId] ?? l.quantity })) }
        : { note: notes[returnId] ?? "" };
    setPending(true);
    setMessage("");
    const result = await apiRequest(`/api/admin/orders/${order.id}/returns/${returnId}/${action}`, { method: "POST", body });
    setPending(false);
    if (!result.ok) setMessage(result.message);
    else router.refresh();
  }

  return (
    <section aria-labelledby="admin-returns-heading" className={panelClass}>
      <h2 id="admin-returns-heading" className="text-lg font-semibold">
        Returns
      </h2>
      <ul className="mt-3 flex flex-col gap-4">
        {order.returns.map((r) => (
          <li key={r.id} className="rounded-md border border-line p-3" data-testid="admin-return">
            <p className="font-semibold">{returnStatusLabel(r.status)}</p>
            <p className="text-sm">Reason: {r.reason}</p>
            {r.status === "received" ? (
              <p className="text-sm">
                Refunded {formatPrice(r.refundCents, order.currency)}; restocked{" "}
                {r.restocked.length ? r.restocked.map((l) => `${l.quantity} × ${title(l.bookId)}`).join(", ") : "nothing"}
              </p>
            ) : null}
            {r.status === "requested" ? (
              <div className="mt-2 flex flex-col gap-2">
                {r.lines.map((l) => (
                  <label key={l.bookId} className="flex items-center justify-between gap-3 text-sm">
                    <span>
                      {l.quantity} × {title(l.bookId)}: restock
                    </span>
                    <select
                      className={inputClass.replace("w-full", "w-20 shrink-0")}
                      aria-label={`Copies of ${title(l.bookId)} to restock`}
                      value={restock[r.id]?.[l.bookId] ?? l.quantity}
                      onChange={(e) => setRestock({ ...restock, [r.id]: { ...restock[r.id], [l.bookId]: Number(e.target.value) } })}
                    >
                      {Array.from({ length: l.quantity + 1 }, (_, n) => (
                        <option key={n} value={n}>
                          {n}
                        </option>
                      ))}
                    </select>
                  </label>
                ))}
                <div className="flex flex-wrap gap-2">
                  <button
                    type="button"
                    className={primaryButtonClass}
                    disabled={pending}
                    onClick={() => void decide(r.id, "receive", r.lines)}
                  >
                    Mark received and refund
                  </button>
                </div>
                <label className="flex flex-col gap-1 text-sm">
                  <span>Rejection note</span>
                  <input
                    className={inputClass}
                    maxLength={500}
                    value={notes[r.id] ?? ""}
                    onChange={(e) => setNotes({ ...notes, [r.id]: e.target.value })}
                  />
                </label>
                <div>
                  <button
                    type="button"
                    className={secondaryButtonClass}
                    disabled={pending}
                    onClick={() => void decide(r.id, "reject", r.lines)}
                  >
                    Reject return
                  </button>
                </div>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      <p role="status" aria-live="polite" className="mt-2 text-sm text-red-800">
        {message}
      </p>
    </section>
  );
}
