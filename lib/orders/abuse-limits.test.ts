// Issue #14 finding 5: one shopper must not be able to hold every copy, run argon2 or the
// gateway without limit, or trip the shared circuit breaker for everyone.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { addCartItem, createCart, setCartItemQuantity } from "@/lib/cart/cart-store";
import { env } from "@/lib/env";
import { LIMITS, take } from "@/lib/http/abuse-limits";
import { metrics } from "@/lib/observability/metrics";
import { checkoutCart } from "@/lib/orders/checkout-cart";
import { placeOrder } from "@/lib/orders/place-order";
import { cancelOrder } from "@/lib/orders/user-actions";
import { reconcileSuccessReturn, recordCancelledReturn } from "@/lib/payments/return-from-gateway";
import { gatewayCircuitLevel } from "@/lib/payments/resilience";
import { startPayment } from "@/lib/payments/start-payment";
import { createBook, createUser, stockOf } from "@/test/fixtures";
import { emulatorControl, orderAtGateway, payAtGateway, placedOrder } from "@/test/gateway";

async function shopperWithCart(lines: [bookId: number, quantity: number][]) {
  const userId = await createUser();
  const cart = await createCart(userId);
  for (const [bookId, quantity] of lines) await addCartItem(cart, bookId, quantity);
  return { userId, cart };
}

/** Checks the cart out as a retry-safe client would (a fresh Idempotency-Key per attempt). */
const checkout = (userId: string) => checkoutCart({ userId, idempotencyKey: randomUUID() });

