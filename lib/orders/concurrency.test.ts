import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { isAppError } from "@/lib/errors";
import { createBook, createUser, eventTypes, stockOf } from "@/test/fixtures";
import { dispatch } from "./dispatch";
import { placeOrder } from "./place-order";

const ROUNDS = 20;
let users: string[] = [];

beforeAll(async () => {
  users = await Promise.all(Array.from({ length: 50 }, () => createUser()));
});

describe("50 concurrent deliveries of one PAYMENT_SUCCEEDED", () => {
  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))("round %i: exactly one transition", async () => {
    const bookId = await createBook(5);
    const order = await placeOrder({ userId: users[0]!, items: [{ bookId, quantity: 2 }] });
    const paymentId = randomUUID();
    await dispatch(order.orderId, { type: "START_PAYMENT", paymentId }, "user", {
      session: { id: `cs_${paymentId}`, url: "https://pay.test" },
    });
    const { db } = await getDb();
    const [{ total_cents: total } = { total_cents: 0 }] = await db.execute<{ total_cents: number }>(
      sql`select total_cents from orders where id = ${order.orderId}`,
    );
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        dispatch(order.orderId, { type: "PAYMENT_SUCCEEDED", paymentId, amountCents: total, currency: "usd" }, "gateway"),
      ),
    );
    expect(results.filter((r) => r.outcome === "accepted")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(49);
    expect((await eventTypes(order.orderId)).filter((t) => t === "OrderPaid")).toHaveLength(1);
    expect(await stockOf(bookId)).toEqual({ available: 3, reserved: 0, sold: 2, received: 5 });
    const emails = await db.execute(
      sql`select 1 from graphile_worker._private_jobs where payload->>'orderId' = ${order.orderId} and payload->>'template' = 'order_paid'`,
    );
    expect(emails).toHaveLength(1);
  });
});

describe("50 concurrent checkouts for a book with 10 in stock", () => {
  it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))("round %i: exactly 10 orders", async () => {
    const bookId = await createBook(10);
    const outcomes = await Promise.allSettled(users.map((userId) => placeOrder({ userId, items: [{ bookId, quantity: 1 }] })));
    const placed = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(placed).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of refused) {
      expect(isAppError(r.reason) && r.reason.code).toBe("out_of_stock");
      expect(r.reason.details).toEqual([{ bookId, requested: 1, available: 0 }]);
    }
    expect(await stockOf(bookId)).toEqual({ available: 0, reserved: 10, sold: 0, received: 10 });
    const { db } = await getDb();
    const orders = await db.execute(sql`select 1 from order_items where book_id = ${bookId}`);
    expect(orders).toHaveLength(10);
  });

  it("a multi-book order that does not fit reserves nothing and names every short line", async () => {
    const plenty = await createBook(10);
    const few = await createBook(1);
    const none = await createBook(0);
    const error = await placeOrder({
      userId: users[1]!,
      items: [
        { bookId: plenty, quantity: 3 },
        { bookId: few, quantity: 2 },
        { bookId: none, quantity: 1 },
      ],
    }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("out_of_stock");
    expect(isAppError(error) && error.details).toEqual([
      { bookId: few, requested: 2, available: 1 },
      { bookId: none, requested: 1, available: 0 },
    ]);
    expect(await stockOf(plenty)).toEqual({ available: 10, reserved: 0, sold: 0, received: 10 });
    expect(await stockOf(few)).toEqual({ available: 1, reserved: 0, sold: 0, received: 1 });
  });

  it("opposite-order multi-book checkouts never deadlock", async () => {
    const a = await createBook(100);
    const b = await createBook(100);
    const results = await Promise.all(
      users.slice(0, 40).map((userId, i) =>
        placeOrder({
          userId,
          items:
            i % 2
              ? [
                  { bookId: a, quantity: 1 },
                  { bookId: b, quantity: 1 },
                ]
              : [
                  { bookId: b, quantity: 1 },
                  { bookId: a, quantity: 1 },
                ],
        }),
      ),
    );
    expect(results).toHaveLength(40);
    expect(await stockOf(a)).toEqual({ available: 60, reserved: 40, sold: 0, received: 100 });
    expect(await stockOf(b)).toEqual({ available: 60, reserved: 40, sold: 0, received: 100 });
  });
});
