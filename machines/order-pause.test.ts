import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { AFTER_DEADLINE, BEFORE_DEADLINE, checkoutEvent, MODEL_DEADLINE, MODEL_SALE, runPure } from "@/test/order-model";
import { MACHINE_VERSION, orderMachine } from "./order-machine";
import { loadSnapshot, snapshotUpgrades, toStored, type StoredSnapshot } from "./order-snapshot";
import { isDuplicateEvent, statePath, type OrderSnapshot } from "./order-status";
import type { OrderContext, OrderEvent } from "./order-types";

// Pause and resume, and the "ship by hand" queue, in the pure machine (issue #21).

const TOTAL = MODEL_SALE.totalCents;
const pause: OrderEvent = { type: "PAUSE", by: "admin", reason: "customer called", at: 100 };
const resume: OrderEvent = { type: "RESUME", by: "admin", at: AFTER_DEADLINE };
const placed = () => runPure([checkoutEvent(1)]);
const started = () => runPure([checkoutEvent(1), { type: "START_PAYMENT", paymentId: "p1", at: 500 }]);
const payment = (at = 1000): OrderEvent => ({
  type: "PAYMENT_SUCCEEDED",
  paymentId: "p1",
  amountCents: TOTAL,
  currency: "usd",
  refundId: "r1",
  sale: MODEL_SALE,
  at,
});
const paid = () => runPure([checkoutEvent(1), { type: "START_PAYMENT", paymentId: "p1", at: 500 }, payment()]);
const warehouse: OrderEvent = { type: "FULFIL", trackingNumber: "PL-1", estimatedDelivery: "2030-01-01", at: 2000 };
const byHand: OrderEvent = { ...warehouse, trackingNumber: "1Z-HAND", by: "admin" };
const gaveUp: OrderEvent = { type: "FULFILMENT_FAILED", reason: "the fulfilment job failed: carrier down", at: 3000 };

function step(snapshot: OrderSnapshot, event: OrderEvent) {
  expect(snapshot.can(event), event.type).toBe(true);
  const [next, actions] = transition(orderMachine, snapshot, event);
  return { next, actions, types: actions.map((a) => a.type).filter((t) => !t.startsWith("xstate.")) };
}
const paramsOf = (actions: { type: string; params?: unknown }[], type: string) =>
  actions.filter((a) => a.type === type).map((a) => a.params);

describe("pause and resume", () => {
  it("pausing keeps the state, records who and why, and a second pause is a duplicate", () => {
    const { next, actions, types } = step(placed(), pause);
    expect(statePath(next)).toBe("created.awaitingPayment");
    expect(types).toEqual(["recordPause", "recordEvent"]);
    expect(paramsOf(actions, "recordPause")).toEqual([{ paused: { by: "admin", reason: "customer called", at: 100 } }]);
    expect(next.context.paused).toEqual({ by: "admin", reason: "customer called", at: 100 });
    expect(next.can(pause)).toBe(false);
    expect(isDuplicateEvent(next, pause)).toBe(true);
  });

  it("an order that was never placed cannot be paused; a running one cannot be resumed", () => {
    expect(runPure([]).can(pause)).toBe(false);
    expect(placed().can(resume)).toBe(false);
    expect(isDuplicateEvent(placed(), resume)).toBe(true);
  });

  it("while paused the timeout is refused; resume schedules it again at the deadline, which then cancels", () => {
    const paused = step(started(), pause).next;
    const timeout: OrderEvent = { type: "TIMEOUT", at: AFTER_DEADLINE };
    expect(paused.can(timeout)).toBe(false);
    const { next: resumed, actions, types } = step(paused, resume);
    expect(types).toEqual(["recordPause", "recordEvent", "scheduleTimeout"]);
    expect(paramsOf(actions, "scheduleTimeout")).toEqual([{ runAt: MODEL_DEADLINE }]);
    expect(paramsOf(actions, "recordPause")).toEqual([{ paused: null }]);
    expect(resumed.context.paused).toBeNull();
    expect(statePath(step(resumed, timeout).next)).toBe("settled.cancelled");
  });

  it("money is a fact: a payment that arrives while paused is applied, the warehouse job waits for resume", () => {
    const paused = step(started(), pause).next;
    const { next: paidWhilePaused, types } = step(paused, payment(BEFORE_DEADLINE));
    expect(statePath(paidWhilePaused)).toBe("settled.paid");
    expect(types).toContain("startFulfilment");
    expect(paidWhilePaused.context.paused).not.toBeNull();
    // The job that runs finds it paused; its FULFIL would be refused anyway. An operator may ship by hand.
    expect(paidWhilePaused.can(warehouse)).toBe(false);
    expect(paidWhilePaused.can(byHand)).toBe(true);
    const { types: onResume } = step(paidWhilePaused, resume);
    expect(onResume).toEqual(["recordPause", "recordEvent", "startFulfilment"]);
  });

  it("resume replays pending refunds and requested returns' expiries; return expiry waits while paused", () => {
    const refunding = step(step(paid(), pause).next, {
      type: "REQUEST_REFUND",
      refundId: "r2",
      by: "admin",
      windowDays: 14,
      at: 5000,
    }).next;
    expect(statePath(refunding)).toBe("settled.refund_pending");
    const { actions } = step(refunding, resume);
    expect(paramsOf(actions, "refundPayment")).toEqual([{ refundId: "r2" }]);

    const delivered = runPure([
      checkoutEvent(1),
      { type: "START_PAYMENT", paymentId: "p1", at: 500 },
      payment(),
      warehouse,
      { type: "DELIVER", by: "admin", at: 4000 },
      {
        type: "REQUEST_RETURN",
        returnId: "ret1",
        lines: [{ bookId: 1, quantity: 1 }],
        reason: "Damaged",
        windowDays: 30,
        expiryDays: 21,
        at: 5000,
      },
    ]);
    const pausedReturn = step(delivered, pause).next;
    const expired: OrderEvent = { type: "RETURN_EXPIRED", returnId: "ret1", at: 5000 + 22 * 86_400_000 };
    expect(delivered.can(expired)).toBe(true);
    expect(pausedReturn.can(expired)).toBe(false);
    const { actions: onResume } = step(pausedReturn, resume);
    expect(paramsOf(onResume, "scheduleReturnExpiry")).toEqual([{ returnId: "ret1", runAt: delivered.context.returns[0]!.expiresAt }]);
  });

  it("the system pauses too (repeated job failures); a refund's outcome from the gateway is still applied", () => {
    const refunding = step(paid(), { type: "REQUEST_REFUND", refundId: "r2", by: "admin", windowDays: 14, at: 5000 }).next;
    const paused = step(refunding, { type: "PAUSE", by: "system", reason: "5 job runs failed in a row", at: 6000 }).next;
    expect(paused.context.paused?.by).toBe("system");
    const { next } = step(paused, { type: "REFUND_SUCCEEDED", refundId: "r2", at: 7000 });
    expect(statePath(next)).toBe("settled.refunded");
    expect(next.context.paused).not.toBeNull();
  });
});