async function unpaidOrdersOf(userId: string): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from orders where user_id = ${userId} and status = 'created'`,
  );
  return row!.n;
}

/** An unpaid order that is not the cart's (placed as an internal caller would), so a cart checkout does not replace it. */
async function otherUnpaidOrder(userId: string, bookId: number, quantity = 1): Promise<string> {
  return (await placeOrder({ userId, items: [{ bookId, quantity }] })).orderId;
}

describe("caps on what one shopper holds unpaid", () => {
  it(`at most MAX_UNPAID_ORDERS_PER_SHOPPER open orders: the next is a 409 that says what to do, and reserves nothing`, async () => {
    const max = env().MAX_UNPAID_ORDERS_PER_SHOPPER;
    const bookId = await createBook(max + 5);
    const { userId } = await shopperWithCart([[bookId, 1]]);
    // The cart has one open order at most (a checkout resumes or replaces it): the others come from elsewhere.
    const placed = [];
    for (let i = 0; i < max; i++) placed.push(await otherUnpaidOrder(userId, bookId));
    const before = await stockOf(bookId);
    await expect(checkout(userId)).rejects.toMatchObject({
      code: "too_many_unpaid_orders",
      status: 409,
      message: expect.stringMatching(/pay for or cancel/i),
    });
    expect(await stockOf(bookId)).toEqual(before);
    expect(await unpaidOrdersOf(userId)).toBe(max);
    // Cancelling one makes room again.
    await cancelOrder({ userId, orderId: placed[0]! });
    await expect(checkout(userId)).resolves.toMatchObject({ order: { status: "created" } });
    // Checking the cart out again resumes that order: still at the cap, not past it.
    await expect(checkout(userId)).resolves.toMatchObject({ resumed: true });
    expect(await unpaidOrdersOf(userId)).toBe(max);
  });

  it("at most MAX_RESERVED_COPIES_PER_SHOPPER copies across unpaid orders", async () => {
    const max = env().MAX_RESERVED_COPIES_PER_SHOPPER;
    const books = await Promise.all([createBook(max), createBook(max), createBook(max)]);
    const half = Math.floor(max / 2) + 1;
    // Lines of at most 50 (the cart's own limit) adding up to just over half, twice.
    const lines = (n: number): [number, number][] => [
      [books[0]!, Math.min(50, n)],
      ...(n > 50 ? ([[books[1]!, n - 50]] as [number, number][]) : []),
    ];
    const { userId, cart } = await shopperWithCart(lines(half));
    for (const [bookId, quantity] of lines(half)) await otherUnpaidOrder(userId, bookId, quantity);
    const before = await Promise.all(books.map(stockOf));
    await expect(checkout(userId)).rejects.toMatchObject({
      code: "too_many_reserved_copies",
      status: 409,
      message: expect.stringMatching(/pay for or cancel/i),
    });
    expect(await Promise.all(books.map(stockOf))).toEqual(before);
    // A smaller order that fits under the cap still goes through.
    for (const [bookId] of lines(half)) await setCartItemQuantity(cart, bookId, 0);
    await addCartItem(cart, books[2]!, max - half);
    await expect(checkout(userId)).resolves.toMatchObject({ order: { status: "created" } });
  });

  it("a changed cart's checkout replaces its open order: its copies do not count twice", async () => {
    const max = env().MAX_RESERVED_COPIES_PER_SHOPPER;
    const bookId = await createBook(max);
    const half = Math.min(50, Math.floor(max / 2) + 1);
    const { userId, cart } = await shopperWithCart([[bookId, half]]);
    await checkout(userId);
    await setCartItemQuantity(cart, bookId, half - 1);
    await expect(checkout(userId)).resolves.toMatchObject({ order: { status: "created" } });
    expect(await unpaidOrdersOf(userId)).toBe(1);
    expect(await stockOf(bookId)).toMatchObject({ reserved: half - 1 });
  });
});

describe("throttles per shopper", () => {
  it("checkout: over the limit within its window is a 429 with the wait, before anything is reserved", async () => {
    const bookId = await createBook(5);
    const { userId } = await shopperWithCart([[bookId, 1]]);
    const spec = LIMITS.checkout;
    for (let i = 0; i < spec.points; i++) await checkout(userId).catch(() => undefined);
    const before = await stockOf(bookId);
    await expect(checkout(userId)).rejects.toMatchObject({
      code: "rate_limited",
      status: 429,
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect(await stockOf(bookId)).toEqual(before);
  });

  it("payment start: a shopper over the limit gets a 429 and no gateway session is created", async () => {
    const { userId, orderId } = await placedOrder();
    for (let i = 0; i < LIMITS.paymentStart.points; i++) await take(LIMITS.paymentStart, userId);
    const creates = await gatewayCalls("checkout.sessions.create");
    await expect(startPayment({ userId, email: "r@example.com", orderId })).rejects.toMatchObject({ code: "rate_limited", status: 429 });
    expect(await gatewayCalls("checkout.sessions.create")).toBe(creates);
    // Another shopper is not affected.
    const other = await placedOrder();
    await expect(startPayment({ userId: other.userId, email: "o@example.com", orderId: other.orderId })).resolves.toMatchObject({
      created: true,
    });
  });
});

async function gatewayCalls(operation: string): Promise<number> {
  const { values } = await metrics().gatewayCalls.get();
  return values
    .filter((v) => v.labels.operation === operation && String(v.metricName).endsWith("_count"))
    .reduce((sum, v) => sum + v.value, 0);
}

describe("return pages", () => {
  it("reloading the success page asks the gateway at most once per window; the page still gets its order", async () => {
    const { userId, orderId, sessionId } = await orderAtGateway();
    await payAtGateway(sessionId);
    const before = await gatewayCalls("checkout.sessions.retrieve");
    expect(await reconcileSuccessReturn({ userId, sessionId })).toEqual({ orderId, outcome: "paid" });
    for (let i = 0; i < 5; i++) expect((await reconcileSuccessReturn({ userId, sessionId })).orderId).toBe(orderId);
    expect((await gatewayCalls("checkout.sessions.retrieve")) - before).toBe(1);
  });

  it("reloading the cancelled page cancels the attempt once; repeats are duplicates that queue no more gateway work", async () => {
    const { userId, orderId, sessionId, paymentId } = await orderAtGateway();
    for (let i = 0; i < 5; i++) expect(await recordCancelledReturn({ userId, sessionId })).toEqual({ orderId });
    const { db } = await getDb();
    const [row] = await db.execute<{ jobs: number; duplicates: number }>(sql`select
      (select count(*)::int from graphile_worker._private_jobs where key = ${`expire-session:${paymentId}`}) as jobs,
      (select count(*)::int from ignored_events where order_id = ${orderId} and event_type = 'PAYMENT_CANCELLED' and outcome = 'duplicate') as duplicates`);
    expect(row).toEqual({ jobs: 1, duplicates: 4 });
  });
});

describe("a gateway that answers 429 (rate limited)", () => {
  afterEach(() => emulatorControl("/_emulator/config", { failNext: null }));

  it("is retried, and a success after it is a success", async () => {
    const { userId, orderId } = await placedOrder();
    await emulatorControl("/_emulator/config", { failNext: { count: 1, status: 429 } });
    await expect(startPayment({ userId, email: "r@example.com", orderId })).resolves.toMatchObject({ created: true });
  });

  it("does not open the shared circuit breaker, however many 429s come back", async () => {
    await emulatorControl("/_emulator/config", { failNext: { count: 1000, status: 429 } });
    for (let i = 0; i < 4; i++) {
      const { userId, orderId } = await placedOrder();
      await expect(startPayment({ userId, email: "r@example.com", orderId })).rejects.toMatchObject({ code: "gateway_unavailable" });
    }
    expect(gatewayCircuitLevel()).toBe(0);
  }, 30_000);
});
