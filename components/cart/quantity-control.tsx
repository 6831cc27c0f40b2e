"use client";

import { useId, useState, type KeyboardEvent } from "react";
import { MAX_PER_LINE } from "@/lib/cart/limits";

type QuantityControlProps = {
  title: string;
  quantity: number;
  /** Highest quantity the "+" button goes to. */
  limit: number;
  busy: boolean;
  onCommit: (quantity: number) => void;
  onInvalid: (message: string) => void;
};

const stepClass =
  "inline-flex size-10 items-center justify-center border border-field bg-white text-lg font-bold text-ink hover:bg-paper-deep aria-disabled:cursor-not-allowed aria-disabled:bg-stone-100 aria-disabled:text-stone-500";

/**
 * −/+ buttons around a number input. While saving, controls are aria-disabled
 * and read-only instead of disabled, so keyboard focus stays where it was.
 */
export function QuantityControl({ title, quantity, limit, busy, onCommit, onInvalid }: QuantityControlProps) {
  const id = useId();
  const [draft, setDraft] = useState(String(quantity));
  const [shown, setShown] = useState(quantity);
  if (shown !== quantity) {
    // The saved quantity changed: show it (adjusting state during render, no effect needed).
    setShown(quantity);
    setDraft(String(quantity));
  }

  const canDecrease = !busy && quantity > 1;
  const canIncrease = !busy && quantity < Math.min(MAX_PER_LINE, limit);

  function commit() {
    if (busy) return;
    const trimmed = draft.trim();
    const value = Number(trimmed);
    if (trimmed === "" || !Number.isInteger(value) || value < 0 || value > MAX_PER_LINE) {
      setDraft(String(quantity));
      onInvalid(`Enter a whole number from 0 to ${MAX_PER_LINE} for “${title}” (0 removes it).`);
      return;
    }
    if (value !== quantity) onCommit(value);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter") {
      event.preventDefault();
      commit();
    }
  }

  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={`${id}-quantity`} className="text-sm font-semibold text-ink">
        Quantity<span className="sr-only"> of {title}</span>
      </label>
      <div className="flex">
        <button
          type="button"
          aria-label={`Decrease quantity of ${title}`}
          aria-disabled={!canDecrease || undefined}
          onClick={() => canDecrease && onCommit(quantity - 1)}
          className={`${stepClass} rounded-l-md`}
        >
          <span aria-hidden="true">−</span>
        </button>
        <input
          id={`${id}-quantity`}
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_PER_LINE}
          step={1}
          readOnly={busy}
          aria-disabled={busy || undefined}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={commit}
          onKeyDown={onKeyDown}
          className="h-10 w-16 border-y border-field bg-white px-2 text-center text-ink tabular-nums read-only:bg-stone-100 read-only:text-stone-600"
        />
        <button
          type="button"
          aria-label={`Increase quantity of ${title}`}
          aria-disabled={!canIncrease || undefined}
          onClick={() => canIncrease && onCommit(quantity + 1)}
          className={`${stepClass} rounded-r-md`}
        >
          <span aria-hidden="true">+</span>
        </button>
      </div>
    </div>
  );
}
