import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { writeOffStock } from "@/lib/catalog/stock-admin";
import { createUser, eventTypes, orderRow, refundRows, stockOf } from "@/test/fixtures";
import { paidOrderAtGateway } from "@/test/gateway";
import { runOrderJobs } from "@/test/run-jobs";
import { deliver, disputeLostByWebhook, orderAwaitingPayment, sessionObject, stripeEvent } from "@/test/webhooks";
import { adminDeliver, adminFulfil, adminReceiveReturn, adminRefund, requestReturn } from "./user-actions";

// Copies that stayed sold for good (a stock audit's finds, round 4): each test drives a real sequence
// (dispatch, the worker's jobs, the emulated gateway, the webhook route) and failed before its fix.

const refundJobs = (orderId: string) => runOrderJobs(orderId, { tasks: ["refund_payment", "poll_refund", "send_email"], rounds: 2 });

describe("a return requested before an operator's whole refund", () => {
  it("a return received after a whole refund puts its copies back on the shelf", async () => {
    const o = await paidOrderAtGateway({ stock: 5, priceCents: 1000, quantity: 2 });
    const admin = await createUser("admin");
    await adminFulfil({ adminId: admin, orderId: o.orderId });
    await adminDeliver({ adminId: admin, orderId: o.orderId });
    const requested = await requestReturn({
      userId: o.userId,
      orderId: o.orderId,
      lines: [{ bookId: o.bookId, quantity: 1 }],
      reason: "arrived damaged",
    });
    const returnId = requested.returns.at(-1)!.id;
    // While the parcel travels, an operator refunds the whole order (after delivery: no stock moves).
    await adminRefund({ adminId: admin, orderId: o.orderId });
    await refundJobs(o.orderId);
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect(await stockOf(o.bookId)).toEqual({ available: 3, reserved: 0, sold: 2, received: 5 });

    // The parcel arrives; the operator receives it and puts the copy back on the shelf.
    const received = await adminReceiveReturn({
      adminId: admin,
      orderId: o.orderId,
      returnId,
      restock: [{ bookId: o.bookId, quantity: 1 }],
    }).then(
      () => "received",
      (e: unknown) => String(e).slice(0, 160),
    );
    // Expected: the returned copy is back on the shelf (sold 1, available 4).
    expect({ received, stock: await stockOf(o.bookId) }).toEqual({
      received: "received",
      stock: { available: 4, reserved: 0, sold: 1, received: 5 },
    });
    // No refund is started for it (the whole order came back already), and the e-mail says so: it promised a
    // $0.00 refund and another e-mail that never came (a review's find; failed before the fix).
    await refundJobs(o.orderId);
    expect(await refundRows(o.orderId)).toHaveLength(1);
    const { db } = await getDb();
    const [mail] = await db.execute<{ text_body: string }>(
      sql`select text_body from emails where order_id = ${o.orderId} and subject like 'We received your return%'`,
    );
    expect(mail!.text_body).toContain("Their money was refunded to you already, so there is nothing more to refund.");
    expect(mail!.text_body).not.toMatch(/We are refunding \$0\.00/);
  });
});

describe("a lost dispute on an unshipped order", () => {
  it("after a lost dispute of the whole payment, a write-off closes the unshipped order and takes its copies", async () => {
    const o = await orderAwaitingPayment(2); // both copies of the book in this order
    const session = sessionObject(o.sessionId, o.orderId, o.paymentId);
    expect((await deliver(stripeEvent("checkout.session.completed", session))).body.outcome).toBe("handled");
    expect(await stockOf(o.bookId)).toEqual({ available: 0, reserved: 0, sold: 2, received: 2 });
    // The open dispute holds the fulfilment; it is then lost: all the money is gone, nothing ships.
    await disputeLostByWebhook(session, 2598);
    const admin = await createUser("admin");
    const shipped = await adminFulfil({ adminId: admin, orderId: o.orderId }).then(
      () => true,
      () => false,
    );
    const refunded = await adminRefund({ adminId: admin, orderId: o.orderId }).then(
      () => true,
      () => false,
    );
    expect({ shipped, refunded }).toEqual({ shipped: false, refunded: false });

    // The two copies never left the warehouse: the write-off closes the order (no refund: the money went
    // back through the chargeback) and takes them. Before, it refused ("settle those orders first") and
    // no event could settle the order.
    const writeOff = await writeOffStock({ bookId: o.bookId, copies: 2 }).then(
      (r) => ({ writtenOff: r.writtenOff }),
      (e: unknown) => ({ error: String(e).slice(0, 200) }),
    );
    expect({ writeOff, stock: await stockOf(o.bookId) }).toEqual({
      writeOff: { writtenOff: 2 },
      stock: { available: 0, reserved: 0, sold: 0, received: 0 },
    });
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect(await eventTypes(o.orderId)).toContain("OrderClosed");
  });
});
