import { and, asc, count, eq, or, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { books } from "@/db/schema";
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
  const where = filters(query);
  const [items, totals] = await Promise.all([
    db
      .select(bookViewColumns)
      .from(books)
      .where(where)
      .orderBy(asc(books.title), asc(books.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: count() }).from(books).where(where),
  ]);
  return { items: items satisfies BookView[], page: query.page, pageSize: query.pageSize, total: totals[0]?.total ?? 0 };
}

/** Genres with their number of books, for the filter. */
export async function listGenres(): Promise<{ genre: string; count: number }[]> {
  const { db } = await getDb();
  return db
    .select({ genre: books.genre, count: count() })
    .from(books)
    .groupBy(books.genre)
    .orderBy(asc(books.genre));
}

