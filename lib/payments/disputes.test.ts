import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { dispatch } from "@/lib/orders/dispatch";
import { getOrder } from "@/lib/orders/order-view";
import { listStuckOrders } from "@/lib/admin/order-overview";
import { adminFulfil, adminRefund, requestRefund } from "@/lib/orders/user-actions";
import { createUser, eventTypes, jobKeys, orderRow } from "@/test/fixtures";
import { deliver, orderAwaitingPayment, sessionObject, stripeEvent } from "@/test/webhooks";
import { DISPUTE_EARLY_MS } from "./handle-webhook";

// Disputes through the real webhook route (signed events built from Stripe's
// published dispute object), dispatch and the database.

const fixtures = JSON.parse(readFileSync("stripe-emulator/dispute-fixtures.json", "utf8")) as {
  resources: { dispute: Record<string, unknown> };
};
const DUE_BY = 1_900_000_000; // seconds

async function paidOrder() {
  const o = await orderAwaitingPayment();
  const session = sessionObject(o.sessionId, o.orderId, o.paymentId);
  expect((await deliver(stripeEvent("checkout.session.completed", session))).body.outcome).toBe("handled");
  return { ...o, paymentIntentId: session.payment_intent, total: 2598 };
}

function disputeObject(o: { paymentIntentId: string }, id: string, status: string, overrides: Record<string, unknown> = {}) {
  const base = fixtures.resources.dispute;
  return {
    ...base,
    id,
    amount: 2598,
    currency: "usd",
    payment_intent: o.paymentIntentId,
    reason: "fraudulent",
    status,
    evidence_details: { ...(base.evidence_details as object), due_by: DUE_BY },
    ...overrides,
  };
}

const event = (kind: "created" | "updated" | "closed", object: Record<string, unknown>) => stripeEvent(`charge.dispute.${kind}`, object);

async function disputeRows(orderId: string) {
  const { db } = await getDb();
  return db.execute<{
    id: string;
    amount_cents: number;
    gateway_status: string;
    outcome: string;
    reason: string;
    closed: boolean;
    due: string;
  }>(
    sql`select id, amount_cents, gateway_status, outcome, reason, closed_at is not null as closed, evidence_due_by::text as due
        from disputes where order_id = ${orderId} order by id`,
  );
}

