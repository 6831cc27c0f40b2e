import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { checkoutEvent, MODEL_DEADLINE, runPure } from "@/test/order-model";
import { MACHINE_VERSION, orderMachine } from "./order-machine";
import { initialSnapshot, loadSnapshot, toStored } from "./order-snapshot";
import { allowedUserActions, isDuplicateEvent, statePath, statusOf } from "./order-status";
import type { OrderEvent } from "./order-types";

const DAY = 86_400_000;
const paidAt = 1000;
const pay = (id: string, at = 500): OrderEvent => ({ type: "START_PAYMENT", paymentId: id, at });
const succeed = (id: string, amountCents = 2598, at = paidAt): OrderEvent => ({ type: "PAYMENT_SUCCEEDED", paymentId: id, amountCents, currency: "usd", refundId: `r-${id}`, at });
const paidOrder = () => runPure([checkoutEvent(1), pay("p1"), succeed("p1")]);

describe("the order machine", () => {
  it("starts new and derives the public status from nested states", () => {
    expect(statusOf(initialSnapshot())).toBe("new");
    const created = runPure([checkoutEvent(1)]);
    expect(statusOf(created)).toBe("created");
    expect(statePath(created)).toBe("created.awaitingPayment");
    expect(statusOf(paidOrder())).toBe("paid");
    expect(statePath(paidOrder())).toBe("settled.paid");
  });

  it("emits effects as named actions with params, not code", () => {
    const [, actions] = transition(orderMachine, initialSnapshot(), checkoutEvent(7));
    expect(actions.map((a) => a.type)).toEqual(["reserveStock", "scheduleTimeout", "recordEvent", "sendEmail"]);
    expect(actions[0]!.params).toEqual({ items: [{ bookId: 7, quantity: 2 }] });
    expect(actions[1]!.params).toEqual({ runAt: MODEL_DEADLINE });
  });

  it("never treats a wrong amount or currency as paid, and flags it once", () => {
    const paying = runPure([checkoutEvent(1), pay("p1")]);
    const [flagged, actions] = transition(orderMachine, paying, succeed("p1", 1));
    expect(statusOf(flagged)).toBe("created");
    expect(actions.map((a) => a.type)).toContain("flagForOperator");
    expect(flagged.can(succeed("p1", 1))).toBe(false);
    expect(isDuplicateEvent(flagged, succeed("p1", 1))).toBe(true);
  });

  it("refuses payment start and early timeouts around the deadline", () => {
    const created = runPure([checkoutEvent(1)]);
    expect(created.can(pay("p1", MODEL_DEADLINE))).toBe(false);
    expect(created.can({ type: "TIMEOUT", at: MODEL_DEADLINE - 1 })).toBe(false);
    expect(created.can({ type: "TIMEOUT", at: MODEL_DEADLINE })).toBe(true);
  });

  it("lets a shopper ask for a refund only within the window, an admin always", () => {
    const paid = paidOrder();
    const ask = (by: "user" | "admin", at: number): OrderEvent => ({ type: "REQUEST_REFUND", refundId: "r", by, windowDays: 14, at });
    expect(paid.can(ask("user", paidAt + 14 * DAY))).toBe(true);
    expect(paid.can(ask("user", paidAt + 14 * DAY + 1))).toBe(false);
    expect(paid.can(ask("admin", paidAt + 400 * DAY))).toBe(true);
    const fulfilled = transition(orderMachine, paid, { type: "FULFIL", trackingNumber: "T", estimatedDelivery: "2030-01-01", at: 2000 })[0];
    expect(fulfilled.can(ask("user", 3000))).toBe(false);
    expect(fulfilled.can(ask("admin", 3000))).toBe(true);
  });

  it("refunds money that arrives after cancellation", () => {
    const cancelled = runPure([checkoutEvent(1), pay("p1"), { type: "CANCEL", at: 600 }]);
    const [next, actions] = transition(orderMachine, cancelled, succeed("p1"));
    expect(statusOf(next)).toBe("refund_pending");
    expect(actions.map((a) => a.type)).toEqual(expect.arrayContaining(["setPaymentStatus", "createRefund", "refundPayment"]));
    expect(next.context.refunds[0]).toMatchObject({ paymentId: "p1", reason: "late_payment", status: "pending" });
  });

  it("offers shoppers only the actions the machine accepts", () => {
    expect(allowedUserActions(runPure([checkoutEvent(1)]), 100, 14)).toEqual(["pay", "cancel"]);
    expect(allowedUserActions(runPure([checkoutEvent(1)]), MODEL_DEADLINE + 1, 14)).toEqual(["cancel"]);
    expect(allowedUserActions(paidOrder(), paidAt + DAY, 14)).toEqual(["refund"]);
    expect(allowedUserActions(paidOrder(), paidAt + 20 * DAY, 14)).toEqual([]);
  });

  it("retries a failed refund with a new id, then hands it to an operator", () => {
    let state = transition(orderMachine, paidOrder(), { type: "REQUEST_REFUND", refundId: "r1", by: "user", windowDays: 14, at: 2000 })[0];
    const fail = (refundId: string, retry: string): OrderEvent => ({ type: "REFUND_FAILED", refundId, reason: "x", retryRefundId: retry, maxAttempts: 3, at: 3000 });
    state = transition(orderMachine, state, fail("r1", "r2"))[0];
    state = transition(orderMachine, state, fail("r2", "r3"))[0];
    const [last, actions] = transition(orderMachine, state, fail("r3", "r4"));
    expect(last.context.refunds.map((r) => r.status)).toEqual(["failed", "failed", "failed"]);
    expect(actions.map((a) => a.type)).toContain("flagForOperator");
    expect(statusOf(last)).toBe("refund_pending");
    const [retried] = transition(orderMachine, last, { type: "REQUEST_REFUND", refundId: "r5", by: "admin", windowDays: 14, at: 4000 });
    expect(retried.context.refunds.at(-1)).toMatchObject({ id: "r5", status: "pending", paymentId: "p1" });
    const [done] = transition(orderMachine, retried, { type: "REFUND_SUCCEEDED", refundId: "r5", at: 5000 });
    expect(statusOf(done)).toBe("refunded");
  });
});

describe("stored snapshots", () => {
  it("round-trip through JSON at the current version", () => {
    const paid = paidOrder();
    const loaded = loadSnapshot(JSON.parse(JSON.stringify(toStored(paid))), MACHINE_VERSION);
    expect(loaded.value).toEqual(paid.value);
    expect(loaded.context).toEqual(paid.context);
    expect(loaded.can({ type: "FULFIL", trackingNumber: "T", estimatedDelivery: "2030-01-01", at: 1 })).toBe(true);
  });

  it("load from an older machine version through the upgrade steps (simulated bump)", () => {
    // A v1 snapshot as an older release stored it: no `refundFailures` field yet.
    const stored = toStored(paidOrder());
    const { refundFailures: _dropped, ...oldContext } = stored.context;
    const v1 = { value: stored.value, context: oldContext } as unknown as typeof stored;
    const upgrades = { 1: (s: typeof stored) => ({ ...s, context: { ...s.context, refundFailures: s.context.refundFailures ?? 0 } }) };
    const loaded = loadSnapshot(v1, 1, { currentVersion: 2, upgrades });
    expect(loaded.context.refundFailures).toBe(0);
    expect(statusOf(loaded)).toBe("paid");
    expect(() => loadSnapshot(v1, 1, { currentVersion: 2, upgrades: {} })).toThrow(/no upgrade/);
    expect(() => loadSnapshot(stored, MACHINE_VERSION + 1)).toThrow(/newer than this code/);
  });
});
