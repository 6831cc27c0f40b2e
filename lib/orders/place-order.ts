import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import type { EventSource } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { MACHINE_VERSION } from "@/machines/order-machine";
import { initialSnapshot, toStored } from "@/machines/order-snapshot";
import type { LineItem } from "@/machines/order-types";
import { applyEvent } from "./dispatch";
import { shippingOffer } from "./shipping";
import { WritePipeline } from "./pipeline";
import type { DispatchResult, Tx } from "./types";

export type PlaceOrderInput = {
  userId: string;
  items: LineItem[];
  idempotencyKey?: string;
  cartFingerprint?: string;
  /** Refuse the same cart again within this many seconds (a double click without a key). */
  duplicateWindowSeconds?: number;
  source?: EventSource;
  requestId?: string;
  now?: number;
  /**
   * Offer the shipping rates of the settings (lib/orders/shipping.ts): the
   * payment page then collects an address, a rate, tax and promotion codes.
   * The shop's checkout always does; without it (internal callers, tests)
   * the order sells the books alone, as orders did before shipping existed.
   */
  offerShipping?: boolean;
  /** What the shopper may hold unpaid, counting this order (the shopper checkout passes the settings). */
  limits?: { maxUnpaidOrders: number; maxReservedCopies: number };
};

type PricedLine = { bookId: number; title: string; quantity: number; unitPriceCents: number; currency: string };

async function priceLines(tx: Tx, items: LineItem[]): Promise<PricedLine[]> {
  const ids = `{${items.map((i) => i.bookId).join(",")}}`;
  const books = await tx.execute<{ id: number; title: string; price_cents: number; currency: string }>(sql`
    select id, title, price_cents, currency from books where id = any(${ids}::int[])`);
  const byId = new Map(books.map((b) => [b.id, b]));
  return items.map((item) => {
    const book = byId.get(item.bookId);
    if (!book) throw new AppError("not_found", `No book with id ${item.bookId}`);
    return { bookId: item.bookId, title: book.title, quantity: item.quantity, unitPriceCents: book.price_cents, currency: book.currency };
  });
}

async function findEarlierCheckout(tx: Tx, input: PlaceOrderInput): Promise<DispatchResult | undefined> {
  if (input.idempotencyKey) {
    const [row] = await tx.execute<{ id: string; status: string; revision: number }>(sql`
      select id, status, revision from orders where user_id = ${input.userId} and idempotency_key = ${input.idempotencyKey}`);
    if (row) return { outcome: "duplicate", orderId: row.id, status: row.status, fromState: "", toState: "", revision: row.revision };
    return undefined;
  }
  if (input.cartFingerprint && input.duplicateWindowSeconds) {
    const [row] = await tx.execute<{ id: string }>(sql`
      select id from orders where user_id = ${input.userId} and cart_fingerprint = ${input.cartFingerprint}
        and created_at > now() - make_interval(secs => ${input.duplicateWindowSeconds}) order by created_at desc limit 1`);
    if (row) {
      throw new AppError("duplicate_checkout", "This cart was just checked out: see your new order", { orderId: row.id });
    }
  }
  return undefined;
}

/** Refuses an order that would take the shopper past what they may hold unpaid (under the checkout lock). */
async function checkUnpaidLimits(tx: Tx, input: PlaceOrderInput, copies: number): Promise<void> {
  const limits = input.limits;
  if (!limits) return;
  const [held] = await tx.execute<{ orders: number; copies: number }>(sql`
    select count(distinct o.id)::int as orders, coalesce(sum(i.quantity), 0)::int as copies
    from orders o join order_items i on i.order_id = o.id
    where o.user_id = ${input.userId} and o.status = 'created'`);
  const { orders, copies: reserved } = held ?? { orders: 0, copies: 0 };
  if (orders >= limits.maxUnpaidOrders) {
    throw new AppError(
      "too_many_unpaid_orders",
      `You already have ${orders} orders waiting for payment (the most we hold at once). Pay for or cancel one of them on your orders page, then place this one.`,
      { unpaidOrders: orders, maxUnpaidOrders: limits.maxUnpaidOrders },
    );
  }
  if (reserved + copies > limits.maxReservedCopies) {
    throw new AppError(
      "too_many_reserved_copies",
      `Your unpaid orders already hold ${reserved} copies and this one would make ${reserved + copies}; we hold at most ${limits.maxReservedCopies} per shopper. Pay for or cancel an unpaid order, or order fewer copies.`,
      { reservedCopies: reserved, requestedCopies: copies, maxReservedCopies: limits.maxReservedCopies },
    );
  }
}

