import Link from "next/link";
import { BookCard } from "@/components/book-card";
import { CatalogFilters } from "@/components/catalog-filters";
import { Pagination, catalogHref, type CatalogParams } from "@/components/pagination";
import { listCatalogPage } from "@/lib/catalog/list-books";
import { bookQuerySchema } from "@/lib/catalog/types";

export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

type CatalogPageProps = { searchParams: Promise<SearchParams> };

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function Intro() {
  return (
    <div className="mb-4 sm:mb-6">
      <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Catalog</h1>
      <p className="mt-2 max-w-2xl text-ink-soft">
        Browse our shelves: search by title or author at the top, or narrow things down by genre.
      </p>
    </div>
  );
}

const panel = "mt-8 rounded-lg border border-line bg-card px-6 py-10 text-center shadow-card";
const buttonLink = "mt-5 inline-flex rounded-md bg-accent px-4 py-2 text-sm font-semibold text-white hover:bg-accent-strong";

function describeFilters(q: string, genre: string): string {
  if (q && genre) return `“${q}” in ${genre}`;
  if (q) return `“${q}”`;
  return `the genre “${genre}”`;
}

/** Nothing matched q: the books shown are those of the closest spelling, and the link searches for it. */
function DidYouMean({ q, suggestion, params }: { q: string; suggestion: string; params: CatalogParams }) {
  return (
    <section className="mt-8 rounded-lg border border-line bg-card px-5 py-4 shadow-card" aria-labelledby="did-you-mean">
      <h2 id="did-you-mean" className="text-lg font-semibold">
        No books match “{q}”. Did you mean{" "}
        <Link
          href={catalogHref({ ...params, q: suggestion, page: 1 })}
          className="text-accent underline underline-offset-4 hover:text-accent-strong"
        >
          {suggestion}
        </Link>
        ?
      </h2>
      <p className="mt-1 text-sm text-ink-soft">Showing the books for “{suggestion}”.</p>
    </section>
  );
}

export default async function CatalogPage({ searchParams }: CatalogPageProps) {
  const raw = await searchParams;
  const parsed = bookQuerySchema.safeParse({
    q: first(raw.q),
    genre: first(raw.genre),
    page: first(raw.page),
    pageSize: first(raw.pageSize),
  });

  if (!parsed.success) {
    return (
      <>
        <Intro />
        <section className={panel} role="alert" aria-labelledby="invalid-query">
          <h2 id="invalid-query" className="text-xl font-semibold">
            We couldn’t understand that search
          </h2>
          <ul className="mt-2 text-sm text-ink-soft">
            {parsed.error.issues.map((issue, i) => (
              <li key={i}>{issue.message}</li>
            ))}
          </ul>
          <Link href="/" className={buttonLink}>
            Back to the catalog
          </Link>
        </section>
      </>
    );
  }

  const query = parsed.data;
  // The books, and the genre filter's counts for them (the search's, or after "Did you mean" the suggestion's).
  const result = await listCatalogPage(query);
  const params: CatalogParams = { q: query.q, genre: query.genre, page: query.page, pageSize: query.pageSize };
  const totalPages = Math.max(1, Math.ceil(result.total / result.pageSize));
  const from = (result.page - 1) * result.pageSize + 1;
  const to = from + result.items.length - 1;
  const filtered = Boolean(query.q || query.genre);
  const count = result.totalCapped
    ? `${result.total.toLocaleString("en-US")}+ books`
    : `${result.total.toLocaleString("en-US")} ${result.total === 1 ? "book" : "books"}`;

  return (
    <>
      <Intro />
      <CatalogFilters q={query.q} genre={query.genre} pageSize={query.pageSize} facets={result.facets} />

      {result.suggestion ? <DidYouMean q={query.q} suggestion={result.suggestion} params={params} /> : null}

      {result.total === 0 ? (
        <section className={panel} aria-labelledby="no-results">
          <h2 id="no-results" className="text-xl font-semibold">
            {filtered ? `No books match ${describeFilters(query.q, query.genre)}` : "The shelves are empty"}
          </h2>
          <p className="mt-2 text-ink-soft">
            {filtered ? "Try a shorter search, check the spelling, or browse all genres." : "Check back soon for new arrivals."}
          </p>
          {filtered ? (
            <Link href="/" className={buttonLink}>
              Clear filters
            </Link>
          ) : null}
        </section>
      ) : result.items.length === 0 ? (
        <section className={panel} aria-labelledby="past-end">
          <h2 id="past-end" className="text-xl font-semibold">
            There’s nothing on page {result.page}
          </h2>
          <p className="mt-2 text-ink-soft">
            {result.total === 1 ? "There is 1 book" : `There are ${count}`} on {totalPages} {totalPages === 1 ? "page" : "pages"}.
          </p>
          <Link href={catalogHref({ ...params, page: totalPages })} className={buttonLink}>
            Go to the last page
          </Link>
        </section>
      ) : (
        <>
          <div className="mt-5 mb-4 flex flex-wrap items-baseline justify-between gap-2 sm:mt-8">
            <p className="text-sm text-ink-soft" aria-live="polite">
              {`Showing ${from}–${to} of ${count}`}
              {result.totalCapped ? " — add a word to narrow the search" : ""}
            </p>
            {filtered ? (
              <Link href="/" className="text-sm font-semibold text-accent underline-offset-4 hover:underline">
                Clear filters
              </Link>
            ) : null}
          </div>
          <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 sm:gap-6 lg:grid-cols-4">
            {result.items.map((book) => (
              <li key={book.id}>
                <BookCard book={book} />
              </li>
            ))}
          </ul>
          {totalPages > 1 ? <Pagination {...params} totalPages={totalPages} /> : null}
        </>
      )}
    </>
  );
}