describe("ship by hand", () => {
  it("the fulfilment job gave up: the order joins the queue (its job removed), once", () => {
    const { next, actions, types } = step(paid(), gaveUp);
    expect(statePath(next)).toBe("settled.paid");
    expect(types).toEqual(["cancelFulfilment", "recordShipByHand", "recordEvent"]);
    expect(paramsOf(actions, "recordShipByHand")).toEqual([{ reason: "the fulfilment job failed: carrier down" }]);
    expect(next.context.shipByHand).toEqual({ reason: "the fulfilment job failed: carrier down", at: 3000 });
    expect(next.can(gaveUp)).toBe(false);
    expect(isDuplicateEvent(next, gaveUp)).toBe(true);
  });

  it("an operator ships it with their tracking number, paused or not; the queue empties", () => {
    const queued = step(paid(), gaveUp).next;
    const { next: shipped, actions } = step(queued, byHand);
    expect(statePath(shipped)).toBe("settled.fulfilled");
    expect(paramsOf(actions, "recordShipment")).toEqual([{ trackingNumber: "1Z-HAND", estimatedDelivery: "2030-01-01" }]);
    expect(shipped.context.shipByHand).toBeNull();
    const pausedInQueue = step(queued, { type: "PAUSE", by: "system", reason: "failures", at: 3500 }).next;
    expect(statePath(step(pausedInQueue, byHand).next)).toBe("settled.fulfilled");
    // Resuming an order in the queue does not start the warehouse job again: people ship it.
    expect(step(pausedInQueue, resume).types).toEqual(["recordPause", "recordEvent"]);
  });

  it("not before payment, and not while a dispute holds the order", () => {
    expect(started().can(gaveUp)).toBe(false);
    const disputed = step(paid(), {
      type: "DISPUTE_OPENED",
      paymentId: "p1",
      disputeId: "dp_1",
      amountCents: TOTAL,
      reason: "fraudulent",
      status: "needs_response",
      evidenceDueBy: null,
      at: 2500,
    }).next;
    expect(disputed.can(gaveUp)).toBe(false);
  });
});

describe("snapshot v3 → v4", () => {
  it(`MACHINE_VERSION is 5; a stored v3 order loads running and not handed over, and can be paused`, () => {
    expect(MACHINE_VERSION).toBe(5);
    const v4 = toStored(paid());
    const { paused: _p, shipByHand: _s, ...v3context } = v4.context;
    const v3: StoredSnapshot = JSON.parse(JSON.stringify({ value: v4.value, context: v3context as OrderContext })) as StoredSnapshot;
    expect(snapshotUpgrades[3]!(v3).context).toMatchObject({ paused: null, shipByHand: null });
    const loaded = loadSnapshot(v3, 3);
    expect(statePath(loaded)).toBe("settled.paid");
    expect(loaded.context).toMatchObject({ paused: null, shipByHand: null });
    expect(loaded.can(pause)).toBe(true);
    expect(loaded.can(gaveUp)).toBe(true);
  });
});