describe("disputes by webhook", () => {
  it("opened on an unshipped order: marked disputed and held; updated; won: the hold lifts and it ships", async () => {
    const o = await paidOrder();
    const dp = `dp_${randomUUID().replace(/-/g, "")}`;
    expect(await jobKeys(o.orderId)).toContain(`fulfil:${o.orderId}`);
    const opened = await deliver(event("created", disputeObject(o, dp, "needs_response")));
    expect(opened).toEqual({ status: 200, body: expect.objectContaining({ outcome: "handled" }) });
    expect(await disputeRows(o.orderId)).toEqual([
      expect.objectContaining({
        id: dp,
        amount_cents: 2598,
        gateway_status: "needs_response",
        outcome: "open",
        reason: "fraudulent",
        closed: false,
      }),
    ]);
    expect(new Date((await disputeRows(o.orderId))[0]!.due).getTime()).toBe(DUE_BY * 1000);
    expect(await jobKeys(o.orderId)).not.toContain(`fulfil:${o.orderId}`);
    const view = await getOrder(o.orderId);
    expect(view.status).toBe("paid");
    expect(view.dispute).toEqual({
      id: dp,
      standing: "disputed",
      amountCents: 2598,
      reason: "fraudulent",
      status: "needs_response",
      evidenceDueBy: new Date(DUE_BY * 1000).toISOString(),
    });
    expect(view.allowedActions).not.toContain("refund");
    const admin = await createUser("admin");
    await expect(adminFulfil({ adminId: admin, orderId: o.orderId })).rejects.toMatchObject({ code: "invalid_transition" });
    await expect(requestRefund({ userId: o.userId, orderId: o.orderId })).rejects.toMatchObject({ code: "invalid_transition" });

    expect((await deliver(event("updated", disputeObject(o, dp, "under_review")))).body.outcome).toBe("handled");
    expect((await disputeRows(o.orderId))[0]!.gateway_status).toBe("under_review");
    expect((await deliver(event("closed", disputeObject(o, dp, "won")))).body.outcome).toBe("handled");
    expect(await disputeRows(o.orderId)).toEqual([expect.objectContaining({ outcome: "won", closed: true })]);
    expect(await jobKeys(o.orderId)).toContain(`fulfil:${o.orderId}`);
    expect((await getOrder(o.orderId)).dispute?.standing).toBe("dispute_won");
    expect((await adminFulfil({ adminId: admin, orderId: o.orderId })).status).toBe("fulfilled");
    expect((await eventTypes(o.orderId)).slice(-4)).toEqual(["PaymentDisputed", "DisputeUpdated", "DisputeWon", "OrderFulfilled"]);
  });

  it("lost: the money is counted lost and no refund of it is attempted", async () => {
    const o = await paidOrder();
    const dp = `dp_${randomUUID().replace(/-/g, "")}`;
    await deliver(event("created", disputeObject(o, dp, "needs_response", { amount: 1000 })));
    expect((await deliver(event("closed", disputeObject(o, dp, "lost", { amount: 1000 })))).body.outcome).toBe("handled");
    expect(await disputeRows(o.orderId)).toEqual([expect.objectContaining({ outcome: "lost", amount_cents: 1000, closed: true })]);
    expect((await getOrder(o.orderId)).dispute?.standing).toBe("dispute_lost");
    expect((await getOrder(o.orderId)).refundableCents).toBe(o.total - 1000);
    // Still held: the operator decides. A refund gives back only what the dispute did not take.
    expect(await jobKeys(o.orderId)).not.toContain(`fulfil:${o.orderId}`);
    const admin = await createUser("admin");
    const refunding = await adminRefund({ adminId: admin, orderId: o.orderId });
    expect(refunding.refunds).toEqual([expect.objectContaining({ amountCents: o.total - 1000, status: "pending" })]);
  });

  it("lost in full: nothing is left to refund, and the refund is refused", async () => {
    const o = await paidOrder();
    const dp = `dp_${randomUUID().replace(/-/g, "")}`;
    await deliver(event("created", disputeObject(o, dp, "needs_response")));
    await deliver(event("closed", disputeObject(o, dp, "lost")));
    const admin = await createUser("admin");
    await expect(adminRefund({ adminId: admin, orderId: o.orderId })).rejects.toMatchObject({ code: "invalid_transition" });
    const { db } = await getDb();
    expect(await db.execute(sql`select 1 from refunds where order_id = ${o.orderId}`)).toHaveLength(0);
    expect((await orderRow(o.orderId)).status).toBe("paid");
  });

  it("duplicates and redeliveries change nothing", async () => {
    const o = await paidOrder();
    const dp = `dp_${randomUUID().replace(/-/g, "")}`;
    const created = event("created", disputeObject(o, dp, "needs_response"));
    const results = await Promise.all(Array.from({ length: 8 }, () => deliver(created)));
    expect(results.filter((r) => r.body.outcome === "handled")).toHaveLength(1);
    expect(results.filter((r) => r.body.outcome === "duplicate")).toHaveLength(7);
    // The same news under a new event id: the machine's duplicate.
    expect((await deliver(event("created", disputeObject(o, dp, "needs_response")))).body.outcome).toBe("duplicate");
    expect((await deliver(event("updated", disputeObject(o, dp, "needs_response")))).body.outcome).toBe("duplicate");
    expect((await eventTypes(o.orderId)).filter((t) => t === "PaymentDisputed")).toHaveLength(1);
  });

  it("out of order: closed before created, updated after closed", async () => {
    const o = await paidOrder();
    const dp = `dp_${randomUUID().replace(/-/g, "")}`;
    expect((await deliver(event("closed", disputeObject(o, dp, "lost")))).body.outcome).toBe("handled");
    expect((await deliver(event("created", disputeObject(o, dp, "needs_response")))).body.outcome).toBe("duplicate");
    expect((await deliver(event("updated", disputeObject(o, dp, "under_review")))).body.outcome).toBe("duplicate");
    expect(await disputeRows(o.orderId)).toEqual([expect.objectContaining({ outcome: "lost", gateway_status: "lost" })]);
    expect(await jobKeys(o.orderId)).not.toContain(`fulfil:${o.orderId}`);
    expect((await eventTypes(o.orderId)).filter((t) => t.startsWith("Dispute") || t === "PaymentDisputed")).toEqual(["DisputeLost"]);
  });

  it("a dispute that overtakes its payment is redelivered until the payment is recorded; one never ours is acknowledged", async () => {
    const o = await orderAwaitingPayment();
    const paid = sessionObject(o.sessionId, o.orderId, o.paymentId);
    const early = event(
      "created",
      disputeObject({ paymentIntentId: paid.payment_intent }, `dp_${randomUUID().replace(/-/g, "")}`, "needs_response"),
    );
    // The gateway will send it again: nothing is kept of this delivery.
    expect((await deliver(early)).status).toBe(500);
    expect(await disputeRows(o.orderId)).toEqual([]);
    await deliver(stripeEvent("checkout.session.completed", paid));
    expect((await deliver(early)).body.outcome).toBe("handled");
    expect(await disputeRows(o.orderId)).toEqual([expect.objectContaining({ outcome: "open" })]);

    // Past the grace period, or without a payment intent: not ours, acknowledged, nothing written.
    const stranger = { paymentIntentId: `pi_unknown_${randomUUID().replace(/-/g, "")}` };
    const old = { ...event("created", disputeObject(stranger, `dp_${randomUUID().replace(/-/g, "")}`, "needs_response")) };
    old.created = Math.floor((Date.now() - DISPUTE_EARLY_MS - 60_000) / 1000);
    expect(await deliver(old)).toEqual({ status: 200, body: expect.objectContaining({ outcome: "unknown_payment" }) });
    const none = await deliver(event("created", disputeObject(stranger, "dp_x", "needs_response", { payment_intent: null })));
    expect(none.body.outcome).toBe("unknown_payment");
    const { db } = await getDb();
    expect(await db.execute(sql`select 1 from disputes where id = 'dp_x'`)).toHaveLength(0);
  });

  it("a dispute on a shipped order is recorded without holding anything; through dispatch the same", async () => {
    const o = await paidOrder();
    const admin = await createUser("admin");
    await adminFulfil({ adminId: admin, orderId: o.orderId });
    const dp = `dp_${randomUUID().replace(/-/g, "")}`;
    const result = await dispatch(
      o.orderId,
      {
        type: "DISPUTE_OPENED",
        paymentId: o.paymentId,
        disputeId: dp,
        amountCents: 500,
        reason: "product_not_received",
        status: "needs_response",
        evidenceDueBy: null,
      },
      "gateway",
    );
    expect(result).toMatchObject({ outcome: "accepted", status: "fulfilled" });
    expect((await getOrder(o.orderId)).dispute).toMatchObject({
      standing: "disputed",
      evidenceDueBy: null,
      reason: "product_not_received",
    });
  });
});

