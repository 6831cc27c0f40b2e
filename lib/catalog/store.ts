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

export type Shortage = { bookId: number; requested: number; available: number };

/**
 * Moves stock for several books. Rows are locked in id order first (no
 * deadlocks between multi-book orders). A reservation is updated only when
 * every book has the copies on the shelf, and otherwise throws out_of_stock
 * listing every short line, changing nothing. The other moves take copies
 * the order holds: their lock and update are one queued write, and the books'
 * CHECK constraints fail the transaction should a counter not cover them.
 */
export async function moveStock({ pipeline }: OrderTx, move: StockMove, items: LineItem[]): Promise<void> {
  if (items.length === 0) return;
  const ids = `{${items.map((i) => i.bookId).join(",")}}`;
  const quantities = `{${items.map((i) => i.quantity).join(",")}}`;
  if (move !== "reserve") {
    // Release, commit and return move copies the order holds, so only a bug
    // in our own bookkeeping can find too few: the books' CHECK constraints
    // (no counter below zero, the four adding up) then fail the statement and
    // with it the transaction. Nothing here needs the counts back, so the lock
    // (id order, as below: concurrent orders queue instead of deadlocking) and
    // the update are one statement that joins the transaction's queued writes:
    // no round trip of its own. Every row is there: order_items' foreign key
    // keeps a book that an order holds from being deleted.
    pipeline.write(sql`
      with locked as materialized (
        select id from books where id = any(${ids}::int[]) order by id for no key update)
      update books b set ${sql.raw(moves[move])}, updated_at = now()
      from locked l join unnest(${ids}::int[], ${quantities}::int[]) as v(id, qty) on v.id = l.id
      where b.id = l.id`);
    return;
  }
  // Lock every row first, in id order, so concurrent multi-book orders queue
  // instead of deadlocking; then update all rows or none. NO KEY UPDATE (what
  // the UPDATE itself takes) leaves the KEY SHARE locks of order_items' and
  // cart_items' foreign keys alone: FOR UPDATE would deadlock with them.
  // The lock rides behind the transaction's queued writes and the update
  // joins the queue: the flush before commit reports a failure.
  const lock = sql`
    select id, stock_available as have from books where id = any(${ids}::int[]) order by id for no key update`;
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
  const details: Shortage[] = short.map((r) => ({ bookId: r.id, requested: r.qty, available: r.have }));
  const first = details[0]!;
  throw new AppError(
    "out_of_stock",
    details.length === 1 ? `Only ${first.available} left of book ${first.bookId}` : `${details.length} books in your cart are short`,
    details,
  );
}

/**
 * A partial checkout's look at the shelf: locks the books' rows (id order, as
 * moveStock does, so it cannot deadlock with a reservation) and reads the
 * copies available. The locks hold to the end of the transaction, so the
 * reservation that follows finds exactly these figures.
 */
export async function lockShelfCopies({ pipeline }: OrderTx, bookIds: number[]): Promise<Map<number, number>> {
  if (bookIds.length === 0) return new Map();
  const ids = `{${bookIds.join(",")}}`;
  const locked = await pipeline.read<SqlRow<typeof books, "id"> & { have: number }>(sql`
    select id, stock_available as have from books where id = any(${ids}::int[]) order by id for no key update`);
  return new Map(locked.map((r) => [r.id, r.have]));
}

/** A book offered instead of a short cart line. */
export type Alternative = {
  /** The short line's book this one stands in for. */
  forBookId: number;
  bookId: number;
  title: string;
  author: string;
  priceCents: number;
  currency: string;
  available: number;
  /** Same author as the short book (else the same genre). */
  sameAuthor: boolean;
};

/**
 * Up to `perBook` in-stock books for each short book, in one query: the same
 * author first, then the same genre, each by title; never a book named in
 * `exclude` (the cart) nor the book itself, and only in the book's currency
 * (an order has one). The two branches walk books_author_title_idx and
 * books_genre_title_idx and stop at `perBook` rows each.
 */
export async function findAlternatives(tx: Executor, shortBookIds: number[], exclude: number[], perBook: number): Promise<Alternative[]> {
  if (shortBookIds.length === 0 || perBook <= 0) return [];
  const shortIds = `{${shortBookIds.join(",")}}`;
  const excluded = `{${[...new Set([...exclude, ...shortBookIds])].join(",")}}`;
  const rows = await tx.execute<{
    for_book_id: number;
    id: number;
    title: string;
    author: string;
    price_cents: number;
    currency: string;
    available: number;
    same_author: boolean;
  }>(sql`
    select s.id as for_book_id, a.id, a.title, a.author, a.price_cents, a.currency, a.available, a.same_author
    from books s
    cross join lateral (
      select * from (
        (select b.id, b.title, b.author, b.price_cents, b.currency, b.stock_available as available, true as same_author
         from books b
         where b.author = s.author and b.stock_available > 0 and b.currency = s.currency and b.id <> all(${excluded}::int[])
         order by b.title, b.id limit ${perBook})
        union all
        (select b.id, b.title, b.author, b.price_cents, b.currency, b.stock_available, false
         from books b
         where b.genre = s.genre and b.author <> s.author and b.stock_available > 0 and b.currency = s.currency
           and b.id <> all(${excluded}::int[])
         order by b.title, b.id limit ${perBook})
      ) both_kinds
      order by same_author desc, title, id
      limit ${perBook}
    ) a
    where s.id = any(${shortIds}::int[])
    order by s.id, a.same_author desc, a.title, a.id`);
  return [...rows].map((r) => ({
    forBookId: r.for_book_id,
    bookId: r.id,
    title: r.title,
    author: r.author,
    priceCents: r.price_cents,
    currency: r.currency,
    available: r.available,
    sameAuthor: r.same_author,
  }));
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
