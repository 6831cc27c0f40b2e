"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiRequest } from "@/components/api-client";
import { stockChangeSchema } from "@/lib/catalog/stock-change";

type Props = { bookId: number; title: string };

type Status = { kind: "idle" | "pending" } | { kind: "done" | "error" | "invalid"; message: string };

// The stock route's own schema, so a typo is caught before the round trip.
const copiesSchema = stockChangeSchema.shape.copies;
const MIN_COPIES = copiesSchema.minValue ?? 1;
const MAX_COPIES = copiesSchema.maxValue ?? 100_000;

const buttonClass =
  "rounded-md bg-accent px-3 py-1.5 text-sm font-semibold text-white hover:bg-accent-strong disabled:cursor-not-allowed disabled:bg-stone-300 disabled:text-stone-700";

function copiesLabel(copies: number): string {
  return `${copies.toLocaleString("en-US")} ${copies === 1 ? "copy" : "copies"}`;
}

/** One book's "receive copies" form: posts to the stock API, then refreshes the table around it. */
export function StockForm({ bookId, title }: Props) {
  const router = useRouter();
  const [copies, setCopies] = useState("1");
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const pending = status.kind === "pending";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = Number(copies);
    if (!copiesSchema.safeParse(value).success) {
      setStatus({ kind: "invalid", message: `Enter a whole number from ${MIN_COPIES} to ${MAX_COPIES.toLocaleString("en-US")}.` });
      return;
    }
    setStatus({ kind: "pending" });
    const result = await apiRequest(`/api/admin/books/${bookId}/stock`, { method: "POST", body: { action: "receive", copies: value } });
    if (!result.ok) {
      setStatus({ kind: "error", message: `Not received: ${result.message}` });
      return;
    }
    setStatus({ kind: "done", message: `Received ${copiesLabel(value)}` });
    setCopies("1");
    router.refresh();
  }

  const message = "message" in status ? status.message : "";
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-1" noValidate>
      <div className="flex items-center gap-2">
        <input
          type="number"
          name="copies"
          inputMode="numeric"
          min={MIN_COPIES}
          max={MAX_COPIES}
          step={1}
          required
          value={copies}
          onChange={(event) => setCopies(event.target.value)}
          aria-label={`Copies of ${title} to receive`}
          aria-invalid={status.kind === "invalid" ? true : undefined}
          className="w-24 rounded-md border border-field bg-white px-2 py-1 text-sm text-ink tabular-nums aria-invalid:border-red-700"
        />
        <button type="submit" className={buttonClass} disabled={pending}>
          Receive
        </button>
      </div>
      <p role="status" aria-live="polite" className={`text-xs ${status.kind === "done" ? "text-emerald-800" : "text-red-800"}`}>
        {message}
      </p>
    </form>
  );
}
