import type { Metadata } from "next";
import Link from "next/link";
import { StockForm } from "@/components/admin/stock-form";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { listStock, type StockCounts } from "@/lib/admin/stock-overview";
import { bookQuerySchema } from "@/lib/catalog/types";
import { requireAdminPage } from "../require-admin";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Stock · Admin" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const PAGE_SIZE = 50;
// The catalog's q and page rules, so the same search means the same thing in both places.
const stockQuerySchema = bookQuerySchema.pick({ q: true, page: true });
const counters = ["available", "reserved", "sold", "received"] as const satisfies readonly (keyof StockCounts)[];
const counterLabels: Record<keyof StockCounts, string> = {
  available: "Available",
  reserved: "Reserved",
  sold: "Sold",
  received: "Received",
};
const pageLink =
  "inline-flex min-h-10 items-center rounded-md border border-line bg-card px-3 py-2 text-sm font-semibold text-accent shadow-card hover:border-accent";

function stockHref(q: string, page: number): string {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `/admin/stock?${query}` : "/admin/stock";
}

const count = (n: number) => n.toLocaleString("en-US");

// GET /admin/stock?q=&page= – operators: stock counters per book, totals, and receiving new copies.
export default async function AdminStockPage({ searchParams }: Props) {
  await requireAdminPage();
  const raw = await searchParams;
  const parsed = stockQuerySchema.safeParse({ q: [raw.q].flat()[0], page: [raw.page].flat()[0] });
  const { q, page } = parsed.success ? parsed.data : { q: "", page: 1 };
  const stock = await listStock({ q, page, pageSize: PAGE_SIZE });
  const totalPages = Math.max(1, Math.ceil(stock.total / stock.pageSize));
  const from = (stock.page - 1) * stock.pageSize + 1;
  return (
    <div className="mx-auto max-w-6xl py-8">
      <h1 className="font-serif text-3xl font-bold text-ink">Stock</h1>
      <p className="mt-2 max-w-2xl text-ink-soft">
        Copies per book: on the shelf (available), held by unpaid orders (reserved), sold, and received in all.
      </p>
      <form action="/admin/stock" method="get" role="search" aria-label="Search stock" className="mt-6 flex flex-wrap items-end gap-3">
        <div className="flex min-w-64 flex-1 flex-col gap-1">
          <label htmlFor="stock-q" className="text-sm font-semibold text-ink">
            Title or author
          </label>
          <input
            id="stock-q"
            type="search"
            name="q"
            defaultValue={q}
            maxLength={100}
            autoComplete="off"
            className="w-full rounded-md border border-field bg-white px-3 py-2 text-sm text-ink"
          />
        </div>
        <button type="submit" className="rounded-md bg-accent px-5 py-2 text-sm font-semibold text-white hover:bg-accent-strong">
          Search
        </button>
        {q ? (
          <Link href="/admin/stock" className={`${textLinkClass} py-2 text-sm`}>
            Show all books
          </Link>
        ) : null}
      </form>
      {!parsed.success ? (
        <p role="alert" className="mt-3 text-sm text-red-800">
          {parsed.error.issues.map((i) => i.message).join("; ")}: showing the first page of all books.
        </p>
      ) : null}
      <section aria-labelledby="stock-totals-heading" className={`${panelClass} mt-6`}>
        <h2 id="stock-totals-heading" className="font-serif text-xl font-bold text-ink">
          {q ? <>Totals for “{q}”</> : "Totals"} ({count(stock.total)} {stock.total === 1 ? "book" : "books"})
        </h2>
        <dl className="mt-3 grid grid-cols-2 gap-4 sm:grid-cols-4">
          {counters.map((key) => (
            <div key={key}>
              <dt className="text-xs tracking-wide text-ink-soft uppercase">{counterLabels[key]}</dt>
              <dd className="text-2xl font-semibold text-ink tabular-nums">{count(stock.totals[key])}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="stock-books-heading" className={`${panelClass} mt-6 overflow-x-auto`}>
        <h2 id="stock-books-heading" className="font-serif text-xl font-bold text-ink">
          Books
        </h2>
        {stock.items.length === 0 ? (
          <p className="mt-2 text-ink-soft">{q ? <>No books match “{q}”.</> : "No books on this page."}</p>
        ) : (
          <>
            <p className="mt-1 text-sm text-ink-soft">
              Showing {count(from)}–{count(from + stock.items.length - 1)} of {count(stock.total)}. Rows with none available are marked.
            </p>
            <table className="mt-3 w-full text-left text-sm">
              <thead>
                <tr className="border-b border-line text-xs tracking-wide text-ink-soft uppercase">
                  <th scope="col" className="py-2 pr-4">
                    Book
                  </th>
                  {counters.map((key) => (
                    <th key={key} scope="col" className="py-2 pr-4 text-right">
                      {counterLabels[key]}
                    </th>
                  ))}
                  <th scope="col" className="py-2">
                    Receive copies
                  </th>
                </tr>
              </thead>
              <tbody>
                {stock.items.map((book) => {
                  const isOut = book.available === 0;
                  return (
                    <tr key={book.id} className={`border-b border-line align-top last:border-0 ${isOut ? "bg-amber-50" : ""}`}>
                      <th scope="row" className="py-2 pr-4 font-normal">
                        <Link href={`/books/${book.id}`} className={textLinkClass}>
                          {book.title}
                        </Link>
                        <span className="block text-ink-soft">{book.author}</span>
                        {isOut ? (
                          <span className="mt-1 inline-block rounded-full bg-amber-200 px-2 py-0.5 text-xs font-semibold text-amber-950">
                            Out of stock
                          </span>
                        ) : null}
                      </th>
                      {counters.map((key) => (
                        <td
                          key={key}
                          className={`py-2 pr-4 text-right tabular-nums ${key === "available" && isOut ? "font-bold text-red-800" : ""}`}
                        >
                          {count(book[key])}
                        </td>
                      ))}
                      <td className="py-2">
                        <StockForm bookId={book.id} title={book.title} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        )}
      </section>
      {totalPages > 1 ? (
        <nav aria-label="Pagination" className="mt-6 flex items-center justify-between gap-3">
          {stock.page > 1 ? (
            <Link href={stockHref(q, stock.page - 1)} rel="prev" className={pageLink}>
              <span aria-hidden="true">←</span>&nbsp;Previous
            </Link>
          ) : (
            <span />
          )}
          <p className="text-sm text-ink-soft">
            Page <span className="font-semibold text-ink">{count(stock.page)}</span> of{" "}
            <span className="font-semibold text-ink">{count(totalPages)}</span>
          </p>
          {stock.page < totalPages ? (
            <Link href={stockHref(q, stock.page + 1)} rel="next" className={pageLink}>
              Next&nbsp;<span aria-hidden="true">→</span>
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </div>
  );
}
