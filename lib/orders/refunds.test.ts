import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { runOrderJobs } from "@/test/run-jobs";
import { resetEnvCache } from "@/lib/env";
import { createUser, eventTypes, orderRow, stockOf } from "@/test/fixtures";
import { emulatorControl, paidOrderAtGateway } from "@/test/gateway";
import { deliver, stripeEvent, stripeFixtures } from "@/test/webhooks";
import { adminFulfil, adminRefund, requestRefund } from "./user-actions";

// Refund paths end to end: machine, dispatch, refund job, the emulated gateway.

const work = (orderId: string) => runOrderJobs(orderId);

const paidOrder = () => paidOrderAtGateway({ stock: 5, priceCents: 1100, quantity: 2 });
const emulator = emulatorControl;

afterEach(async () => {
  delete process.env.REFUND_WINDOW_DAYS;
  resetEnvCache();
  await emulator("/_emulator/config", { refundOutcome: "succeeded" });
});

describe("refunds", () => {
  it("a shopper within the policy gets the money back and the books return to stock", async () => {
    const o = await paidOrder();
    expect((await requestRefund({ userId: o.userId, orderId: o.orderId })).status).toBe("refund_pending");
    expect(await stockOf(o.bookId)).toEqual({ available: 5, reserved: 0, sold: 0, received: 5 });
    await work(o.orderId);
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect(await eventTypes(o.orderId)).toEqual(expect.arrayContaining(["RefundRequested", "PaymentRefunded"]));
  });

  it("outside the policy a shopper gets 409 and nothing changes", async () => {
    const o = await paidOrder();
    process.env.REFUND_WINDOW_DAYS = "0";
    resetEnvCache();
    await new Promise((r) => setTimeout(r, 5));
    await expect(requestRefund({ userId: o.userId, orderId: o.orderId })).rejects.toMatchObject({ code: "invalid_transition" });
    expect((await orderRow(o.orderId)).status).toBe("paid");
  });

  it("an admin refunds a fulfilled order (the shipped books stay sold)", async () => {
    const o = await paidOrder();
    const admin = await createUser("admin");
    await adminFulfil({ adminId: admin, orderId: o.orderId });
    await expect(requestRefund({ userId: o.userId, orderId: o.orderId })).rejects.toMatchObject({ code: "invalid_transition" });
    expect((await adminRefund({ adminId: admin, orderId: o.orderId })).status).toBe("refund_pending");
    await work(o.orderId);
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect(await stockOf(o.bookId)).toEqual({ available: 3, reserved: 0, sold: 2, received: 5 });
  });

  it("a refund the gateway refuses is retried with a new refund id, then succeeds", async () => {
    const o = await paidOrder();
    await emulator("/_emulator/config", { refundOutcome: "failed" });
    await requestRefund({ userId: o.userId, orderId: o.orderId });
    await work(o.orderId);
    const { db } = await getDb();
    const afterFailure = await db.execute<{ status: string }>(
      sql`select status from refunds where order_id = ${o.orderId} order by created_at`,
    );
    expect(afterFailure.map((r) => r.status)).toEqual(["failed", "pending"]);
    await emulator("/_emulator/config", { refundOutcome: "succeeded" });
    await work(o.orderId);
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect((await eventTypes(o.orderId)).filter((t) => t === "RefundFailed")).toHaveLength(1);
  });

  it("a duplicated refund webhook changes nothing the second time", async () => {
    const o = await paidOrder();
    await requestRefund({ userId: o.userId, orderId: o.orderId });
    const { db } = await getDb();
    const [refund] = await db.execute<{ id: string }>(sql`select id from refunds where order_id = ${o.orderId}`);
    const object = {
      ...stripeFixtures.resources.refund,
      id: "re_test_duplicate",
      status: "succeeded",
      metadata: { refund_id: refund!.id, order_id: o.orderId },
    };
    const event = stripeEvent("refund.updated", object);
    expect((await deliver(event)).body.outcome).toBe("handled");
    expect((await deliver(event)).body.outcome).toBe("duplicate");
    expect((await deliver(stripeEvent("refund.updated", object))).body.outcome).toBe("duplicate");
    expect((await eventTypes(o.orderId)).filter((t) => t === "PaymentRefunded")).toHaveLength(1);
    expect((await orderRow(o.orderId)).status).toBe("refunded");
  });
});
