import type { LineItem, OrderContext, OrderEvent, OrderLine, RefundLine, RefundState } from "./order-types";

// What each line, unit and refund is worth: pure, used by the machine's guards
// and refunds, and by the pages. A line's paid total is what the shopper paid
// for it: unit price × quantity − the line's discount + the line's tax. Its
// units share that total evenly; the last unit takes the rounding remainder,
// so refunding every unit gives back exactly the line's paid total.

type PartialRefundEvent = Extract<OrderEvent, { type: "REQUEST_PARTIAL_REFUND" }>;

/**
 * Lines with their unit prices: kept when the lines carry them, otherwise
 * (events and snapshots from before prices were kept) the subtotal spread
 * evenly over the units, rounded down.
 */
export function pricedItems(items: (LineItem & { unitPriceCents?: number })[], subtotalCents: number): OrderLine[] {
  if (items.every((i) => Number.isSafeInteger(i.unitPriceCents))) {
    return items.map((i) => ({ bookId: i.bookId, quantity: i.quantity, unitPriceCents: i.unitPriceCents! }));
  }
  const units = items.reduce((sum, i) => sum + i.quantity, 0);
  const each = units > 0 ? Math.floor(subtotalCents / units) : 0;
  return items.map((i) => ({ bookId: i.bookId, quantity: i.quantity, unitPriceCents: each }));
}

/** What the shopper paid for line `index`: unit price × quantity − its discount + its tax. */
export function linePaidCents(context: OrderContext, index: number): number {
  const item = context.items[index];
  if (!item) return 0;
  const sale = context.sale?.lines[index] ?? { discountCents: 0, taxCents: 0 };
  return item.unitPriceCents * item.quantity - sale.discountCents + sale.taxCents;
}

/** Units `from` (0-based) to `from + count` of a line of `quantity` units paid `paidCents`: the last unit takes the remainder. */
export function unitsCents(paidCents: number, quantity: number, from: number, count: number): number {
  if (count <= 0) return 0;
  const each = Math.floor(paidCents / quantity);
  const last = from + count === quantity ? paidCents - each * quantity : 0;
  return each * count + last;
}

/** A refund that still gives money back or already did (a failed one gave its claim back). */
const holds = (refund: RefundState) => refund.status !== "failed";

/** Units of each book already refunded (pending or succeeded partial refunds), by book id. */
export function refundedQuantities(context: OrderContext): Map<number, number> {
  const refunded = new Map<number, number>();
  for (const refund of context.refunds.filter(holds)) {
    for (const line of refund.partial?.lines ?? []) refunded.set(line.bookId, (refunded.get(line.bookId) ?? 0) + line.quantity);
  }
  return refunded;
}

/** Shipping already given back (pending or succeeded partial refunds). */
/**
 * What the shopper paid for shipping: its price and the tax on it (the sale's
 * tax less the lines' tax; some places tax shipping). A partial refund of
 * shipping may give back all of it: capped at the price alone, the shipping's
 * tax could never come back, and an order with every line and its shipping
 * refunded kept cents captured and never became refunded (a money audit's find).
 */
export function shippingPaidCents(context: OrderContext): number {
  const sale = context.sale;
  if (!sale) return 0;
  const linesTax = sale.lines.reduce((sum, line) => sum + line.taxCents, 0);
  return sale.shippingCents + Math.max(0, sale.taxCents - linesTax);
}

/** Shipping a partial refund may still give back. */
export function refundableShippingCents(context: OrderContext): number {
  return Math.max(0, shippingPaidCents(context) - refundedShippingCents(context));
}

export function refundedShippingCents(context: OrderContext): number {
  return context.refunds.filter(holds).reduce((sum, r) => sum + (r.partial?.shippingCents ?? 0), 0);
}

