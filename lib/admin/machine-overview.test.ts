import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { dispatch } from "@/lib/orders/dispatch";
import { placeOrder } from "@/lib/orders/place-order";
import { createBook, createUser } from "@/test/fixtures";
import { countOrdersByState } from "./machine-overview";

describe("orders per machine state", () => {
  it("counts each order in its leaf state, and moves it when it changes", async () => {
    const before = await countOrdersByState();
    const userId = await createUser();
    const bookId = await createBook(5);
    const waiting = await placeOrder({ userId, items: [{ bookId, quantity: 1 }] });
    const paying = await placeOrder({ userId, items: [{ bookId, quantity: 1 }] });
    await dispatch(paying.orderId, { type: "START_PAYMENT", paymentId: randomUUID() }, "user", {
      session: { id: `cs_${randomUUID()}`, url: "https://pay.test" },
    });
    const cancelled = await placeOrder({ userId, items: [{ bookId, quantity: 1 }] });
    await dispatch(cancelled.orderId, { type: "CANCEL" }, "user");
    const after = await countOrdersByState();
    const delta = (path: string) => (after.get(path) ?? 0) - (before.get(path) ?? 0);
    expect(delta("created.awaitingPayment")).toBe(1);
    expect(delta("created.paying")).toBe(1);
    expect(delta("settled.cancelled")).toBe(1);
    expect(waiting.orderId).toBeTruthy();
  });
});
