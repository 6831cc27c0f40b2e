import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { afterEach, describe, expect, it, vi } from "vitest";
import { POST as paidOutsideRoute } from "@/app/api/admin/orders/[id]/refund-paid-outside/route";
import { POST as refundRoute } from "@/app/api/admin/orders/[id]/refund/route";
import { getDb } from "@/db";
import { writeOffStock } from "@/lib/catalog/stock-admin";
import { resetEnvCache } from "@/lib/env";
import { stripeClient } from "@/lib/payments/stripe-client";
import { createUser, orderRow, refundRows, stockOf } from "@/test/fixtures";
import { emulatorControl, moneyAtGateway, paidOrderAtGateway } from "@/test/gateway";
import { runOrderJobs } from "@/test/run-jobs";
import { signInAs } from "@/test/session";
import { idParams, jsonPost } from "@/test/route-requests";
import { deliver, stripeEvent, stripeFixtures } from "@/test/webhooks";
import { getOrder } from "./order-view";
import { adminDeliver, adminFulfil, adminPartialRefund, adminReceiveReturn, adminRefund, requestReturn } from "./user-actions";

// Money the store owes on a payment the gateway will not refund. A lost dispute charges the payment back:
// Stripe refuses every refund of it (charge_disputed), also of the money the dispute did not take. Before,
// a write-off after a dispute lost for part of the payment sent that refund anyway; it was refused, the
// order stayed refund_pending for good with the shopper never paid back, and an operator's retry was
// refused the same way. Now such a refund is owed outside the gateway: no refund job, the order flagged;
// an operator pays the shopper another way and records it (REFUND_PAID_OUTSIDE), which settles it.

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (await import("@/test/session")).fakeSession.session,
}));

afterEach(async () => {
  delete process.env.JOB_MAX_ATTEMPTS;
  resetEnvCache();
  await emulatorControl("/_emulator/config", { refundOutcome: "succeeded" });
  signInAs(null);
});

const asObject = (o: object) => o as unknown as Record<string, unknown>;
const post = jsonPost;
const params = idParams;
const work = (orderId: string) => runOrderJobs(orderId, { tasks: ["refund_payment", "poll_refund", "send_email"], rounds: 2 });

/** Opens a dispute of `amount` on the session's charge at the gateway, delivers it, and has the network decide it lost. */
async function loseDisputeOf(sessionId: string, amount: number): Promise<Stripe.Dispute> {
  const stripe = stripeClient();
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  const intent = await stripe.paymentIntents.retrieve(String(session.payment_intent));
  const { dispute: opened } = (await emulatorControl(`/_emulator/charges/${String(intent.latest_charge)}/dispute`, { amount })) as {
    dispute: Stripe.Dispute;
  };
  expect(opened.amount).toBe(amount);
  expect((await deliver(stripeEvent("charge.dispute.created", asObject(opened)))).body.outcome).toBe("handled");
  await emulatorControl(`/_emulator/disputes/${opened.id}/close`, { outcome: "lost" });
  const closed = await stripe.disputes.retrieve(opened.id);
  expect(closed).toMatchObject({ status: "lost", is_charge_refundable: false });
  expect((await deliver(stripeEvent("charge.dispute.closed", asObject(closed)))).body.outcome).toBe("handled");
  return closed;
}

async function paymentOf(orderId: string) {
  const { db } = await getDb();
  const [row] = await db.execute<{ status: string; amount_cents: number; refunded_cents: number }>(
    sql`select status, amount_cents, refunded_cents from payments where order_id = ${orderId} and status in ('paid', 'refunded')`,
  );
  return row!;
}

async function refundJobs(orderId: string) {
  const { db } = await getDb();
  return db.execute(sql`select 1 from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'refund_payment' and j.payload->>'orderId' = ${orderId}`);
}

async function mails(orderId: string) {
  const { db } = await getDb();
  const rows = await db.execute<{ subject: string; text_body: string }>(
    sql`select subject, text_body from emails where order_id = ${orderId} order by created_at, id`,
  );
  return rows;
}

