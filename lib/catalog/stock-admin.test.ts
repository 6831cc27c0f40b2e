import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { dispatch } from "@/lib/orders/dispatch";
import { placeOrder } from "@/lib/orders/place-order";
import { createBook, createUser, eventTypes, orderRow, stockOf } from "@/test/fixtures";
import { receiveStock, writeOffStock } from "./stock-admin";

async function paidOrder(bookId: number, quantity: number, other?: number) {
  const userId = await createUser();
  const items = [{ bookId, quantity }, ...(other ? [{ bookId: other, quantity: 1 }] : [])];
  const { orderId } = await placeOrder({ userId, items });
  const paymentId = randomUUID();
  await dispatch(orderId, { type: "START_PAYMENT", paymentId }, "user", { session: { id: `cs_${paymentId}`, url: "https://pay.example" } });
  const [{ total }] = [{ total: 1299 * quantity + (other ? 1299 : 0) }];
  await dispatch(orderId, { type: "PAYMENT_SUCCEEDED", paymentId, amountCents: total, currency: "usd" }, "gateway");
  return orderId;
}

describe("operator stock changes", () => {
  it("receives stock", async () => {
    const book = await createBook(2);
    expect(await receiveStock({ bookId: book, copies: 5 })).toEqual({ available: 7, received: 7 });
  });

  it("writes off shelf copies first and touches no order", async () => {
    const book = await createBook(5);
    const order = await paidOrder(book, 2);
    expect(await writeOffStock({ bookId: book, copies: 3 })).toEqual({ writtenOff: 3, ordersRefunded: [] });
    expect(await stockOf(book)).toEqual({ available: 0, reserved: 0, sold: 2, received: 2 });
    expect((await orderRow(order)).status).toBe("paid");
  });

  it("missing copies a paid order counted on: that order is refunded automatically, its other books return", async () => {
    const book = await createBook(3);
    const other = await createBook(4);
    const order = await paidOrder(book, 2, other);
    const result = await writeOffStock({ bookId: book, copies: 2 });
    expect(result.ordersRefunded).toEqual([order]);
    expect((await orderRow(order)).status).toBe("refund_pending");
    expect(await eventTypes(order)).toContain("RefundRequested");
    expect(await stockOf(book)).toEqual({ available: 1, reserved: 0, sold: 0, received: 1 });
    expect(await stockOf(other)).toEqual({ available: 4, reserved: 0, sold: 0, received: 4 });
  });

  it("refuses to write off more than the shelf and unshipped sales hold", async () => {
    const book = await createBook(1);
    await expect(writeOffStock({ bookId: book, copies: 2 })).rejects.toMatchObject({ code: "invalid_request" });
    expect(await stockOf(book)).toEqual({ available: 1, reserved: 0, sold: 0, received: 1 });
  });
});