/**
 * What refunding these units is worth, line by line (`cents` on each): the
 * units' even share of what the line was paid, and when they are its last
 * units, all that is left of it. "Left" is the line's paid total less the
 * cents the refunds that hold its other units gave back or are giving back,
 * not a position: a failed refund gives its units back, so the units a later
 * refund takes need not be the next ones, and pricing by position let the
 * rounding remainder be taken twice (refunding a line copy by copy gave back
 * 2 cents more than it was paid, a money audit's find). Refunds made before
 * `cents` was kept are priced by position, as then. Assumes the lines are the
 * order's and not yet refunded (partialRefundProblem checks).
 */
export function pricedRefundLines(context: OrderContext, lines: LineItem[]): RefundLine[] {
  const holding = context.refunds.filter(holds).flatMap((r) => r.partial?.lines ?? []);
  return lines.map((line) => {
    const index = context.items.findIndex((i) => i.bookId === line.bookId);
    const item = context.items[index];
    if (!item) return { ...line, cents: 0 };
    const paid = linePaidCents(context, index);
    const held = holding.filter((l) => l.bookId === line.bookId);
    const heldUnits = held.reduce((sum, l) => sum + l.quantity, 0);
    if (held.some((l) => l.cents === undefined)) return { ...line, cents: unitsCents(paid, item.quantity, heldUnits, line.quantity) };
    const left = Math.max(0, paid - held.reduce((sum, l) => sum + l.cents!, 0));
    const even = Math.floor(paid / item.quantity) * line.quantity;
    return { ...line, cents: heldUnits + line.quantity >= item.quantity ? left : Math.min(even, left) };
  });
}

/** What refunding these units is worth (pricedRefundLines, summed). */
export function paidCentsForLines(context: OrderContext, lines: LineItem[]): number {
  return pricedRefundLines(context, lines).reduce((sum, line) => sum + (line.cents ?? 0), 0);
}

/** Whether a dispute of this payment is still open (the gateway refuses its refunds meanwhile). */
export function openDisputeOn(context: Pick<OrderContext, "disputes">, paymentId: string | null): boolean {
  return context.disputes.some((d) => d.outcome === "open" && d.paymentId === paymentId);
}

/** Whether a dispute of this payment is open or lost (not won). */
export function unwonDisputeOn(context: Pick<OrderContext, "disputes">, paymentId: string | null): boolean {
  return context.disputes.some((d) => d.outcome !== "won" && d.paymentId === paymentId);
}

/** Money on a payment that a lost dispute took back: gone, and never refunded. */
export function lostInDisputes(context: Pick<OrderContext, "disputes">, paymentId?: string): number {
  return context.disputes
    .filter((d) => d.outcome === "lost" && (paymentId === undefined || d.paymentId === paymentId))
    .reduce((sum, d) => sum + d.amountCents, 0);
}

/**
 * Money of a payment not yet given back, on its way back, or lost in a
 * dispute: what a refund may still take from it (captured − refunded − lost).
 */
export function refundableCents(context: OrderContext, paymentId: string | null): number {
  const payment = context.payments.find((p) => p.id === paymentId);
  if (!payment || (payment.status !== "paid" && payment.status !== "refunded")) return 0;
  const held = context.refunds.filter((r) => r.paymentId === payment.id && holds(r)).reduce((sum, r) => sum + r.amountCents, 0);
  return Math.max(0, payment.amountCents - held - lostInDisputes(context, payment.id));
}

/**
 * What this pending refund may still take of its payment: captured − the payment's other refunds
 * (pending or succeeded) − lost in disputes, at most its own amount, never below 0. Less than its
 * amount when a dispute lost after it was started took some of that money back to the shopper.
 */
export function refundRoom(context: OrderContext, refund: RefundState): number {
  const payment = context.payments.find((p) => p.id === refund.paymentId);
  if (!payment) return 0;
  const others = context.refunds
    .filter((r) => r.paymentId === payment.id && r.id !== refund.id && holds(r))
    .reduce((sum, r) => sum + r.amountCents, 0);
  return Math.max(0, Math.min(refund.amountCents, payment.amountCents - others - lostInDisputes(context, payment.id)));
}