describe("a write-off after a dispute lost for part of the payment", () => {
  it("the rest is owed outside the gateway (never sent to it); an operator records it paid and the order is refunded", async () => {
    const o = await paidOrderAtGateway({ stock: 2, priceCents: 2000, quantity: 2 });
    const captured = (await paymentOf(o.orderId)).amount_cents;
    await loseDisputeOf(o.sessionId, 1500);
    const admin = await createUser("admin");

    // The copies are missing: the operator writes them off. The order never shipped, so it is refunded.
    expect((await writeOffStock({ bookId: o.bookId, copies: 2 })).writtenOff).toBe(2);
    await work(o.orderId);
    const [owed] = await refundRows(o.orderId);
    expect(owed).toMatchObject({ status: "pending", amount_cents: captured - 1500, outside: true, gateway_refund_id: null });
    // Never sent: no refund job, nothing refunded (or refused) at the gateway, the order flagged.
    expect(await refundJobs(o.orderId)).toHaveLength(0);
    expect(await moneyAtGateway(o.sessionId)).toEqual({ captured, refunded: 0 });
    const flagged = await orderRow(o.orderId);
    expect(flagged).toMatchObject({ status: "refund_pending", needs_attention: true });
    expect((await getOrder(o.orderId)).refunds).toMatchObject([
      { outside: true, status: "pending", outsideReference: null, owedCents: captured - 1500 },
    ]);
    expect((await mails(o.orderId)).find((m) => m.subject.startsWith("Refund started"))?.text_body).toContain(
      "we will contact you to pay it back another way",
    );

    // The operator pays the shopper by bank transfer and records it.
    signInAs(admin, "admin");
    const recorded = await paidOutsideRoute(post({ refundId: owed!.id, reference: "Bank transfer BT-1130-17" }), params(o.orderId));
    expect(recorded.status).toBe(200);
    // Refunded, and the flag that asked for it lowered.
    expect(await orderRow(o.orderId)).toMatchObject({ status: "refunded", needs_attention: false });
    expect(await refundRows(o.orderId)).toMatchObject([
      { status: "succeeded", outside: true, outside_reference: "Bank transfer BT-1130-17" },
    ]);
    // Every cent accounted for: what came back outside plus what the dispute took is what was captured.
    expect(await paymentOf(o.orderId)).toEqual({ status: "refunded", amount_cents: captured, refunded_cents: captured - 1500 });
    expect(await moneyAtGateway(o.sessionId)).toEqual({ captured, refunded: 0 });
    await work(o.orderId);
    const refunded = (await mails(o.orderId)).find((m) => m.subject.endsWith("is refunded"));
    expect(refunded?.text_body).toContain(`Your refund of $${((captured - 1500) / 100).toFixed(2)} is complete: we paid it back outside`);
    // The copies stay written off: nothing went back on the shelf twice.
    expect(await stockOf(o.bookId)).toEqual({ available: 0, reserved: 0, sold: 0, received: 0 });

    // A second click is the same answer, and changes nothing.
    const revision = (await orderRow(o.orderId)).revision;
    expect((await paidOutsideRoute(post({ refundId: owed!.id, reference: "Bank transfer BT-1130-17" }), params(o.orderId))).status).toBe(
      200,
    );
    expect((await orderRow(o.orderId)).revision).toBe(revision);
  });
});

describe("other refunds of a charged-back payment", () => {
  it("an operator's whole refund, a partial refund and a received return are owed outside too; each settles on its own", async () => {
    const o = await paidOrderAtGateway({ stock: 4, priceCents: 1000, quantity: 3 });
    const captured = (await paymentOf(o.orderId)).amount_cents;
    const admin = await createUser("admin");
    await adminFulfil({ adminId: admin, orderId: o.orderId });
    await adminDeliver({ adminId: admin, orderId: o.orderId });
    await loseDisputeOf(o.sessionId, 500);

    // Goodwill, then a return of one copy: both owed outside, both flagged, none sent.
    await adminPartialRefund({ adminId: admin, orderId: o.orderId, amountCents: 300, reason: "late" });
    const returned = await requestReturn({
      userId: o.userId,
      orderId: o.orderId,
      lines: [{ bookId: o.bookId, quantity: 1 }],
      reason: "torn",
    });
    await adminReceiveReturn({
      adminId: admin,
      orderId: o.orderId,
      returnId: returned.returns.at(-1)!.id,
      restock: [{ bookId: o.bookId, quantity: 1 }],
    });
    await work(o.orderId);
    const [goodwill, ret] = await refundRows(o.orderId);
    expect([goodwill, ret]).toMatchObject([
      { status: "pending", amount_cents: 300, outside: true },
      { status: "pending", outside: true },
    ]);
    expect(await refundJobs(o.orderId)).toHaveLength(0);
    // The gateway's own confirmation cannot settle money it was never asked for.
    const forged = {
      ...stripeFixtures.resources.refund,
      id: `re_${randomUUID().replace(/-/g, "")}`,
      status: "succeeded",
      amount: 300,
      metadata: { refund_id: goodwill!.id, order_id: o.orderId },
    };
    expect((await deliver(stripeEvent("refund.updated", forged))).body.outcome).toBe("ignored");
    expect((await refundRows(o.orderId))[0]!.status).toBe("pending");

    // The operator records the goodwill paid: the order stays delivered (money is left).
    signInAs(admin, "admin");
    expect((await paidOutsideRoute(post({ refundId: goodwill!.id, reference: "cash at the counter" }), params(o.orderId))).status).toBe(
      200,
    );
    // One is still owed: the order stays flagged.
    expect(await orderRow(o.orderId)).toMatchObject({ status: "delivered", needs_attention: true });
    // Then the whole rest by an operator's refund: owed outside as well; recording the last two refunds it.
    await adminRefund({ adminId: admin, orderId: o.orderId });
    const rest = (await refundRows(o.orderId)).at(-1)!;
    expect(rest).toMatchObject({ status: "pending", outside: true, amount_cents: captured - 500 - 300 - ret!.amount_cents });
    expect((await paidOutsideRoute(post({ refundId: ret!.id, reference: "transfer T-1" }), params(o.orderId))).status).toBe(200);
    expect((await orderRow(o.orderId)).status).toBe("refund_pending");
    expect((await paidOutsideRoute(post({ refundId: rest.id, reference: "transfer T-2" }), params(o.orderId))).status).toBe(200);
    expect(await orderRow(o.orderId)).toMatchObject({ status: "refunded", needs_attention: false });
    expect(await paymentOf(o.orderId)).toEqual({ status: "refunded", amount_cents: captured, refunded_cents: captured - 500 });
    expect(await moneyAtGateway(o.sessionId)).toEqual({ captured, refunded: 0 });
  });
});

