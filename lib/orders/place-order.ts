import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Tx } from "@/db";
import type { EventSource } from "@/db/schema";
import { withOrderTransaction } from "@/db/transaction";
import { booksForOrder } from "@/lib/catalog/store";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { MACHINE_VERSION } from "@/machines/order-machine";
import { initialSnapshot, toStored } from "@/machines/order-snapshot";
import type { LineItem } from "@/machines/order-types";
import { applyEvent, dispatch } from "./dispatch";
import { fitToShelf } from "./partial-order";
import { shippingOffer } from "./shipping";
import {
  findOrderByIdempotencyKey,
  findRecentOrderOfCart,
  insertOrder,
  lockOpenOrdersOfCart,
  unpaidHoldings,
  type CartOwner,
  type OrderOwner,
} from "./store";

export type PlaceOrderInput = {
  /** The shopper with an account; null for a guest (then `guest` says who). */
  userId: string | null;
  /** A guest's checkout: their address (lower case) and their cookie-identified cart. */
  guest?: { email: string; cartId: string };
  items: LineItem[];
  idempotencyKey?: string;
  cartFingerprint?: string;
  /** Refuse the same cart again within this many seconds (a double click without a key). */
  duplicateWindowSeconds?: number;
  source?: EventSource;
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
  /**
   * The shopper's cart checkout (needs `cartFingerprint`): one open order per cart. An unpaid
   * order of the same lines (and, for a guest, the same address) is returned instead of a new
   * one; any other open order of the cart is cancelled through dispatch (CANCEL, reason
   * "replaced"), its stock released, before the new order reserves (docs/PAYMENTS.md).
   */
  oneOpenOrderPerCart?: boolean;
  /**
   * The shopper agreed to a partial order after an out_of_stock answer: short
   * lines are cut to the copies on the shelf (none: left out), checked under
   * the books' row locks, and the order records what it left out. Without it
   * a short line refuses the whole order, as before.
   */
  partial?: boolean;
};

type PricedLine = { bookId: number; title: string; quantity: number; unitPriceCents: number; currency: string };

async function priceLines(tx: Tx, items: LineItem[]): Promise<PricedLine[]> {
  const books = await booksForOrder(
    tx,
    items.map((i) => i.bookId),
  );
  const byId = new Map(books.map((b) => [b.id, b]));
  return items.map((item) => {
    const book = byId.get(item.bookId);
    if (!book) throw new AppError("not_found", `No book with id ${item.bookId}`);
    return { bookId: item.bookId, title: book.title, quantity: item.quantity, unitPriceCents: book.priceCents, currency: book.currency };
  });
}

/**
 * What placeOrder did: a new order, the one an earlier checkout with the same idempotency key
 * placed (replayed), or the cart's open order of the same lines (resumed).
 */
export type PlacedOrder = { orderId: string; replayed: boolean; resumed?: boolean; replacedOrderIds?: string[] };

function cartOwnerOf(input: PlaceOrderInput): CartOwner {
  if (input.userId) return { userId: input.userId };
  if (input.guest) return { guestCartId: input.guest.cartId };
  throw new Error("an order needs a shopper: a user id or a guest's cart");
}

/**
 * One open order per cart (under the checkout lock): the same lines still waiting for payment
 * are that order; anything else open is cancelled as replaced (or timed out, past its deadline).
 */
async function settleOpenOrders(tx: Tx, input: PlaceOrderInput, now: number): Promise<PlacedOrder | string[]> {
  const open = await lockOpenOrdersOfCart(tx, cartOwnerOf(input));
  const same = open.find(
    (order) =>
      order.in_time && order.cart_fingerprint === input.cartFingerprint && (!input.guest || order.guest_email === input.guest.email),
  );
  const replaced: string[] = [];
  for (const order of open) {
    if (order.id === same?.id) continue;
    // Through the machine like any cancel: stock released, open payment sessions expired, audit rows.
    const event = order.in_time ? ({ type: "CANCEL", reason: "replaced", at: now } as const) : ({ type: "TIMEOUT", at: now } as const);
    const result = await dispatch(order.id, event, input.source ?? "user");
    if (result.outcome === "accepted") replaced.push(order.id);
  }
  return same ? { orderId: same.id, replayed: false, resumed: true, replacedOrderIds: replaced } : replaced;
}

/** Who holds the order: the account, or the guest's address. */
export function ownerOf(input: Pick<PlaceOrderInput, "userId" | "guest">): OrderOwner {
  if (input.userId) return { userId: input.userId };
  if (input.guest) return { guestEmail: input.guest.email };
  throw new Error("an order needs a shopper: a user id or a guest's e-mail");
}

