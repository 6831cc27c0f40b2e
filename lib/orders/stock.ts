import { sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { LineItem } from "@/machines/order-types";
import { WritePipeline } from "./pipeline";
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
 * Moves stock for several books. Rows are locked in id order first (no
 * deadlocks between multi-book orders) and updated only when every source
 * counter covers its quantity; the CHECK constraints are the last line of
 * defence. Throws out_of_stock for a reservation that does not fit, listing
 * every short line, and changes nothing.
 */
export async function moveStock(tx: Executor, move: StockMove, items: LineItem[], pipeline?: WritePipeline): Promise<void> {
  if (items.length === 0) return;
  const ids = `{${items.map((i) => i.bookId).join(",")}}`;
  const quantities = `{${items.map((i) => i.quantity).join(",")}}`;
  // Lock every row first, in id order, so concurrent multi-book orders queue
  // instead of deadlocking; then update all rows or none. NO KEY UPDATE (what
  // the UPDATE itself takes) leaves the KEY SHARE locks of order_items' and
  // cart_items' foreign keys alone: FOR UPDATE would deadlock with them.
  // With a pipeline, the lock rides behind the queued writes and the update
  // joins the queue: the caller's flush reports a failure.
  const lock = sql`
    select id, ${sql.raw(source[move])} as have from books where id = any(${ids}::int[]) order by id for no key update`;
  const locked = await WritePipeline.read<{ id: number; have: number }>(tx, pipeline, lock);
  const have = new Map(locked.map((r) => [r.id, r.have]));
  const rows = items.map((i) => ({ id: i.bookId, qty: i.quantity, have: have.get(i.bookId) ?? 0 }));
  if (rows.every((r) => r.have >= r.qty)) {
    const update = sql`
      update books b set ${sql.raw(moves[move])}, updated_at = now()
      from unnest(${ids}::int[], ${quantities}::int[]) as v(id, qty)
      where b.id = v.id`;
    if (pipeline) pipeline.write(update);
    else await tx.execute(update);
    return;
  }
  const short = rows.filter((r) => r.have < r.qty);
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
