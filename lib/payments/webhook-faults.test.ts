import { afterEach, describe, expect, it } from "vitest";
import { armFault, disarmFaults } from "@/lib/faults";
import { eventTypes, orderRow, stockOf } from "@/test/fixtures";
import { deliver, orderAwaitingPayment, sessionObject, stripeEvent } from "@/test/webhooks";

// The two places a webhook can die: after its event row is inserted (the
// transaction rolls back) and after commit but before the 2xx (the gateway
// redelivers something already done). Either way: one transition, one stock move.

afterEach(() => disarmFaults());

describe("a webhook dying half-way", () => {
  it("after the event row is inserted: 500, nothing kept, and the redelivery pays the order", async () => {
    const o = await orderAwaitingPayment();
    const event = stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId));
    armFault("webhook:after_insert", { times: 1 });
    expect((await deliver(event)).status).toBe(500);
    expect((await orderRow(o.orderId)).status).toBe("created");
    expect(await stockOf(o.bookId)).toEqual({ available: 3, reserved: 2, sold: 0, received: 5 });
    const again = await deliver(event);
    expect(again).toMatchObject({ status: 200, body: { outcome: "handled" } });
    expect((await eventTypes(o.orderId)).filter((t) => t === "OrderPaid")).toHaveLength(1);
    expect(await stockOf(o.bookId)).toEqual({ available: 3, reserved: 0, sold: 2, received: 5 });
  });

  it("after commit, before the 2xx: the redelivery is a duplicate and changes nothing", async () => {
    const o = await orderAwaitingPayment();
    const event = stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId));
    armFault("webhook:after_commit", { times: 1 });
    expect((await deliver(event)).status).toBe(500);
    expect((await orderRow(o.orderId)).status).toBe("paid");
    const again = await deliver(event);
    expect(again).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect((await eventTypes(o.orderId)).filter((t) => t === "OrderPaid")).toHaveLength(1);
    expect(await stockOf(o.bookId)).toEqual({ available: 3, reserved: 0, sold: 2, received: 5 });
  });
});