/** Money of a payment that came back already (succeeded refunds). */
export function refundedCents(context: OrderContext, paymentId: string): number {
  return context.refunds.filter((r) => r.paymentId === paymentId && r.status === "succeeded").reduce((sum, r) => sum + r.amountCents, 0);
}

/** The amount a partial refund asks for: its lines, its shipping and its goodwill. */
export function partialRefundCents(
  context: OrderContext,
  event: Pick<PartialRefundEvent, "lines" | "shippingCents" | "amountCents">,
): number {
  return paidCentsForLines(context, event.lines ?? []) + (event.shippingCents ?? 0) + (event.amountCents ?? 0);
}

/** Why the machine refuses this partial refund, or null when it may go ahead. */
export function partialRefundProblem(context: OrderContext, event: PartialRefundEvent): string | null {
  const lines = event.lines ?? [];
  const shipping = event.shippingCents ?? 0;
  const goodwill = event.amountCents ?? 0;
  if (!context.paidPaymentId) return "the order was never paid";
  // The gateway refuses refunds of a charge under dispute (charge_disputed).
  if (openDisputeOn(context, context.paidPaymentId)) return "the payment is disputed";
  if (![shipping, goodwill].every((a) => Number.isSafeInteger(a) && a >= 0)) return "amounts must be whole cents, not negative";
  if (event.by === "user" && (shipping > 0 || goodwill > 0)) return "a shopper may ask back lines only";
  if (new Set(lines.map((l) => l.bookId)).size !== lines.length) return "a book is named twice";
  const refunded = refundedQuantities(context);
  for (const line of lines) {
    const item = context.items.find((i) => i.bookId === line.bookId);
    if (!item) return `book ${line.bookId} is not on this order`;
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) return `book ${line.bookId}: the quantity must be at least 1`;
    const left = item.quantity - (refunded.get(line.bookId) ?? 0);
    if (line.quantity > left) return `book ${line.bookId}: ${left} of ${item.quantity} copies are left to refund`;
  }
  const shippingLeft = refundableShippingCents(context);
  if (shipping > shippingLeft) return `only ${shippingLeft} of the shipping is left to refund`;
  const amount = partialRefundCents(context, event);
  if (amount <= 0) return "nothing to refund";
  const left = refundableCents(context, context.paidPaymentId);
  if (amount > left) return `the refund of ${amount} is more than the ${left} left of what was captured`;
  return null;
}

/** Copies of each line not back on the shelf yet. */
export function unrestockedItems(context: OrderContext): LineItem[] {
  const back = new Map(context.restocked.map((l) => [l.bookId, l.quantity]));
  return context.items.map((i) => ({ bookId: i.bookId, quantity: i.quantity - (back.get(i.bookId) ?? 0) })).filter((i) => i.quantity > 0);
}

/**
 * Copies to put back on the shelf when these units are refunded before
 * shipping: enough that every refunded unit is back, counting those already
 * back (a refund that failed and is asked again returned its copies already).
 */
export function restockableLines(context: OrderContext, lines: LineItem[]): LineItem[] {
  const refunded = refundedQuantities(context);
  const back = new Map(context.restocked.map((l) => [l.bookId, l.quantity]));
  return lines
    .map((l) => {
      const item = context.items.find((i) => i.bookId === l.bookId);
      const target = Math.min(item?.quantity ?? 0, (refunded.get(l.bookId) ?? 0) + l.quantity);
      return { bookId: l.bookId, quantity: Math.max(0, target - (back.get(l.bookId) ?? 0)) };
    })
    .filter((l) => l.quantity > 0);
}

/** The restocked list after these copies went back. */
export function withRestocked(context: OrderContext, lines: LineItem[]): LineItem[] {
  const back = new Map(context.restocked.map((l) => [l.bookId, l.quantity]));
  for (const line of lines) back.set(line.bookId, (back.get(line.bookId) ?? 0) + line.quantity);
  return [...back].map(([bookId, quantity]) => ({ bookId, quantity }));
}
