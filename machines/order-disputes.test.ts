import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { checkoutEvent, MODEL_SALE, paidModelOrder, runPure } from "@/test/order-model";
import { lostInDisputes, refundableCents } from "./line-amounts";
import { orderMachine } from "./order-machine";
import { loadSnapshot, snapshotUpgrades, upgradeDisputesV2, type StoredSnapshot } from "./order-snapshot";
import { disputeStandingOf, isDuplicateEvent, statePath, statusOf, type OrderSnapshot } from "./order-status";
import type { OrderEvent } from "./order-types";

const TOTAL = MODEL_SALE.totalCents;
const paid = paidModelOrder;
const fulfil: OrderEvent = { type: "FULFIL", trackingNumber: "PL-1", estimatedDelivery: "2030-01-01", at: 2000 };
const dispute = (
  type: "DISPUTE_OPENED" | "DISPUTE_UPDATED" | "DISPUTE_CLOSED",
  status: string,
  extra: Partial<{ amountCents: number; paymentId: string; evidenceDueBy: number | null }> = {},
): OrderEvent => ({
  type,
  paymentId: "p1",
  disputeId: "dp_1",
  amountCents: TOTAL,
  reason: "fraudulent",
  status,
  evidenceDueBy: 9_000_000,
  at: 3000,
  ...extra,
});
const opened = dispute("DISPUTE_OPENED", "needs_response");
const won = dispute("DISPUTE_CLOSED", "won");
const lost = dispute("DISPUTE_CLOSED", "lost");
const adminRefund: OrderEvent = { type: "REQUEST_REFUND", refundId: "r2", by: "admin", windowDays: 14, at: 4000 };
const userRefund: OrderEvent = { type: "REQUEST_REFUND", refundId: "r2", by: "user", windowDays: 14, at: 4000 };

function run(snapshot: OrderSnapshot, events: OrderEvent[]): { snapshot: OrderSnapshot; actions: string[][] } {
  const actions: string[][] = [];
  for (const event of events) {
    expect(snapshot.can(event), event.type).toBe(true);
    const [next, emitted] = transition(orderMachine, snapshot, event);
    actions.push(emitted.map((a) => a.type));
    snapshot = next;
  }
  return { snapshot, actions };
}

