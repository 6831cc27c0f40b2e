import { and, asc, count, eq, gt, or, sql, type SQL } from "drizzle-orm";
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

function filters(query: Pick<BookQuery, "q" | "genre">): SQL | undefined {
  const parts: (SQL | undefined)[] = [];
  if (query.q) {
    const pattern = likePattern(query.q);
    // lower(...) LIKE matches the trigram indexes on lower(title) / lower(author).
    parts.push(or(sql`lower(${books.title}) like ${pattern}`, sql`lower(${books.author}) like ${pattern}`));
  }
  if (query.genre) parts.push(eq(books.genre, query.genre));
  return and(...parts);
}

/** Catalog search: title/author substring, genre filter, stable order, pagination. */
export function listBooks(query: BookQuery): Promise<BookPage> {
  return instrument("data_lookup", { name: "list_books" }, () => searchBooks(query));
}

async function searchBooks(query: BookQuery): Promise<BookPage> {
  const { db } = await getDb();
  if (query.q && query.q.length >= TRIGRAM) return searchByText(db, query);
  const where = filters(query);
  const [items, total] = await Promise.all([
    db
      .select(bookViewColumns)
      .from(books)
      .where(where)
      .orderBy(asc(books.title), asc(books.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    // Without a search the total is a genre's count, kept by triggers (genre_counts).
    query.q
      ? db
          .select({ total: count() })
          .from(books)
          .where(where)
          .then((r) => r[0]?.total ?? 0)
      : countBooks(db, query.genre),
  ]);
  return { items: items satisfies BookView[], page: query.page, pageSize: query.pageSize, total };
}

/** Shorter searches have no trigram to look up: they walk the title index instead. */
const TRIGRAM = 3;

/**
 * A search of three or more characters: the trigram indexes find every match
 * (a bitmap scan), which is then sorted for the page and counted, in one
 * statement. Walking the title index in order instead reads every book
 * before the 24th match, and a second statement counted them all again.
 */
async function searchByText(db: Db, query: BookQuery): Promise<BookPage> {
  const pattern = likePattern(query.q);
  const genre = query.genre ? sql`and genre = ${query.genre}` : sql``;
  const [row] = await db.execute<{ total: number; items: BookView[] }>(sql`
    with matches as materialized (
      select id, title, author, genre, description, price_cents as "priceCents", currency, stock_available as available
      from books
      where (lower(title) like ${pattern} or lower(author) like ${pattern}) ${genre}
    )
    select (select count(*)::int from matches) as total,
           coalesce((select json_agg(m order by m.title, m.id)
                     from (select * from matches order by title, id limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}) m),
                    '[]'::json) as items`);
  return { items: row?.items ?? [], page: query.page, pageSize: query.pageSize, total: row?.total ?? 0 };
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
