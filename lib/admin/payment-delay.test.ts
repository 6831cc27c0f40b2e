import { describe, expect, it } from "vitest";
import { dispatch } from "@/lib/orders/dispatch";
import { getOrder } from "@/lib/orders/order-view";
import { placeOrder } from "@/lib/orders/place-order";
import { createBook, createUser } from "@/test/fixtures";
import { listOrdersForAdmin } from "./admin-orders";
import { orderAutomationOf } from "./order-overview";
import { paymentDelayOf } from "./payment-delay";

// Issue #21 follow-up: operators see a delayed payment (created.paymentDelayed) in the console's order list
// and on the order's page, read from the machine's context, and the mark goes when the gateway is back.
// Driven through dispatch against the real database.

async function placed(): Promise<string> {
  const userId = await createUser();
  const bookId = await createBook(5, 1500);
  const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 1 }] });
  return orderId;
}

/** The order as the console's "Awaiting payment" filter lists it, and as its page reads it. */
async function consoleViews(orderId: string) {
  const [row] = (await listOrdersForAdmin({ status: "created", q: orderId })).items;
  const { paymentDelay } = await orderAutomationOf(orderId);
  return { row, page: paymentDelay };
}

describe("the console's payment-delayed mark", () => {
  it("PAYMENT_DELAYED marks the order (since when, why) under the awaiting-payment filter; GATEWAY_BACK removes the mark", async () => {
    const orderId = await placed();
    expect(await consoleViews(orderId)).toMatchObject({ row: { id: orderId, paymentDelay: null }, page: null });

    const before = Date.now();
    const delayed = await dispatch(orderId, { type: "PAYMENT_DELAYED", reason: "circuit_open" }, "user");
    expect(delayed.outcome).toBe("accepted");
    const { row, page } = await consoleViews(orderId);
    expect(row).toMatchObject({ id: orderId, status: "created", paymentDelay: { reason: "circuit_open" } });
    expect(page).toEqual(row!.paymentDelay);
    // Since the event's own time, as the machine recorded it (the timeline's "Payment delayed").
    const since = Date.parse(row!.paymentDelay!.since);
    expect(since).toBeGreaterThanOrEqual(before - 1000);
    expect(since).toBeLessThanOrEqual(Date.now());
    expect((await getOrder(orderId)).state).toBe("created.paymentDelayed");

    // A second failed start while delayed is a duplicate: the mark keeps its first time and reason.
    const again = await dispatch(orderId, { type: "PAYMENT_DELAYED", reason: "gateway_error" }, "user");
    expect(again.outcome).toBe("duplicate");
    expect((await consoleViews(orderId)).row!.paymentDelay).toEqual(row!.paymentDelay);

    const back = await dispatch(orderId, { type: "GATEWAY_BACK" }, "system");
    expect(back.outcome).toBe("accepted");
    expect(await consoleViews(orderId)).toMatchObject({ row: { id: orderId, status: "created", paymentDelay: null }, page: null });
    expect((await getOrder(orderId)).state).toBe("created.awaitingPayment");
  });

  it("carries the gateway-error reason, and other orders in the list stay unmarked", async () => {
    const orderId = await placed();
    const other = await placed();
    await dispatch(orderId, { type: "PAYMENT_DELAYED", reason: "gateway_error" }, "user");
    expect((await consoleViews(orderId)).row!.paymentDelay).toMatchObject({ reason: "gateway_error" });
    expect((await consoleViews(other)).row!.paymentDelay).toBeNull();
  });

  it("reads a missing or malformed stored delay as none (snapshots stored before machine v5 have no paymentDelay)", () => {
    expect(paymentDelayOf(null)).toBeNull();
    expect(paymentDelayOf(undefined)).toBeNull();
    expect(paymentDelayOf("circuit_open")).toBeNull();
    expect(paymentDelayOf({ reason: "circuit_open" })).toBeNull();
    expect(paymentDelayOf({ reason: "circuit_open", since: 0 })).toEqual({ reason: "circuit_open", since: "1970-01-01T00:00:00.000Z" });
  });
});
