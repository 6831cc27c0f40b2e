import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { AppError } from "@/lib/errors";
import { dispatch } from "@/lib/orders/dispatch";

/** An operator receives new copies of a book. */
export async function receiveStock(input: { bookId: number; copies: number }): Promise<{ available: number; received: number }> {
  const { db } = await getDb();
  const [row] = await db.execute<{ available: number; received: number }>(sql`
    update books set stock_available = stock_available + ${input.copies}, stock_received = stock_received + ${input.copies}, updated_at = now()
    where id = ${input.bookId} returning stock_available as available, stock_received as received`);
  if (!row) throw new AppError("not_found", `No book with id ${input.bookId}`);
  return row;
}

/**
 * An operator writes off copies that are missing or damaged. Copies on the
 * shelf go first; when paid orders that have not shipped were counting on the
 * rest, those orders (newest first) get STOCK_UNAVAILABLE: their books return
 * to the shelf and they are refunded automatically. Reserved, unpaid orders
 * keep their copies. One transaction.
 */
export async function writeOffStock(input: { bookId: number; copies: number; requestId?: string }): Promise<{ writtenOff: number; ordersRefunded: string[] }> {
  const { db } = await getDb();
  return db.transaction(async (tx) => {
    const [book] = await tx.execute<{ available: number }>(sql`
      select stock_available as available from books where id = ${input.bookId} for no key update`);
    if (!book) throw new AppError("not_found", `No book with id ${input.bookId}`);
    let shortfall = input.copies - book.available;
    const ordersRefunded: string[] = [];
    if (shortfall > 0) {
      const paid = await tx.execute<{ id: string; quantity: number }>(sql`
        select o.id, oi.quantity from orders o join order_items oi on oi.order_id = o.id
        where oi.book_id = ${input.bookId} and o.status = 'paid' order by o.paid_at desc nulls last, o.created_at desc`);
      const unshipped = paid.reduce((sum, o) => sum + o.quantity, 0);
      if (unshipped < shortfall) {
        throw new AppError("invalid_request", `Only ${book.available + unshipped} copies can be written off: ${book.available} on the shelf and ${unshipped} sold but not shipped`, [
          { path: "copies", message: `at most ${book.available + unshipped}` },
        ]);
      }
      for (const order of paid) {
        if (shortfall <= 0) break;
        await dispatch(order.id, { type: "STOCK_UNAVAILABLE" }, "admin", { tx, requestId: input.requestId });
        ordersRefunded.push(order.id);
        shortfall -= order.quantity;
      }
    }
    await tx.execute(sql`
      update books set stock_available = stock_available - ${input.copies}, stock_received = stock_received - ${input.copies}, updated_at = now()
      where id = ${input.bookId}`);
    return { writtenOff: input.copies, ordersRefunded };
  });
}
