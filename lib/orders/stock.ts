import { sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { LineItem } from "@/machines/order-types";
import type { Executor } from "./types";

export type StockMove = "reserve" | "release" | "commit" | "return" | "writeOff";

// Each move keeps available + reserved + sold = received (a CHECK enforces it).
const moves: Record<StockMove, string> = {
  reserve: "stock_available = b.stock_available - v.qty, stock_reserved = b.stock_reserved + v.qty",
  release: "stock_reserved = b.stock_reserved - v.qty, stock_available = b.stock_available + v.qty",
  commit: "stock_reserved = b.stock_reserved - v.qty, stock_sold = b.stock_sold + v.qty",
  return: "stock_sold = b.stock_sold - v.qty, stock_available = b.stock_available + v.qty",
  writeOff: "stock_sold = b.stock_sold - v.qty, stock_received = b.stock_received - v.qty",
};

// The counter each move takes from; the update only applies where it suffices.
const source: Record<StockMove, string> = {
  reserve: "stock_available",
  release: "stock_reserved",
  commit: "stock_reserved",
  return: "stock_sold",
  writeOff: "stock_sold",
};

export type Shortage = { bookId: number; requested: number; available: number };

/**
 * Moves stock for several books in one statement. Rows are locked in id order
 * first (no deadlocks between multi-book orders), and each row is only updated
 * when its source counter covers the quantity. Throws out_of_stock for a
 * reservation that does not fit, listing every short line, and changes nothing.
 */
export async function moveStock(tx: Executor, move: StockMove, items: LineItem[]): Promise<void> {
  if (items.length === 0) return;
  const ids = `{${items.map((i) => i.bookId).join(",")}}`;
  const quantities = `{${items.map((i) => i.quantity).join(",")}}`;
  // The InitPlan (select ok) runs first and locks every row in id order; the
  // update applies to all rows or none.
  const rows = await tx.execute<{ id: number; updated: boolean; have: number; qty: number }>(sql`
    with v as (select * from unnest(${ids}::int[], ${quantities}::int[]) as v(id, qty)),
    locked as (
      select b.id, b.${sql.raw(source[move])} as have
      from books b join v on v.id = b.id
      order by b.id
      for update of b
    ),
    ok as (
      select count(*) = (select count(*) from v) and coalesce(bool_and(l.have >= v.qty), false) as ok
      from v join locked l on l.id = v.id
    ),
    updated as (
      update books b set ${sql.raw(moves[move])}, updated_at = now()
      from v where b.id = v.id and (select ok from ok)
      returning b.id
    )
    select v.id, v.qty, coalesce(l.have, 0)::int as have, exists (select 1 from updated u where u.id = v.id) as updated
    from v left join locked l on l.id = v.id`);
  const short = rows.filter((r) => !r.updated);
  if (short.length === 0) return;
  if (move === "reserve") {
    const details: Shortage[] = short.map((r) => ({ bookId: r.id, requested: r.qty, available: r.have }));
    const first = details[0]!;
    throw new AppError(
      "out_of_stock",
      details.length === 1 ? `Only ${first.available} left of book ${first.bookId}` : `${details.length} books in your cart are short`,
      details,
    );
  }
  // Any other move failing means our own bookkeeping is wrong: never hide it.
  throw new Error(`stock ${move} failed for books ${short.map((r) => r.id).join(", ")}`);
}
