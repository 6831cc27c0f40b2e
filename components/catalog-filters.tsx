import type { GenreFacets } from "@/lib/catalog/list-books";
import { DEFAULT_PAGE_SIZE } from "./pagination";

type CatalogFiltersProps = {
  q: string;
  genre: string;
  pageSize: number;
  facets: GenreFacets;
};

const field = "w-full rounded-md border border-field bg-white px-3 py-2 text-sm text-ink";

const number = (n: number) => n.toLocaleString("en-US");

/**
 * The genre filter; a plain GET form, so it works without JavaScript, and keeps the search (q).
 * The search box is the header's, one on every page. On a phone the filter folds away behind
 * "Filters" (a <details>), so the first screen shows books; from the sm breakpoint it is always
 * open (globals.css: .catalog-filters).
 * The genres and their numbers follow the search (listCatalogPage).
 */
export function CatalogFilters({ q, genre, pageSize, facets }: CatalogFiltersProps) {
  const known = facets.genres.some((g) => g.genre === genre);
  const all = facets.capped ? `${number(facets.total)}+` : number(facets.total);
  return (
    <details className="catalog-filters group rounded-lg border border-line bg-card shadow-card">
      <summary className="flex min-h-11 list-none items-center justify-between gap-3 rounded-lg px-4 py-2.5 text-sm font-semibold text-ink sm:hidden [&::-webkit-details-marker]:hidden">
        <span className="flex min-w-0 items-baseline gap-2">
          <span>Filters</span>
          {genre ? <span className="truncate font-normal text-ink-soft">{genre}</span> : null}
        </span>
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16" className="shrink-0 group-open:rotate-180">
          <path
            d="M3.5 6 8 10.5 12.5 6"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.75"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
      </summary>
      <form
        key={`${q}\u0000${genre}`}
        action="/"
        method="get"
        aria-label="Filter the catalog"
        className="flex flex-wrap items-end gap-3 border-t border-line p-4 sm:items-center sm:border-t-0 sm:py-3"
      >
        {q ? <input type="hidden" name="q" value={q} /> : null}
        <div className="flex min-w-0 flex-1 flex-col gap-1 sm:max-w-md sm:flex-row sm:items-center sm:gap-3">
          <label htmlFor="catalog-genre" className="text-sm font-semibold text-ink">
            Genre
          </label>
          <select id="catalog-genre" name="genre" defaultValue={genre} className={field}>
            <option value="">All genres ({all})</option>
            {genre && !known ? (
              <option value={genre}>
                {genre}
                {q && !facets.capped ? " (0)" : ""}
              </option>
            ) : null}
            {facets.genres.map((g) => (
              <option key={g.genre} value={g.genre}>
                {g.count === null ? g.genre : `${g.genre} (${number(g.count)})`}
              </option>
            ))}
          </select>
        </div>
        {pageSize !== DEFAULT_PAGE_SIZE ? <input type="hidden" name="pageSize" value={pageSize} /> : null}
        <button type="submit" className="rounded-md bg-accent px-5 py-2 text-sm font-semibold text-white hover:bg-accent-strong">
          Show books
        </button>
      </form>
    </details>
  );
}
