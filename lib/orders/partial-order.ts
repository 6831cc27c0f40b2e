import { getDb } from "@/db";
import type { OrderTx } from "@/db/transaction";
import { findAlternatives, lockShelfCopies, type Alternative, type Shortage } from "@/lib/catalog/store";
import { AppError, isAppError } from "@/lib/errors";
import type { LeftOutLine } from "@/machines/order-types";

type Line = { bookId: number; title: string; quantity: number };

/**
 * A partial order's lines (the shopper agreed to leave out what is missing):
 * each line cut to the copies on the shelf, a line with none left out. The
 * books' rows stay locked to the end of the checkout's transaction, so the
 * reservation that follows holds exactly these copies, however stock moved
 * since the shopper saw the shortage. Nothing on the shelf at all is still
 * out_of_stock (an order needs a line).
 */
export async function fitToShelf<L extends Line>(otx: OrderTx, lines: L[]): Promise<{ lines: L[]; leftOut: LeftOutLine[] }> {
  const shelf = await lockShelfCopies(
    otx,
    lines.map((l) => l.bookId),
  );
  const kept: L[] = [];
  const leftOut: LeftOutLine[] = [];
  for (const line of lines) {
    const ordered = Math.min(line.quantity, Math.max(0, shelf.get(line.bookId) ?? 0));
    if (ordered > 0) kept.push({ ...line, quantity: ordered });
    if (ordered < line.quantity) leftOut.push({ bookId: line.bookId, title: line.title, requested: line.quantity, ordered });
  }
  if (kept.length === 0) {
    const details: Shortage[] = leftOut.map((l) => ({ bookId: l.bookId, requested: l.requested, available: l.ordered }));
    throw new AppError("out_of_stock", "None of the books in your cart are on the shelf now", details);
  }
  return { lines: kept, leftOut };
}

/** How many books a short line suggests instead. */
export const ALTERNATIVES_PER_LINE = 3;

/** A short line of an out_of_stock answer, with the in-stock books offered instead. */
export type ShortLine = Shortage & { alternatives: Omit<Alternative, "forBookId">[] };

/**
 * An out_of_stock answer to a cart checkout, with each short line's
 * alternatives (same author, then same genre; never a book in the cart), so
 * the shopper sees in one answer what is missing, what else is on the shelf,
 * and can agree to a partial order. Any other error passes unchanged.
 */
export async function withAlternatives(error: unknown, cartBookIds: number[]): Promise<unknown> {
  if (!isAppError(error) || error.code !== "out_of_stock" || !Array.isArray(error.details)) return error;
  const short = error.details as Shortage[];
  const { db } = await getDb();
  const offered = await findAlternatives(
    db,
    short.map((s) => s.bookId),
    cartBookIds,
    ALTERNATIVES_PER_LINE,
  );
  const details: ShortLine[] = short.map((s) => ({
    ...s,
    alternatives: offered.filter((a) => a.forBookId === s.bookId).map(({ forBookId: _for, ...book }) => book),
  }));
  return new AppError("out_of_stock", error.message, details);
}
