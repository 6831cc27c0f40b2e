import { asc, eq, gt, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import { books, genreCounts } from "@/db/schema";
import type { BookPage, BookQuery, BookView } from "./types";
import { instrument } from "@/lib/observability/operations";

export const bookViewColumns = {
  id: books.id,
  title: books.title,
  author: books.author,
  genre: books.genre,
  description: books.description,
  priceCents: books.priceCents,
  currency: books.currency,
  available: books.stockAvailable,
};

/** Escapes LIKE wildcards so a shopper's "%" or "_" is matched literally. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A search counts its matches up to here, then says "1,000+" (totalCapped): counting them all costs as much as finding them. */
export const SEARCH_COUNT_CAP = 1000;
const MAX_WORDS = 8;

/**
 * The words of a search, lower case, split on anything but letters and digits
 * ("Moby-Dick" → moby, dick), without repeats. Accents are folded by the
 * database (search_fold, the same function that fills books.search_text).
 */
export function queryWords(q: string): string[] {
  const words = q
    .normalize("NFC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return [...new Set(words)].slice(0, MAX_WORDS);
}

/** Catalog search: every word of q in the title or author (any order, accents ignored), genre filter, stable order, pagination. */
export function listBooks(query: BookQuery): Promise<BookPage> {
  return instrument("data_lookup", { name: "list_books" }, () => searchBooks(query, false));
}

/**
 * The genre filter's choices for what the catalog page shows: with no search, every genre
 * with its number of books (genre_counts); for a search, the genres of the books it finds
 * (after "Did you mean", the suggestion's), with their numbers, whatever genre is chosen, so
 * the shopper sees where else the search finds books. They are counted on the search's own
 * capped scan (searchByWords): at most SEARCH_COUNT_CAP + 1 matches, so a word in a million
 * titles costs no more than one in a thousand. Beyond the cap the numbers are unknown: every
 * genre of the catalog is offered, without a number (`count` null), and `capped` is set.
 */
export type GenreFacets = { genres: { genre: string; count: number | null }[]; total: number; capped: boolean };

/** What the catalog page shows: a page of books (as listBooks) and the genre filter's choices for it. */
export type CatalogPage = BookPage & { facets: GenreFacets };

export function listCatalogPage(query: BookQuery): Promise<CatalogPage> {
  return instrument("data_lookup", { name: "catalog_page" }, () => searchBooks(query, true));
}

type FacetRow = { genre: string; count: number };
type Found = BookPage & { facets?: GenreFacets };

const noFacets: GenreFacets = { genres: [], total: 0, capped: false };

async function searchBooks(query: BookQuery, withFacets: true): Promise<CatalogPage>;
async function searchBooks(query: BookQuery, withFacets: boolean): Promise<Found>;
async function searchBooks(query: BookQuery, withFacets: boolean): Promise<Found> {
  const { db } = await getDb();
  if (!query.q) return browse(db, query, withFacets);
  const words = queryWords(query.q);
  // Only punctuation ("%", "--"): no word to look for, so nothing matches.
  if (words.length === 0)
    return {
      items: [],
      page: query.page,
      pageSize: query.pageSize,
      total: 0,
      totalCapped: false,
      suggestion: null,
      ...(withFacets ? { facets: noFacets } : {}),
    };
  const found = await searchByWords(db, words, query, withFacets);
  if (found.total > 0) return { ...found, suggestion: null };
  // Nothing matches: "Did you mean …", with the books of the closest spelling the catalog has.
  const corrected = await closestWords(db, words);
  if (corrected.join(" ") === words.join(" ")) return { ...found, suggestion: null };
  const instead = await searchByWords(db, corrected, query, withFacets);
  return instead.total > 0 ? { ...instead, suggestion: corrected.join(" ") } : { ...found, suggestion: null };
}

/** A search's genre counts; beyond the cap, every genre of the catalog without a number. */
async function facetsOf(rows: FacetRow[]): Promise<GenreFacets> {
  const counted = rows.reduce((sum, row) => sum + row.count, 0);
  if (counted <= SEARCH_COUNT_CAP) return { genres: rows, total: counted, capped: false };
  const genres = await listGenres();
  return { genres: genres.map((g) => ({ genre: g.genre, count: null })), total: SEARCH_COUNT_CAP, capped: true };
}

/** No search: the catalog or a genre by title, counted by genre_counts (kept by triggers). */
async function browse(db: Db, query: BookQuery, withFacets: boolean): Promise<Found> {
  const [items, total, genres] = await Promise.all([
    db
      .select(bookViewColumns)
      .from(books)
      .where(query.genre ? eq(books.genre, query.genre) : undefined)
      .orderBy(asc(books.title), asc(books.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    countBooks(db, query.genre),
    withFacets ? listGenres() : undefined,
  ]);
  const page = {
    items: items satisfies BookView[],
    page: query.page,
    pageSize: query.pageSize,
    total,
    totalCapped: false,
    suggestion: null,
  };
  if (!genres) return page;
  return { ...page, facets: { genres, total: genres.reduce((sum, g) => sum + g.count, 0), capped: false } };
}

/** Each word somewhere in search_text (title and author, lower case, accents folded). */
function wordConditions(words: string[]) {
  return words.map((word) => sql`search_text like search_fold(${likePattern(word)})`);
}

/**
 * Every word must occur in search_text (title and author, lower case, accents
 * folded), in any order. The trigram index on search_text finds the matches
 * (a bitmap scan; a sequential one for a word in most books), and the scan
 * stops at SEARCH_COUNT_CAP + 1: those are counted and sorted by title for the
 * page, so a word in a million books costs no more than one in a thousand.
 * Beyond the cap the pages show the first SEARCH_COUNT_CAP matches found
 * ("1,000+ books": a shopper narrows the search rather than paging on).
 *
 * Planned for its own words (force_custom_plan): a prepared statement's generic
 * plan cannot tell a word in every title from a word in none.
 */
async function searchByWords(
  db: Db,
  words: string[],
  query: BookQuery,
  withFacets: boolean,
): Promise<Omit<BookPage, "suggestion"> & { facets?: GenreFacets }> {
  const conditions = wordConditions(words);
  if (query.genre) conditions.push(sql`genre = ${query.genre}`);
  const offset = (query.page - 1) * query.pageSize;
  const limit = Math.max(0, Math.min(query.pageSize, SEARCH_COUNT_CAP - offset));
  // The genre counts: the same capped matches; with a genre chosen, the search's matches in every genre (capped alike).
  const facetRows = withFacets && query.genre;
  const facetCte = facetRows
    ? sql`, facet_rows as materialized (
        select genre from books where ${sql.join(wordConditions(words), sql` and `)} limit ${SEARCH_COUNT_CAP + 1})`
    : sql``;
  const facetColumn = withFacets
    ? sql`, coalesce((select json_agg(g order by g.genre)
                      from (select genre, count(*)::int as count from ${sql.raw(facetRows ? "facet_rows" : "capped")} group by genre) g),
                     '[]'::json) as facets`
    : sql``;
  const row = await db.transaction(async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
    const [found] = await tx.execute<{ total: number; items: BookView[]; facets?: FacetRow[] }>(sql`
      with capped as materialized (
        select id, title, author, genre, description, price_cents as "priceCents", currency, stock_available as available
        from books where ${sql.join(conditions, sql` and `)} limit ${SEARCH_COUNT_CAP + 1})${facetCte}
      select (select count(*)::int from capped) as total,
             coalesce((select json_agg(m order by m.title, m.id)
                       from (select * from capped order by title, id limit ${limit} offset ${offset}) m), '[]'::json) as items${facetColumn}`);
    return found;
  });
  const counted = row?.total ?? 0;
  return {
    items: row?.items ?? [],
    page: query.page,
    pageSize: query.pageSize,
    total: Math.min(counted, SEARCH_COUNT_CAP),
    totalCapped: counted > SEARCH_COUNT_CAP,
    ...(withFacets ? { facets: await facetsOf(row?.facets ?? []) } : {}),
  };
}

/**
 * Each word as the catalog spells it: kept when some title or author word
 * contains it, else the most similar word of the vocabulary (search_words,
 * trigram similarity ≥ 0.3, its trigram index), else kept. Words are letters
 * and digits only (queryWords), so they need no LIKE escaping.
 */
async function closestWords(db: Db, words: string[]): Promise<string[]> {
  const rows = await db.execute<{ word: string }>(sql`
    select coalesce(
             (select q.w where exists (select 1 from search_words s where s.word like '%' || q.w || '%')),
             (select s.word from search_words s where s.word % q.w order by similarity(s.word, q.w) desc, s.word limit 1),
             q.w) as word
    from (select search_fold(w) as w, i from unnest(string_to_array(${words.join(" ")}, ' ')) with ordinality as u(w, i)) q
    order by q.i`);
  return rows.map((r) => r.word);
}

async function countBooks(db: Db, genre: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${genreCounts.books}), 0)::int` })
    .from(genreCounts)
    .where(genre ? eq(genreCounts.genre, genre) : undefined);
  return row?.total ?? 0;
}

/** Genres with their number of books, for the filter (kept by triggers: genre_counts). */
export async function listGenres(): Promise<{ genre: string; count: number }[]> {
  const { db } = await getDb();
  return db
    .select({ genre: genreCounts.genre, count: genreCounts.books })
    .from(genreCounts)
    .where(gt(genreCounts.books, 0))
    .orderBy(asc(genreCounts.genre));
}
