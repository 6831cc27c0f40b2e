"use client";

import Link from "next/link";
import { BookCover } from "@/components/book-cover";
import { Price } from "@/components/price";
import type { CartLine } from "@/lib/cart/types";
import { shortageLabel } from "./cart-api";
import { QuantityControl } from "./quantity-control";
import { ShortageNote } from "./shortage-note";

type CartLineRowProps = {
  line: CartLine;
  currency: string;
  busy: boolean;
  onQuantity: (line: CartLine, quantity: number) => void;
  onInvalid: (message: string) => void;
};

export function CartLineRow({ line, currency, busy, onQuantity, onInvalid }: CartLineRowProps) {
  const shortage = shortageLabel(line.quantity, line.available);
  return (
    <li aria-busy={busy || undefined} className={`flex gap-4 py-5 transition-opacity ${busy ? "opacity-70" : ""}`}>
      <div aria-hidden="true" className="w-16 shrink-0 sm:w-20">
        <BookCover title={line.title} author={line.author} genre="" size="sm" />
      </div>
      <div className="flex min-w-0 flex-1 flex-col gap-3">
        <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1">
          <div className="min-w-0">
            <h3 className="text-base leading-snug font-semibold">
              <Link href={`/books/${line.bookId}`} className="text-ink underline-offset-2 hover:text-accent-strong hover:underline">
                {line.title}
              </Link>
            </h3>
            <p className="text-sm text-ink-soft">{line.author}</p>
            <p className="mt-1 text-sm text-ink-soft">
              <Price cents={line.unitPriceCents} currency={currency} className="font-medium text-ink tabular-nums" /> each
            </p>
          </div>
          <p className="text-right">
            <span className="sr-only">Line total: </span>
            <Price cents={line.lineTotalCents} currency={currency} />
          </p>
        </div>
        {shortage ? (
          <ShortageNote label={shortage}>
            <span className="font-normal">
              {line.available > 0 ? `Lower the quantity to ${line.available} to check out.` : "Remove it to check out."}
            </span>
          </ShortageNote>
        ) : null}
        <div className="flex flex-wrap items-end gap-x-4 gap-y-2">
          <QuantityControl
            title={line.title}
            quantity={line.quantity}
            limit={line.available}
            busy={busy}
            onCommit={(quantity) => onQuantity(line, quantity)}
            onInvalid={onInvalid}
          />
          <button
            type="button"
            aria-disabled={busy || undefined}
            onClick={() => !busy && onQuantity(line, 0)}
            className="rounded-md px-2 py-2 text-sm font-semibold text-red-800 underline-offset-4 hover:underline aria-disabled:cursor-not-allowed aria-disabled:text-stone-500"
          >
            Remove<span className="sr-only"> {line.title}</span>
          </button>
        </div>
      </div>
    </li>
  );
}
