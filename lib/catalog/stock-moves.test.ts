import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type Stripe from "stripe";
import { getDb } from "@/db";
import { dispatch } from "@/lib/orders/dispatch";
import { placeOrder } from "@/lib/orders/place-order";
import { handleWebhook } from "@/lib/payments/handle-webhook";
import { createBook, createUser, eventTypes, orderRow, stockOf } from "@/test/fixtures";
import { orderAwaitingPayment, sessionObject, stripeEvent } from "@/test/webhooks";

// The moves that take copies an order holds (commit, release, return) are one
// queued statement, lock and update together, with no answer awaited
// (lib/catalog/store.ts moveStock): the books' CHECK constraints are what
// refuses a move the counters cannot cover, and the transaction goes with it.

const paid = (o: { sessionId: string; orderId: string; paymentId: string }, amount = 2598) =>
  stripeEvent(
    "checkout.session.completed",
    sessionObject(o.sessionId, o.orderId, o.paymentId, { amount_total: amount, amount_subtotal: amount }),
  ) as unknown as Stripe.Event;

describe("stock moves of copies an order holds", () => {
  it("a paid webhook whose copies are no longer reserved fails whole: nothing paid, no stock moved, no event row kept", async () => {
    const o = await orderAwaitingPayment();
    const { db } = await getDb();
    // Our own bookkeeping gone wrong: the order's two reserved copies are back on the shelf.
    await db.execute(sql`update books set stock_reserved = 0, stock_available = 5 where id = ${o.bookId}`);
    const event = paid(o);
    await expect(handleWebhook(event)).rejects.toMatchObject({ cause: expect.objectContaining({ code: "23514" }) });
    expect((await orderRow(o.orderId)).status).toBe("created");
    expect(await stockOf(o.bookId)).toEqual({ available: 5, reserved: 0, sold: 0, received: 5 });
    expect(await eventTypes(o.orderId)).not.toContain("OrderPaid");
    const kept = await db.execute(sql`select 1 from webhook_events where id = ${event.id}`);
    expect(kept).toHaveLength(0);
  });

  it("orders sharing two books, paid at once, all commit: no deadlock, every copy counted once", async () => {
    const [a, b] = [await createBook(40, 900), await createBook(40, 1100)];
    const orders = [];
    for (let i = 0; i < 12; i++) {
      const userId = await createUser();
      const { orderId } = await placeOrder({
        userId,
        items: [
          { bookId: b, quantity: 1 },
          { bookId: a, quantity: 2 },
        ],
      });
      const paymentId = randomUUID();
      const sessionId = `cs_test_${paymentId.replace(/-/g, "")}`;
      await dispatch(orderId, { type: "START_PAYMENT", paymentId }, "user", {
        session: { id: sessionId, url: `https://pay.example/${sessionId}` },
      });
      orders.push({ orderId, paymentId, sessionId });
    }
    const outcomes = await Promise.all(orders.map((o) => handleWebhook(paid(o, 2 * 900 + 1100))));
    expect(outcomes).toEqual(orders.map(() => "handled"));
    expect(await stockOf(a)).toEqual({ available: 16, reserved: 0, sold: 24, received: 40 });
    expect(await stockOf(b)).toEqual({ available: 28, reserved: 0, sold: 12, received: 40 });
    for (const o of orders) {
      expect((await orderRow(o.orderId)).status).toBe("paid");
      expect((await eventTypes(o.orderId)).filter((t) => t === "OrderPaid")).toHaveLength(1);
    }
  });

  it("a cancelled order's release moves exactly its copies back to the shelf", async () => {
    const cancelled = await orderAwaitingPayment();
    await dispatch(cancelled.orderId, { type: "CANCEL" }, "user");
    expect(await stockOf(cancelled.bookId)).toEqual({ available: 5, reserved: 0, sold: 0, received: 5 });
  });
});
