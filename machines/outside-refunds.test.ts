import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { MODEL_SALE, paidModelOrder } from "@/test/order-model";
import { lostInDisputes, refundableCents, refundedCents } from "./line-amounts";
import { orderMachine } from "./order-machine";
import { statePath, type OrderSnapshot } from "./order-status";
import type { OrderEvent } from "./order-types";

// Refunds owed outside the gateway meeting disputes, failures and flags (a review's finds on the first
// version: each sequence below was accepted, or flagged wrongly, before its fix).

const TOTAL = MODEL_SALE.totalCents;
const paid = paidModelOrder;
const adminRefund = (refundId: string, outside?: true): OrderEvent => ({
  type: "REQUEST_REFUND",
  refundId,
  by: "admin",
  windowDays: 14,
  at: 2000,
  ...(outside ? { outside } : {}),
});
// The card was closed: the gateway refuses the refund, automation gives up at once (max 1 attempt).
const closedCard = (refundId: string, maxAttempts = 1): OrderEvent => ({
  type: "REFUND_FAILED",
  refundId,
  reason: "expired_or_canceled_card",
  retryRefundId: `${refundId}-retry`,
  maxAttempts,
  at: 3000,
});
const dispute = (type: "DISPUTE_OPENED" | "DISPUTE_CLOSED", status: string, amountCents = TOTAL): OrderEvent => ({
  type,
  paymentId: "p1",
  disputeId: "dp_1",
  amountCents,
  reason: "product_not_received",
  status,
  evidenceDueBy: null,
  at: 4000,
});
const paidOutside = (refundId: string): OrderEvent => ({
  type: "REFUND_PAID_OUTSIDE",
  refundId,
  reference: "Bank transfer 1",
  by: "admin",
  adminId: "00000000-0000-4000-8000-00000000a0a0",
  at: 5000,
});

function run(snapshot: OrderSnapshot, events: OrderEvent[]) {
  const actions: { type: string; params?: unknown }[][] = [];
  for (const event of events) {
    expect(snapshot.can(event), `${event.type} in ${statePath(snapshot)}`).toBe(true);
    const [next, emitted] = transition(orderMachine, snapshot, event);
    actions.push(emitted.map((a) => ({ type: a.type, params: a.params })));
    snapshot = next;
  }
  return { snapshot, actions };
}
const money = (s: OrderSnapshot) => refundedCents(s.context, "p1") + lostInDisputes(s.context, "p1");

