import { withOrderTransaction } from "@/db/transaction";
import { AppError } from "@/lib/errors";
import { dispatch } from "@/lib/orders/dispatch";
import { paidOrdersHoldingBook } from "@/lib/orders/store";
import { lockBookForWriteOff, receiveCopies, writeOffCopies } from "./store";

/** An operator receives new copies of a book. */
export async function receiveStock(input: { bookId: number; copies: number }): Promise<{ available: number; received: number }> {
  const row = await receiveCopies(input.bookId, input.copies);
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
export async function writeOffStock(input: { bookId: number; copies: number }): Promise<{ writtenOff: number; ordersRefunded: string[] }> {
  return withOrderTransaction(async (otx) => {
    const available = await lockBookForWriteOff(otx, input.bookId);
    if (available === undefined) throw new AppError("not_found", `No book with id ${input.bookId}`);
    let shortfall = input.copies - available;
    const ordersRefunded: string[] = [];
    if (shortfall > 0) {
      const paid = await paidOrdersHoldingBook(otx.tx, input.bookId);
      const unshipped = paid.reduce((sum, o) => sum + o.quantity, 0);
      if (unshipped < shortfall) {
        throw new AppError(
          "invalid_request",
          `Only ${available + unshipped} copies can be written off: ${available} on the shelf and ${unshipped} sold but not shipped`,
          [{ path: "copies", message: `at most ${available + unshipped}` }],
        );
      }
      for (const order of paid) {
        if (shortfall <= 0) break;
        // Joins this transaction (db/transaction.ts). An order the machine may not refund now (a dispute
        // holds it) keeps its copies: only an accepted refund frees them.
        const result = await dispatch(order.id, { type: "STOCK_UNAVAILABLE" }, "admin");
        if (result.outcome !== "accepted") continue;
        ordersRefunded.push(order.id);
        shortfall -= order.quantity;
      }
      // Not enough orders could give their copies back: nothing is written off (the transaction rolls back).
      if (shortfall > 0) {
        throw new AppError(
          "invalid_request",
          `${shortfall} of those copies belong to paid orders that cannot be refunded now (a dispute holds them): write off fewer, or settle those orders first`,
          [{ path: "copies", message: `${shortfall} too many` }],
        );
      }
    }
    writeOffCopies(otx, input.bookId, input.copies);
    return { writtenOff: input.copies, ordersRefunded };
  });
}