describe("disputes in the order machine", () => {
  it("a dispute on an unshipped order holds fulfilment; won lets it ship", () => {
    const { snapshot: disputed, actions } = run(paid(), [opened]);
    expect(statePath(disputed)).toBe("settled.paid");
    expect(actions[0]).toEqual(["recordDispute", "recordEvent", "cancelFulfilment"]);
    expect(disputed.context.disputes).toEqual([
      {
        id: "dp_1",
        paymentId: "p1",
        amountCents: TOTAL,
        reason: "fraudulent",
        status: "needs_response",
        evidenceDueBy: 9_000_000,
        outcome: "open",
      },
    ]);
    expect(disputeStandingOf(disputed.context)).toBe("disputed");
    expect(disputed.can(fulfil)).toBe(false);
    expect(disputed.can(userRefund)).toBe(false); // the gateway refuses refunds of a disputed charge
    expect(disputed.can(adminRefund)).toBe(false);
    const { snapshot: after, actions: wonActions } = run(disputed, [won]);
    expect(wonActions[0]).toEqual(["recordDispute", "recordEvent", "startFulfilment"]);
    expect(disputeStandingOf(after.context)).toBe("dispute_won");
    expect(statePath(after)).toBe("settled.paid");
    expect(after.can(fulfil)).toBe(true);
    expect(after.can(userRefund)).toBe(true);
    expect(lostInDisputes(after.context)).toBe(0);
  });

  it("lost: the money is counted lost, the hold stays and no refund of it is attempted", () => {
    const { snapshot: afterLoss, actions } = run(paid(), [opened, lost]);
    expect(actions[1]).toEqual(["recordDispute", "recordEvent"]);
    expect(disputeStandingOf(afterLoss.context)).toBe("dispute_lost");
    expect(lostInDisputes(afterLoss.context)).toBe(TOTAL);
    expect(refundableCents(afterLoss.context, afterLoss.context.paidPaymentId)).toBe(0);
    expect(afterLoss.can(fulfil)).toBe(false);
    expect(afterLoss.can(adminRefund)).toBe(false);
    // Nothing to ship or refund: an operator's write-off closes it, its copies back on the shelf, no refund.
    const { snapshot: closed, actions: closing } = run(afterLoss, [{ type: "STOCK_UNAVAILABLE", refundId: "r2", at: 4000 }]);
    expect(statePath(closed)).toBe("settled.refunded");
    expect(closing[0]).toEqual(["cancelFulfilment", "returnStock", "recordEvent"]);
    expect(closed.context.refunds).toEqual(afterLoss.context.refunds);
  });

  it("a partly lost dispute leaves only the rest refundable", () => {
    const part = 1000;
    const { snapshot: shipped } = run(paid(), [fulfil]);
    const { snapshot, actions } = run(shipped, [
      dispute("DISPUTE_OPENED", "needs_response", { amountCents: part }),
      dispute("DISPUTE_CLOSED", "lost", { amountCents: part }),
    ]);
    // Shipped already: nothing to hold.
    expect(actions[0]).toEqual(["recordDispute", "recordEvent"]);
    expect(refundableCents(snapshot.context, snapshot.context.paidPaymentId)).toBe(TOTAL - part);
    const [refunding] = transition(orderMachine, snapshot, adminRefund);
    expect(statusOf(refunding)).toBe("refund_pending");
    expect(refunding.context.refunds.at(-1)).toMatchObject({ amountCents: TOTAL - part, paymentId: "p1" });
  });

  it("updates change the dispute; repeats and news after the decision are duplicates", () => {
    const { snapshot: disputed } = run(paid(), [opened]);
    const review = dispute("DISPUTE_UPDATED", "under_review");
    expect(disputed.can(opened)).toBe(false);
    expect(isDuplicateEvent(disputed, opened)).toBe(true);
    const { snapshot: reviewed, actions } = run(disputed, [review]);
    expect(actions[0]).toEqual(["recordDispute", "recordEvent"]);
    expect(reviewed.context.disputes[0]!.status).toBe("under_review");
    expect(reviewed.can(review)).toBe(false);
    expect(isDuplicateEvent(reviewed, review)).toBe(true);
    const { snapshot: closed } = run(reviewed, [won]);
    for (const late of [opened, review, won, lost]) {
      expect(closed.can(late), late.type).toBe(false);
      expect(isDuplicateEvent(closed, late), late.type).toBe(true);
    }
  });

  it("out of order: closed before created, updated before created", () => {
    const { snapshot: closedFirst, actions } = run(paid(), [lost]);
    // Decided before the order heard it was opened: held at once, and the money is lost.
    expect(actions[0]).toEqual(["recordDispute", "recordEvent", "cancelFulfilment"]);
    expect(lostInDisputes(closedFirst.context)).toBe(TOTAL);
    expect(closedFirst.can(opened)).toBe(false);
    expect(isDuplicateEvent(closedFirst, opened)).toBe(true);

    const { snapshot: wonFirst, actions: wonActions } = run(paid(), [won]);
    expect(wonActions[0]).toEqual(["recordDispute", "recordEvent"]); // never held
    expect(wonFirst.can(fulfil)).toBe(true);

    const { snapshot: updatedFirst } = run(paid(), [dispute("DISPUTE_UPDATED", "under_review")]);
    expect(disputeStandingOf(updatedFirst.context)).toBe("disputed");
    expect(updatedFirst.can(opened)).toBe(false);
    expect(updatedFirst.can(won)).toBe(true);
  });

  it("only for money the order took", () => {
    const created = runPure([checkoutEvent(1), { type: "START_PAYMENT", paymentId: "p1", at: 500 }]);
    expect(created.can(opened)).toBe(false);
    expect(isDuplicateEvent(created, opened)).toBe(false);
    expect(paid().can(dispute("DISPUTE_OPENED", "needs_response", { paymentId: "p-other" }))).toBe(false);
  });

  it("loads a stored v2 snapshot (paid, fulfilled) under v3, and it can be disputed", () => {
    const { snapshot: shipped } = run(paid(), [fulfil]);
    const { disputes: _dropped, ...v2Context } = shipped.context;
    const stored = { value: shipped.value, context: v2Context } as unknown as StoredSnapshot;
    // snapshotUpgrades[2] chains the v3 steps, this one among them.
    expect(snapshotUpgrades[2]!(stored).context).toMatchObject(upgradeDisputesV2(stored).context);
    const loaded = loadSnapshot(stored, 2);
    expect(statePath(loaded)).toBe("settled.fulfilled");
    expect(loaded.context.disputes).toEqual([]);
    const { snapshot: disputed } = run(loaded, [opened, lost]);
    expect(disputeStandingOf(disputed.context)).toBe("dispute_lost");
    expect(statePath(disputed)).toBe("settled.fulfilled");
    // v1 snapshots go through both upgrades.
    const v1 = { value: shipped.value, context: { ...v2Context, subtotalCents: undefined, shippingOptions: undefined, sale: undefined } };
    expect(loadSnapshot(v1 as unknown as StoredSnapshot, 1).context.disputes).toEqual([]);
  });
});
