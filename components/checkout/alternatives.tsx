"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { addLine } from "@/components/cart/cart-api";
import { Price } from "@/components/price";
import { secondaryButtonClass, textLinkClass } from "@/components/ui-classes";
import type { AlternativeBook } from "./shortages";

type AlternativesProps = { forTitle: string; books: AlternativeBook[]; inCart: Set<number> };

/** In-stock books instead of a short line (same author first, then same genre), each with "Add to cart". */
export function Alternatives({ forTitle, books, inCart }: AlternativesProps) {
  const router = useRouter();
  const [adding, setAdding] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (books.length === 0) return null;

  async function add(book: AlternativeBook) {
    if (adding !== null) return;
    setAdding(book.bookId);
    const result = await addLine(book.bookId);
    setAdding(null);
    setError(result.ok ? null : result.message);
    // The review above shows the cart as it now is (the new line, its total).
    if (result.ok) router.refresh();
  }

  return (
    <div className="rounded-md bg-paper-deep/60 px-3 py-2" data-testid="alternatives">
      <p className="text-sm font-semibold">Instead of “{forTitle}”, on the shelf now:</p>
      <ul className="mt-1 divide-y divide-line">
        {books.map((book) => (
          <li key={book.bookId} className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 py-2 text-sm">
            <span className="min-w-0">
              <Link href={`/books/${book.bookId}`} className={textLinkClass}>
                {book.title}
              </Link>{" "}
              <span className="text-ink-soft">
                {book.author} · {book.sameAuthor ? "same author" : "same genre"} ·{" "}
                <Price cents={book.priceCents} currency={book.currency} className="tabular-nums" />
              </span>
            </span>
            {inCart.has(book.bookId) ? (
              <span className="font-semibold text-emerald-800">In your cart</span>
            ) : (
              <button
                type="button"
                aria-disabled={adding !== null || undefined}
                onClick={() => void add(book)}
                className={`${secondaryButtonClass} ml-auto py-1`}
              >
                {adding === book.bookId ? "Adding…" : "Add to cart"}
                <span className="sr-only"> {book.title}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {error ? (
        <p role="alert" className="text-sm font-medium text-red-800">
          {error}
        </p>
      ) : null}
    </div>
  );
}