describe("a refund the gateway keeps failing (a closed card)", () => {
  it("after automation gives up, an operator may pay it back another way and record it", async () => {
    process.env.JOB_MAX_ATTEMPTS = "2";
    resetEnvCache();
    await emulatorControl("/_emulator/config", { refundOutcome: "failed" });
    const o = await paidOrderAtGateway({ stock: 2, priceCents: 1800 });
    const admin = await createUser("admin");
    await adminRefund({ adminId: admin, orderId: o.orderId });
    await runOrderJobs(o.orderId, { tasks: ["refund_payment", "poll_refund"], rounds: 4 });
    expect((await refundRows(o.orderId)).map((r) => r.status)).toEqual(["failed", "failed"]);
    expect((await orderRow(o.orderId)).status).toBe("refund_pending");

    signInAs(admin, "admin");
    expect((await refundRoute(post({ outside: true }), params(o.orderId))).status).toBe(202);
    const owed = (await refundRows(o.orderId)).at(-1)!;
    expect(owed).toMatchObject({ status: "pending", outside: true, amount_cents: (await paymentOf(o.orderId)).amount_cents });
    expect(await refundJobs(o.orderId)).toHaveLength(0);
    expect((await paidOutsideRoute(post({ refundId: owed.id, reference: "cheque 000117" }), params(o.orderId))).status).toBe(200);
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect(await moneyAtGateway(o.sessionId)).toMatchObject({ refunded: 0 });
  });
});

describe("POST /api/admin/orders/:id/refund-paid-outside", () => {
  it("operators only (others: 404); a malformed body is a 400, a refund not owed outside a 409, an unknown order a 404; none changes anything", async () => {
    const o = await paidOrderAtGateway({ stock: 2, priceCents: 2000 });
    await loseDisputeOf(o.sessionId, 700);
    const admin = await createUser("admin");
    await adminRefund({ adminId: admin, orderId: o.orderId });
    const [owed] = await refundRows(o.orderId);
    expect(owed).toMatchObject({ outside: true, status: "pending" });
    const good = { refundId: owed!.id, reference: "Bank transfer BT-9" };
    const before = await orderRow(o.orderId);

    // The console's routes do not exist for anybody but an operator (404, as every admin route).
    signInAs(null);
    expect((await paidOutsideRoute(post(good), params(o.orderId))).status).toBe(404);
    signInAs(await createUser(), "customer");
    expect((await paidOutsideRoute(post(good), params(o.orderId))).status).toBe(404);

    signInAs(admin, "admin");
    for (const [body, raw] of [
      [{ refundId: owed!.id }, undefined],
      [{ refundId: owed!.id, reference: "ok" }, undefined], // too short to say how
      [{ refundId: owed!.id, reference: "x".repeat(201) }, undefined],
      [{ refundId: owed!.id, reference: "line one\nline two" }, undefined],
      [{ refundId: "not-a-uuid", reference: "Bank transfer BT-9" }, undefined],
      [{ refundId: owed!.id, reference: 42 }, undefined],
      [undefined, "{not json"],
    ] as const) {
      const response = await paidOutsideRoute(post(body, raw), params(o.orderId));
      expect(response.status, JSON.stringify(body ?? raw)).toBe(400);
    }
    // A refund id that is not owed outside (unknown here), an order that does not exist.
    expect((await paidOutsideRoute(post({ ...good, refundId: randomUUID() }), params(o.orderId))).status).toBe(409);
    expect((await paidOutsideRoute(post(good), params(randomUUID()))).status).toBe(404);
    expect(await orderRow(o.orderId)).toEqual(before);
    expect((await refundRows(o.orderId))[0]).toMatchObject({ status: "pending", outside_reference: null });
  });

  it("a gateway refund cannot be recorded as paid outside: the gateway settles it", async () => {
    const o = await paidOrderAtGateway({ stock: 2, priceCents: 2000 });
    const admin = await createUser("admin");
    await emulatorControl("/_emulator/config", { refundOutcome: "pending" });
    await adminRefund({ adminId: admin, orderId: o.orderId });
    const [sent] = await refundRows(o.orderId);
    expect(sent).toMatchObject({ outside: false, status: "pending" });
    signInAs(admin, "admin");
    const response = await paidOutsideRoute(post({ refundId: sent!.id, reference: "Bank transfer BT-10" }), params(o.orderId));
    expect(response.status).toBe(409);
    expect((await refundRows(o.orderId))[0]).toMatchObject({ status: "pending", outside_reference: null });
  });
});
