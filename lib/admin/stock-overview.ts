import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { likePattern } from "@/lib/catalog/list-books";

export type StockCounts = { available: number; reserved: number; sold: number; received: number };
export type StockRow = StockCounts & { id: number; title: string; author: string };
export type StockPage = { items: StockRow[]; total: number; page: number; pageSize: number; totals: StockCounts };
export type StockQuery = { q?: string; page: number; pageSize: number };

const MAX_PAGE_SIZE = 100;

// Out-of-range paging is clamped rather than refused: an operator following a
// stale link should still see a table, and the page validates what users type.
function clampInt(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

/** Stock counters per book for operators, by title; totals cover every book matching q, not just this page. */
export async function listStock(query: StockQuery): Promise<StockPage> {
  const page = clampInt(query.page, 1, Number.MAX_SAFE_INTEGER);
  const pageSize = clampInt(query.pageSize, 1, MAX_PAGE_SIZE);
  const q = query.q?.trim() ?? "";
  const pattern = q ? likePattern(q) : null;
  // search_text (title and author, accents folded) has the trigram index the catalog search uses; the
  // order is by lower(title) so "alpha" does not sort after "Zebra" on a C-collated server.
  const where = pattern ? sql`where search_text like search_fold(${pattern})` : sql``;
  const { db } = await getDb();
  const [items, [summary]] = await Promise.all([
    db.execute<StockRow>(sql`
      select id, title, author, stock_available as available, stock_reserved as reserved, stock_sold as sold, stock_received as received
      from books ${where}
      order by lower(title), title, id limit ${pageSize} offset ${(page - 1) * pageSize}`),
    db.execute<StockCounts & { total: number }>(sql`
      select count(*)::int as total,
        coalesce(sum(stock_available), 0)::int as available, coalesce(sum(stock_reserved), 0)::int as reserved,
        coalesce(sum(stock_sold), 0)::int as sold, coalesce(sum(stock_received), 0)::int as received
      from books ${where}`),
  ]);
  const { total, ...totals } = summary ?? { total: 0, available: 0, reserved: 0, sold: 0, received: 0 };
  return { items: [...items], total, page, pageSize, totals };
}
