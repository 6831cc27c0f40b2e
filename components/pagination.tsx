import Link from "next/link";

export type CatalogParams = { q: string; genre: string; page: number; pageSize: number };

export const DEFAULT_PAGE_SIZE = 24;

/** A catalog URL that keeps only the parameters that differ from the defaults. */
export function catalogHref({ q, genre, page, pageSize }: CatalogParams): string {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (genre) params.set("genre", genre);
  if (page > 1) params.set("page", String(page));
  if (pageSize !== DEFAULT_PAGE_SIZE) params.set("pageSize", String(pageSize));
  const query = params.toString();
  return query ? `/?${query}` : "/";
}

type PaginationProps = CatalogParams & { totalPages: number };

const item = "inline-flex min-h-10 items-center gap-1 rounded-md border px-3 py-2 text-sm font-semibold";
const active = `${item} border-line bg-card text-accent shadow-card hover:border-accent hover:text-accent-strong`;
const disabled = `${item} border-transparent text-ink-soft`;

export function Pagination({ totalPages, ...params }: PaginationProps) {
  const { page } = params;
  const hasPrevious = page > 1;
  const hasNext = page < totalPages;
  return (
    <nav aria-label="Pagination" className="mt-10">
      <ul className="flex items-center justify-between gap-3 sm:justify-center sm:gap-6">
        <li>
          {hasPrevious ? (
            <Link href={catalogHref({ ...params, page: page - 1 })} rel="prev" className={active}>
              <span aria-hidden="true">←</span> Previous
            </Link>
          ) : (
            <span aria-disabled="true" className={disabled}>
              <span aria-hidden="true">←</span> Previous
            </span>
          )}
        </li>
        <li className="text-sm text-ink-soft">
          Page <span className="font-semibold text-ink">{page}</span> of <span className="font-semibold text-ink">{totalPages}</span>
        </li>
        <li>
          {hasNext ? (
            <Link href={catalogHref({ ...params, page: page + 1 })} rel="next" className={active}>
              Next <span aria-hidden="true">→</span>
            </Link>
          ) : (
            <span aria-disabled="true" className={disabled}>
              Next <span aria-hidden="true">→</span>
            </span>
          )}
        </li>
      </ul>
    </nav>
  );
}
