import Link from "next/link";
import type { BookView } from "@/lib/catalog/types";
import { BookCover } from "./book-cover";
import { Price } from "./price";
import { StockBadge } from "./stock-badge";

type BookCardProps = { book: BookView };

/**
 * A catalog card; the title link is stretched over the whole card. Its focus
 * ring is drawn on the card: on the title it was clipped by the card's
 * rounded, overflow-hidden box.
 */
export function BookCard({ book }: BookCardProps) {
  return (
    <article className="group relative flex h-full flex-col overflow-hidden rounded-lg border border-line bg-card shadow-card transition-shadow hover:shadow-card-hover focus-within:shadow-card-hover has-[a:focus-visible]:outline-3 has-[a:focus-visible]:outline-offset-2 has-[a:focus-visible]:outline-focus">
      <div className="flex justify-center bg-paper-deep/60 px-3 pt-5 pb-4">
        <BookCover title={book.title} author={book.author} genre={book.genre} size="sm" />
      </div>
      <div className="flex flex-1 flex-col gap-1 p-3 sm:p-4">
        <h2 className="line-clamp-2 text-base leading-snug font-semibold">
          <Link
            href={`/books/${book.id}`}
            className="text-ink outline-none after:absolute after:inset-0 after:content-[''] group-hover:text-accent-strong group-hover:underline underline-offset-2"
          >
            {book.title}
          </Link>
        </h2>
        <p className="line-clamp-1 text-sm text-ink-soft">{book.author}</p>
        <div className="mt-auto flex flex-wrap items-center justify-between gap-x-2 gap-y-1.5 pt-2">
          <Price cents={book.priceCents} currency={book.currency} className="font-semibold text-ink tabular-nums" />
          <StockBadge available={book.available} />
        </div>
      </div>
    </article>
  );
}
