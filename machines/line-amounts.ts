import type { LineItem, OrderContext } from "./order-types";

// What the shopper paid for some of an order's lines, for refunds of lines
// (returns). Pure: the machine's guards and actions use it, the pages too.
//
// A line's paid total is unit price × quantity − the line's discount + the
// line's tax (context.sale.lines, in the order of context.items). Its units
// are worth the total ÷ quantity, rounded down; the last unit also carries
// the rounding remainder, so the units of a line always add up to its total,
// however many times it is returned in parts. Units are taken in order: a
// line's units already returned (received returns) come first.

export type ReturnLine = { bookId: number; quantity: number };

/** The line's paid total, or null when its unit price is unknown (a v2 order of several lines). */
export function linePaidCents(context: OrderContext, index: number): number | null {
  const item = context.items[index];
  if (!item || item.unitPriceCents === undefined) return null;
  const line = context.sale?.lines[index] ?? { discountCents: 0, taxCents: 0 };
  return item.unitPriceCents * item.quantity - line.discountCents + line.taxCents;
}

/** The amounts of a line's units, in order: equal, the last one with the remainder. */
export function unitAmounts(totalCents: number, quantity: number): number[] {
  if (quantity <= 0) return [];
  const base = Math.floor(totalCents / quantity);
  const units = Array.from({ length: quantity }, () => base);
  units[quantity - 1] = totalCents - base * (quantity - 1);
  return units;
}

/** Units of each book already given back (received returns). */
export function returnedUnits(context: OrderContext, bookId: number): number {
  return context.returns
    .filter((r) => r.status === "received")
    .flatMap((r) => r.lines)
    .filter((l) => l.bookId === bookId)
    .reduce((sum, l) => sum + l.quantity, 0);
}

/**
 * What the shopper paid for `lines` (book and quantity), the next units of
 * each line after those already returned. Null when a line is not on the
 * order, asks for more units than are left, or has no known price.
 */
export function paidCentsForLines(context: OrderContext, lines: readonly ReturnLine[]): number | null {
  let total = 0;
  for (const line of lines) {
    const index = context.items.findIndex((i: LineItem) => i.bookId === line.bookId);
    const item = context.items[index];
    const paid = linePaidCents(context, index);
    if (!item || paid === null || !Number.isInteger(line.quantity) || line.quantity < 1) return null;
    const done = returnedUnits(context, line.bookId);
    if (done + line.quantity > item.quantity) return null;
    total += unitAmounts(paid, item.quantity)
      .slice(done, done + line.quantity)
      .reduce((sum, cents) => sum + cents, 0);
  }
  return total;
}
