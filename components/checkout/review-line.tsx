"use client";

import { ShortageNote } from "@/components/cart/shortage-note";
import { Price } from "@/components/price";
import { secondaryButtonClass } from "@/components/ui-classes";
import type { CartLine } from "@/lib/cart/types";
import { Alternatives } from "./alternatives";
import type { Shortage } from "./shortages";

export type { Shortage };

type ReviewLineProps = {
  line: CartLine;
  currency: string;
  /** From a refused checkout, or from the cart's own stock figures. */
  shortage?: Shortage;
  fixing: boolean;
  onFix: (shortage: Shortage, title: string) => void;
  /** The cart's books: an alternative already in it says so instead of offering itself. */
  inCart: Set<number>;
};

export function ReviewLine({ line, currency, shortage, fixing, onFix, inCart }: ReviewLineProps) {
  const left = shortage ? Math.max(0, shortage.available) : 0;
  return (
    <li className="flex flex-col gap-2 py-4">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <div className="min-w-0">
          <h3 className="text-base leading-snug font-semibold">{line.title}</h3>
          <p className="text-sm text-ink-soft">
            {line.author} · {line.quantity} × <Price cents={line.unitPriceCents} currency={currency} className="tabular-nums" />
          </p>
        </div>
        <p>
          <span className="sr-only">Line total: </span>
          <Price cents={line.lineTotalCents} currency={currency} />
        </p>
      </div>
      {shortage ? (
        <ShortageNote label={left === 0 ? "Out of stock" : `Only ${left} left`}>
          <span className="font-normal">(you asked for {shortage.requested})</span>
          <button
            type="button"
            aria-disabled={fixing || undefined}
            onClick={() => !fixing && onFix({ ...shortage, available: left }, line.title)}
            className={`${secondaryButtonClass} ml-auto py-1`}
          >
            {fixing ? "Saving…" : left === 0 ? "Remove" : `Change to ${left}`}
            <span className="sr-only"> for {line.title}</span>
          </button>
        </ShortageNote>
      ) : null}
      {shortage?.alternatives ? <Alternatives forTitle={line.title} books={shortage.alternatives} inCart={inCart} /> : null}
    </li>
  );
}