describe("paying back outside the gateway", () => {
  it("an operator may ask for it only as the retry after the gateway failed, never as a first refund", () => {
    expect(paid().can(adminRefund("r1", true))).toBe(false);
    const { snapshot } = run(paid(), [adminRefund("r1"), closedCard("r1")]);
    expect(statePath(snapshot)).toBe("settled.refund_pending");
    const { snapshot: owed, actions } = run(snapshot, [adminRefund("r2", true)]);
    expect(owed.context.refunds.at(-1)).toMatchObject({ id: "r2", outside: true, status: "pending", amountCents: TOTAL });
    expect(actions[0]!.map((a) => a.type)).not.toContain("refundPayment");
  });

  it("not while a dispute of the payment is open, neither asked nor recorded: the bank may give the shopper that money back", () => {
    const failed = run(paid(), [adminRefund("r1"), closedCard("r1")]).snapshot;
    const disputed = run(failed, [dispute("DISPUTE_OPENED", "needs_response")]).snapshot;
    expect(disputed.can(adminRefund("r2", true))).toBe(false);
    // Owed before the dispute opened: it waits for the decision, and the operator is told why.
    const owed = run(failed, [adminRefund("r2", true)]).snapshot;
    const { snapshot: waiting, actions } = run(owed, [dispute("DISPUTE_OPENED", "needs_response")]);
    expect(actions[0]!.find((a) => a.type === "flagForOperator")?.params).toMatchObject({
      reason: expect.stringContaining("what is still to pay waits for the decision") as unknown,
    });
    expect(waiting.can(paidOutside("r2"))).toBe(false);
    // Won: the money is the store's again, the shopper is still owed it; the record goes through.
    const { snapshot: settled } = run(waiting, [dispute("DISPUTE_CLOSED", "won"), paidOutside("r2")]);
    expect(statePath(settled)).toBe("settled.refunded");
    expect(money(settled)).toBe(TOTAL);
  });

  it("a dispute lost while it is owed: the record settles only what is left (nothing, here), never the shopper twice", () => {
    const owed = run(paid(), [adminRefund("r1"), closedCard("r1"), adminRefund("r2", true)]).snapshot;
    const { snapshot: lost, actions } = run(owed, [dispute("DISPUTE_OPENED", "needs_response"), dispute("DISPUTE_CLOSED", "lost")]);
    expect(actions[1]!.find((a) => a.type === "flagForOperator")?.params).toMatchObject({
      reason: expect.stringContaining("pay only up to what is left") as unknown,
    });
    expect(refundableCents(lost.context, "p1")).toBe(0);
    const { snapshot: settled } = run(lost, [paidOutside("r2")]);
    expect(statePath(settled)).toBe("settled.refunded");
    expect(settled.context.refunds.find((r) => r.id === "r2")).toMatchObject({ status: "succeeded", amountCents: 0 });
    expect(money(settled)).toBe(TOTAL);
  });

  it("a dispute lost for part of it while owed: the record settles the rest, so refunded + lost is what was captured", () => {
    const owed = run(paid(), [adminRefund("r1"), closedCard("r1"), adminRefund("r2", true)]).snapshot;
    const lost = run(owed, [dispute("DISPUTE_OPENED", "needs_response", 700), dispute("DISPUTE_CLOSED", "lost", 700)]).snapshot;
    const { snapshot: settled, actions } = run(lost, [paidOutside("r2")]);
    expect(actions[0]!.find((a) => a.type === "setRefundStatus")?.params).toMatchObject({ status: "succeeded", amountCents: TOTAL - 700 });
    expect(statePath(settled)).toBe("settled.refunded");
    expect(money(settled)).toBe(TOTAL);
  });

  it("the gateway cannot fail a refund it never had: REFUND_FAILED for one paid outside is refused", () => {
    const settled = run(paid(), [adminRefund("r1"), closedCard("r1"), adminRefund("r2", true), paidOutside("r2")]).snapshot;
    expect(statePath(settled)).toBe("settled.refunded");
    expect(settled.can(closedCard("r2", 8))).toBe(false);
  });

  it("recording it lowers the flag only when no other money is still to go back (a stray payment's failed refund)", () => {
    const lostInPart = run(paid(), [dispute("DISPUTE_OPENED", "needs_response", 500), dispute("DISPUTE_CLOSED", "lost", 500)]).snapshot;
    const goodwill: OrderEvent = {
      type: "REQUEST_PARTIAL_REFUND",
      refundId: "g1",
      by: "admin",
      amountCents: 300,
      reason: "late",
      windowDays: 14,
      at: 4500,
    };
    const alone = run(lostInPart, [goodwill, paidOutside("g1")]);
    expect(alone.actions[1]!.map((a) => a.type)).toContain("clearOperatorFlag");

    const stray: OrderEvent = {
      type: "UNRECORDED_PAYMENT",
      paymentId: "p9",
      sessionId: "cs_9",
      amountCents: 1500,
      currency: "usd",
      paymentIntentId: "pi_9",
      refundId: "r9",
      at: 1500,
    } as OrderEvent;
    const withStray = run(paid(), [
      stray,
      closedCard("r9"),
      dispute("DISPUTE_OPENED", "needs_response", 500),
      dispute("DISPUTE_CLOSED", "lost", 500),
    ]);
    const { actions } = run(withStray.snapshot, [goodwill, paidOutside("g1")]);
    expect(actions[1]!.map((a) => a.type)).not.toContain("clearOperatorFlag");
    expect(refundableCents(withStray.snapshot.context, "p9")).toBe(1500);
  });
});