describe("the console's needs-attention list", () => {
  it("lists disputed orders first, with amount, reason and evidence due date; a won dispute leaves it", async () => {
    const o = await paidOrder();
    const dp = `dp_${randomUUID().replace(/-/g, "")}`;
    await deliver(event("created", disputeObject(o, dp, "needs_response", { amount: 1234, reason: "product_not_received" })));
    const stuck = await listStuckOrders(1000);
    const ours = stuck.find((s) => s.id === o.orderId);
    expect(ours).toMatchObject({
      disputed: true,
      status: "paid",
      reason: `payment disputed: 12.34 USD, product not received, evidence due ${new Date(DUE_BY * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`,
    });
    // The list's order (other files' tests may leave rows in this database): orders the system paused, then
    // disputed orders, then orders an operator paused, then the rest. An auto-paused order can also have a row of
    // its own further down (its failing job), so the rows are ranked by what each one says, not by the order.
    const rank = (s: (typeof stuck)[number]) =>
      s.reason.startsWith("automation paused") ? 3 : s.disputed ? 2 : s.reason.startsWith("paused by an operator") ? 1 : 0;
    const ranks = stuck.map(rank);
    expect(ranks).toEqual([...ranks].sort((x, y) => y - x));
    expect(ranks).toContain(2);
    await deliver(event("closed", disputeObject(o, dp, "won", { amount: 1234, reason: "product_not_received" })));
    expect((await listStuckOrders(1000)).some((s) => s.id === o.orderId)).toBe(false);
  });
});
