"use client";

import { usePathname, useSearchParams } from "next/navigation";

const inputClass = "min-w-0 flex-1 rounded-l-md border border-field bg-white px-3 py-2 text-sm text-ink placeholder:text-ink-soft";

/** The header's search box; on the catalog it shows the search the page is showing (the catalog has no box of its own). */
export function HeaderSearchInput() {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const q = pathname === "/" ? (searchParams.get("q") ?? "").trim().slice(0, 100) : "";
  // Keyed by q: a new search (or leaving the catalog) resets what was typed.
  return <SearchInput key={q} q={q} />;
}

/** The box itself; without a query, the fallback while the search parameters are not known. */
export function SearchInput({ q = "" }: { q?: string }) {
  return (
    <input
      id="site-search"
      type="search"
      name="q"
      defaultValue={q}
      maxLength={100}
      autoComplete="off"
      placeholder="Search by title or author"
      className={inputClass}
    />
  );
}