/**
 * Creates an order and dispatches CHECKOUT in one transaction: prices are read
 * from the database and copied, stock is reserved (all lines or none), and the
 * payment timeout is scheduled. Throws out_of_stock with every short line.
 */
export async function placeOrder(input: PlaceOrderInput): Promise<DispatchResult> {
  if (input.items.length === 0 && !input.idempotencyKey) throw new AppError("empty_cart", "Your cart is empty");
  const merged = new Map<number, number>();
  for (const item of input.items) merged.set(item.bookId, (merged.get(item.bookId) ?? 0) + item.quantity);
  const items = [...merged].map(([bookId, quantity]) => ({ bookId, quantity })).sort((a, b) => a.bookId - b.bookId);
  const now = input.now ?? Date.now();
  const deadline = now + env().PAYMENT_WINDOW_SECONDS * 1000;
  const { db } = await getDb();
  return db.transaction(async (tx) => {
    // One checkout per user at a time: makes the idempotency and double-click checks race-free.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`checkout:${input.userId}`}, 0))`);
    const earlier = await findEarlierCheckout(tx, input);
    if (earlier) return earlier;
    if (items.length === 0) throw new AppError("empty_cart", "Your cart is empty");
    await checkUnpaidLimits(tx, input, items.reduce((sum, i) => sum + i.quantity, 0));
    const lines = await priceLines(tx, items);
    const currencies = new Set(lines.map((l) => l.currency));
    if (currencies.size !== 1) throw new AppError("invalid_request", "All books in one order must share a currency");
    const currency = lines[0]!.currency;
    const total = lines.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0);
    const orderId = randomUUID();
    // The order, its lines and CHECKOUT's writes go out together; the stock
    // reservation's row lock is the one wait (pipeline.ts).
    const pipeline = new WritePipeline(tx);
    pipeline.write(sql`
      insert into orders (id, user_id, status, machine_snapshot, machine_version, payment_deadline,
                          subtotal_cents, total_cents, currency, idempotency_key, cart_fingerprint)
      values (${orderId}, ${input.userId}, 'created', ${JSON.stringify(toStored(initialSnapshot()))}::jsonb, ${MACHINE_VERSION},
              ${new Date(deadline).toISOString()}::timestamptz, ${total}, ${total}, ${currency},
              ${input.idempotencyKey ?? null}, ${input.cartFingerprint ?? null})`);
    for (const line of lines) {
      pipeline.write(sql`
        insert into order_items (order_id, book_id, title, quantity, unit_price_cents)
        values (${orderId}, ${line.bookId}, ${line.title}, ${line.quantity}, ${line.unitPriceCents})`);
    }
    const order = { id: orderId, user_id: input.userId, machine_snapshot: toStored(initialSnapshot()), machine_version: MACHINE_VERSION, revision: 0 };
    const event = { type: "CHECKOUT" as const, orderId, items, totalCents: total, currency, paymentDeadline: deadline, shippingOptions: input.offerShipping ? shippingOffer(total) : [], at: now };
    const result = await applyEvent(tx, order, event, input.source ?? "user", { requestId: input.requestId, pipeline });
    await pipeline.flush();
    return result;
  });
}
