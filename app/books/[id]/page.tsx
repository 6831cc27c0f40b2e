import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { AddToCart } from "@/components/add-to-cart";
import { BookCover } from "@/components/book-cover";
import { BookDetails } from "@/components/book-details";
import { OpenAtTop } from "@/components/open-at-top";
import { Price } from "@/components/price";
import { StockBadge } from "@/components/stock-badge";
import { getBook } from "@/lib/catalog/get-book";
import { bookIdSchema, type BookDetail } from "@/lib/catalog/types";
import { isAppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

type BookPageProps = { params: Promise<{ id: string }> };

/** One lookup per request, shared by generateMetadata and the page; undefined when there is no such book. */
const loadBook = cache(async (rawId: string): Promise<BookDetail | undefined> => {
  const id = bookIdSchema.safeParse(rawId);
  if (!id.success) return undefined;
  try {
    return await getBook(id.data);
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") return undefined;
    throw error;
  }
});

export async function generateMetadata({ params }: BookPageProps): Promise<Metadata> {
  const book = await loadBook((await params).id);
  if (!book) return { title: "Book not found" };
  const description = book.description.length > 160 ? `${book.description.slice(0, 157).trimEnd()}…` : book.description;
  return { title: book.title, description: description || `${book.title} by ${book.author}` };
}

const genreHref = (genre: string) => `/?genre=${encodeURIComponent(genre)}`;

export default async function BookPage({ params }: BookPageProps) {
  const book = await loadBook((await params).id);
  if (!book) notFound();

  return (
    <>
      <OpenAtTop />
      <nav aria-label="Breadcrumb" className="mb-6 text-sm text-ink-soft">
        <ol className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <li>
            <Link href="/" className="font-medium text-accent underline-offset-4 hover:underline">
              Catalog
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li>
            <Link href={genreHref(book.genre)} className="font-medium text-accent underline-offset-4 hover:underline">
              {book.genre}
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li aria-current="page" className="line-clamp-1 max-w-[16rem] text-ink-soft">
            {book.title}
          </li>
        </ol>
      </nav>

      {/* A phone shows a small cover beside the title, so the price and "Add to cart" are on the first screen. */}
      <article className="grid grid-cols-[6.5rem_minmax(0,1fr)] gap-x-4 gap-y-6 min-[480px]:grid-cols-[9rem_minmax(0,1fr)] md:grid-cols-[240px_minmax(0,1fr)] md:gap-x-12">
        <div className="md:row-span-2">
          <BookCover title={book.title} author={book.author} genre={book.genre} size="lg" />
        </div>

        <div className="min-w-0">
          <h1 className="text-2xl leading-tight font-bold tracking-tight sm:text-4xl">{book.title}</h1>
          <p className="mt-2 text-ink-soft sm:text-lg">
            by <span className="font-semibold text-ink">{book.author}</span>
          </p>
          <p className="mt-3 text-sm">
            <span className="text-ink-soft">Genre: </span>
            <Link
              href={genreHref(book.genre)}
              className="rounded-full bg-accent-soft px-2.5 py-0.5 font-semibold text-accent-strong hover:underline"
            >
              {book.genre}
            </Link>
          </p>
        </div>

        <div className="col-span-2 min-w-0 md:col-span-1 md:col-start-2">
          <section aria-label="Price and availability" className="rounded-lg border border-line bg-card p-5 shadow-card">
            <div className="mb-4 flex flex-wrap items-center gap-3">
              <Price cents={book.priceCents} currency={book.currency} className="text-2xl font-bold text-ink tabular-nums" />
              <StockBadge available={book.available} />
            </div>
            <AddToCart bookId={book.id} available={book.available} title={book.title} />
          </section>

          <section aria-labelledby="about-heading" className="mt-8">
            <h2 id="about-heading" className="text-xl font-semibold">
              About this book
            </h2>
            <p className="mt-3 max-w-prose leading-relaxed whitespace-pre-line text-ink">{book.description || "No description yet."}</p>
          </section>

          <BookDetails isbn={book.isbn} publishedYear={book.publishedYear} pages={book.pages} />
        </div>
      </article>
    </>
  );
}
