import { DEFAULT_PAGE_SIZE } from "./pagination";

type CatalogFiltersProps = {
  q: string;
  genre: string;
  pageSize: number;
  genres: { genre: string; count: number }[];
};

const field = "w-full rounded-md border border-field bg-white px-3 py-2 text-sm text-ink placeholder:text-ink-soft";

/** Search + genre filter; a plain GET form, so it works without JavaScript and keeps q with the genre. */
export function CatalogFilters({ q, genre, pageSize, genres }: CatalogFiltersProps) {
  const known = genres.some((g) => g.genre === genre);
  return (
    <form
      key={`${q}\u0000${genre}`}
      action="/"
      method="get"
      role="search"
      aria-label="Filter the catalog"
      className="grid gap-3 rounded-lg border border-line bg-card p-4 shadow-card sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_auto] sm:items-end"
    >
      <div className="flex flex-col gap-1">
        <label htmlFor="catalog-q" className="text-sm font-semibold text-ink">
          Title or author
        </label>
        <input
          id="catalog-q"
          type="search"
          name="q"
          defaultValue={q}
          maxLength={100}
          autoComplete="off"
          placeholder="e.g. Austen, or The Hobbit"
          className={field}
        />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="catalog-genre" className="text-sm font-semibold text-ink">
          Genre
        </label>
        <select id="catalog-genre" name="genre" defaultValue={genre} className={field}>
          <option value="">All genres</option>
          {genre && !known ? <option value={genre}>{genre}</option> : null}
          {genres.map((g) => (
            <option key={g.genre} value={g.genre}>
              {g.genre} ({g.count})
            </option>
          ))}
        </select>
      </div>
      {pageSize !== DEFAULT_PAGE_SIZE ? <input type="hidden" name="pageSize" value={pageSize} /> : null}
      <button type="submit" className="rounded-md bg-accent px-5 py-2 text-sm font-semibold text-white hover:bg-accent-strong">
        Show books
      </button>
    </form>
  );
}
