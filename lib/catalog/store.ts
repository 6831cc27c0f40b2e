import { eq, inArray, sql } from "drizzle-orm";
import { getDb, type Db, type Executor } from "@/db";
import type { SqlRow } from "@/db/rows";
import { books } from "@/db/schema";
import type { OrderTx } from "@/db/transaction";
import { AppError } from "@/lib/errors";
import type { LineItem } from "@/machines/order-types";

// The one module that writes books (docs/ARCHITECTURE.md, "Who writes which
// table"): the order machine's stock moves, an operator's receipts and
// write-offs, and the seed. The stock moves are hand-tuned (row locks in id
// order, one update for every line); their rows are typed from db/schema.ts.

export type StockMove = "reserve" | "release" | "commit" | "return";

// Each move keeps available + reserved + sold = received (a CHECK enforces it).
const moves: Record<StockMove, string> = {
  reserve: "stock_available = b.stock_available - v.qty, stock_reserved = b.stock_reserved + v.qty",
  release: "stock_reserved = b.stock_reserved - v.qty, stock_available = b.stock_available + v.qty",
  commit: "stock_reserved = b.stock_reserved - v.qty, stock_sold = b.stock_sold + v.qty",
  return: "stock_sold = b.stock_sold - v.qty, stock_available = b.stock_available + v.qty",
};

// The counter each move takes from; the update only applies where it suffices.
const source: Record<StockMove, string> = {
  reserve: "stock_available",
  release: "stock_reserved",
  commit: "stock_reserved",
  return: "stock_sold",
};

export type Shortage = { bookId: number; requested: number; available: number };

/**
 * Moves stock for several books. Rows are locked in id order first (no
 * deadlocks between multi-book orders) and updated only when every source
 * counter covers its quantity; the CHECK constraints are the last line of
 * defence. Throws out_of_stock for a reservation that does not fit, listing
 * every short line, and changes nothing.
 */
export async function moveStock({ pipeline }: OrderTx, move: StockMove, items: LineItem[]): Promise<void> {
  if (items.length === 0) return;
  const ids = `{${items.map((i) => i.bookId).join(",")}}`;
  const quantities = `{${items.map((i) => i.quantity).join(",")}}`;
  // Lock every row first, in id order, so concurrent multi-book orders queue
  // instead of deadlocking; then update all rows or none. NO KEY UPDATE (what
  // the UPDATE itself takes) leaves the KEY SHARE locks of order_items' and
  // cart_items' foreign keys alone: FOR UPDATE would deadlock with them.
  // The lock rides behind the transaction's queued writes and the update
  // joins the queue: the flush before commit reports a failure.
  const lock = sql`
    select id, ${sql.raw(source[move])} as have from books where id = any(${ids}::int[]) order by id for no key update`;
  const locked = await pipeline.read<SqlRow<typeof books, "id"> & { have: number }>(lock);
  const have = new Map(locked.map((r) => [r.id, r.have]));
  const rows = items.map((i) => ({ id: i.bookId, qty: i.quantity, have: have.get(i.bookId) ?? 0 }));
  if (rows.every((r) => r.have >= r.qty)) {
    const update = sql`
      update books b set ${sql.raw(moves[move])}, updated_at = now()
      from unnest(${ids}::int[], ${quantities}::int[]) as v(id, qty)
      where b.id = v.id`;
    pipeline.write(update);
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

/** Title, price and currency of the books an order names (copied onto its lines). */
export async function booksForOrder(tx: Executor, bookIds: number[]) {
  return tx
    .select({ id: books.id, title: books.title, priceCents: books.priceCents, currency: books.currency })
    .from(books)
    .where(inArray(books.id, bookIds));
}

/** An operator receives new copies of a book; undefined when there is no such book. */
export async function receiveCopies(bookId: number, copies: number): Promise<{ available: number; received: number } | undefined> {
  const { db } = await getDb();
  const [row] = await db
    .update(books)
    .set({
      stockAvailable: sql`${books.stockAvailable} + ${copies}`,
      stockReceived: sql`${books.stockReceived} + ${copies}`,
      updatedAt: sql`now()`,
    })
    .where(eq(books.id, bookId))
    .returning({ available: books.stockAvailable, received: books.stockReceived });
  return row;
}

/** Locks a book's row for a write-off and reads the copies on the shelf. */
export async function lockBookForWriteOff({ tx }: OrderTx, bookId: number): Promise<number | undefined> {
  const [book] = await tx.execute<{ available: number }>(sql`
    select stock_available as available from books where id = ${bookId} for no key update`);
  return book?.available;
}

/** Removes missing copies: off the shelf and out of what was received (after any orders gave theirs back). */
export function writeOffCopies({ pipeline }: OrderTx, bookId: number, copies: number): void {
  pipeline.write(sql`
    update books set stock_available = stock_available - ${copies}, stock_received = stock_received - ${copies}, updated_at = now()
    where id = ${bookId}`);
}

/** The seed's catalogue rows; the ISBN is the natural key, so re-running adds nothing twice. */
export async function insertBooks(db: Db, rows: (typeof books.$inferInsert)[]): Promise<number> {
  const result = await db.insert(books).values(rows).onConflictDoNothing().returning({ id: books.id });
  return result.length;
}