async function findEarlierCheckout(tx: Tx, input: PlaceOrderInput): Promise<PlacedOrder | undefined> {
  if (input.idempotencyKey) {
    const row = await findOrderByIdempotencyKey(tx, ownerOf(input), input.idempotencyKey, input.guest?.cartId);
    if (row) return { orderId: row.id, replayed: true };
    return undefined;
  }
  if (input.cartFingerprint && input.duplicateWindowSeconds) {
    const row = await findRecentOrderOfCart(tx, ownerOf(input), input.cartFingerprint, input.duplicateWindowSeconds);
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
  const { orders, copies: reserved } = await unpaidHoldings(tx, ownerOf(input));
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
 * from the database and copied, stock is reserved (all lines or none; with
 * `partial`, what the shelf holds), and the payment timeout is scheduled.
 * Throws out_of_stock with every short line.
 */
export async function placeOrder(input: PlaceOrderInput): Promise<PlacedOrder> {
  if (input.items.length === 0 && !input.idempotencyKey) throw new AppError("empty_cart", "Your cart is empty");
  const merged = new Map<number, number>();
  for (const item of input.items) merged.set(item.bookId, (merged.get(item.bookId) ?? 0) + item.quantity);
  const items = [...merged].map(([bookId, quantity]) => ({ bookId, quantity })).sort((a, b) => a.bookId - b.bookId);
  const now = input.now ?? Date.now();
  const deadline = now + env().PAYMENT_WINDOW_SECONDS * 1000;
  return withOrderTransaction(async (otx) => {
    const { tx } = otx;
    // One checkout per shopper (account or guest address) at a time: makes the idempotency, double-click and limit checks race-free.
    const owner = ownerOf(input);
    if (input.guest && input.oneOpenOrderPerCart) {
      // Two addresses typed into one guest cart at once: the cart's lock makes them take turns too (cart first, then address).
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`checkout-cart:${input.guest.cartId}`}, 0))`);
    }
    const lockKey = owner.userId ? `checkout:${owner.userId}` : `checkout-guest:${owner.guestEmail}`;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`);
    if (input.idempotencyKey) {
      const earlier = await findEarlierCheckout(tx, input);
      if (earlier) return earlier;
    }
    let replaced: string[] = [];
    if (input.oneOpenOrderPerCart && items.length > 0) {
      const settled = await settleOpenOrders(tx, input, now);
      if (!Array.isArray(settled)) return settled;
      replaced = settled;
    }
    if (!input.idempotencyKey) await findEarlierCheckout(tx, input);
    if (items.length === 0) throw new AppError("empty_cart", "Your cart is empty");
    const priced = await priceLines(tx, items);
    const { lines, leftOut } = input.partial ? await fitToShelf(otx, priced) : { lines: priced, leftOut: [] };
    await checkUnpaidLimits(
      tx,
      input,
      lines.reduce((sum, l) => sum + l.quantity, 0),
    );
    const currencies = new Set(lines.map((l) => l.currency));
    if (currencies.size !== 1) throw new AppError("invalid_request", "All books in one order must share a currency");
    const currency = lines[0]!.currency;
    const total = lines.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0);
    const orderId = randomUUID();
    // The order, its lines and CHECKOUT's writes go out together on the
    // transaction's pipeline; the stock reservation's row lock is the one wait.
    insertOrder(otx.pipeline, {
      id: orderId,
      userId: input.userId,
      guestEmail: input.guest?.email,
      guestCartId: input.guest?.cartId,
      snapshot: toStored(initialSnapshot()),
      machineVersion: MACHINE_VERSION,
      paymentDeadline: new Date(deadline),
      totalCents: total,
      currency,
      idempotencyKey: input.idempotencyKey,
      cartFingerprint: input.cartFingerprint,
      lines,
    });
    const order = {
      id: orderId,
      user_id: input.userId,
      guest_cart_id: input.guest?.cartId ?? null,
      machine_snapshot: toStored(initialSnapshot()),
      machine_version: MACHINE_VERSION,
      revision: 0,
    };
    const shippingOptions = input.offerShipping ? shippingOffer(total) : [];
    const event = {
      type: "CHECKOUT" as const,
      orderId,
      // The prices copied onto the order's lines: partial refunds and returns give back what a line was paid.
      items: lines.map((l) => ({ bookId: l.bookId, quantity: l.quantity, unitPriceCents: l.unitPriceCents })),
      totalCents: total,
      currency,
      paymentDeadline: deadline,
      shippingOptions,
      ...(input.guest ? { guestEmail: input.guest.email } : {}),
      ...(leftOut.length > 0 ? { leftOut } : {}),
      at: now,
    };
    await applyEvent(otx, order, event, input.source ?? "user");
    return { orderId, replayed: false, ...(replaced.length > 0 ? { replacedOrderIds: replaced } : {}) };
  });
}
