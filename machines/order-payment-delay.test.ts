import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { AFTER_DEADLINE, BEFORE_DEADLINE, checkoutEvent, MODEL_DEADLINE, MODEL_SALE, runPure } from "@/test/order-model";
import { MACHINE_VERSION, orderMachine } from "./order-machine";
import { loadSnapshot, snapshotUpgrades, toStored, type StoredSnapshot } from "./order-snapshot";
import { allowedUserActions, isDuplicateEvent, statePath, statusOf, type OrderSnapshot } from "./order-status";
import type { OrderContext, OrderEvent } from "./order-types";

// The payment delayed while the gateway is down (issue #21, second point), in the pure machine.

const delayed: OrderEvent = { type: "PAYMENT_DELAYED", reason: "circuit_open", at: BEFORE_DEADLINE };
const back: OrderEvent = { type: "GATEWAY_BACK", at: BEFORE_DEADLINE + 60_000 };
const placed = () => runPure([checkoutEvent(1)]);
const waiting = () => runPure([checkoutEvent(1), delayed]);

function step(snapshot: OrderSnapshot, event: OrderEvent) {
  expect(snapshot.can(event), event.type).toBe(true);
  const [next, actions] = transition(orderMachine, snapshot, event);
  return { next, actions, types: actions.map((a) => a.type).filter((t) => !t.startsWith("xstate.")) };
}

describe("a delayed payment", () => {
  it("is a state of the order: still created, stock reserved, deadline unchanged, a probe scheduled", () => {
    const { next, types } = step(placed(), delayed);
    expect(statePath(next)).toBe("created.paymentDelayed");
    expect(statusOf(next)).toBe("created");
    expect(types).toEqual(["scheduleGatewayProbe", "recordEvent"]);
    expect(next.context).toMatchObject({
      stock: "reserved",
      paymentDeadline: MODEL_DEADLINE,
      paymentDelay: { reason: "circuit_open", since: BEFORE_DEADLINE },
    });
  });

  it("a second delay while delayed is a duplicate; a delay after the deadline is refused", () => {
    expect(waiting().can(delayed)).toBe(false);
    expect(isDuplicateEvent(waiting(), delayed)).toBe(true);
    expect(placed().can({ ...delayed, at: AFTER_DEADLINE })).toBe(false);
  });

  it("is not entered while a payment page is open (paying)", () => {
    const paying = runPure([checkoutEvent(1), { type: "START_PAYMENT", paymentId: "p1", at: 500 }]);
    expect(paying.can(delayed)).toBe(false);
  });

  it("when the gateway is back: the pay-link e-mail, once, and the probe ends", () => {
    const { next, actions, types } = step(waiting(), back);
    expect(statePath(next)).toBe("created.awaitingPayment");
    expect(types).toEqual(["cancelGatewayProbe", "recordEvent", "sendEmail"]);
    expect(actions.find((a) => a.type === "sendEmail")?.params).toEqual({ template: "payment_link" });
    // The audit row says since when the payment was delayed (read before the state's exit clears it).
    expect(actions.find((a) => a.type === "recordEvent")?.params).toEqual({
      type: "PaymentResumable",
      payload: { delayedSince: BEFORE_DEADLINE },
    });
    expect(next.context.paymentDelay).toBeNull();
    expect(next.can(back)).toBe(false);
    expect(isDuplicateEvent(next, back)).toBe(true);
  });

  it("the gateway's return means nothing after the deadline or while paused, until RESUME schedules the probe again", () => {
    expect(waiting().can({ ...back, at: AFTER_DEADLINE })).toBe(false);
    const paused = step(waiting(), { type: "PAUSE", by: "admin", reason: "checking", at: BEFORE_DEADLINE + 1 }).next;
    expect(paused.can(back)).toBe(false);
    const { next: resumed, types } = step(paused, { type: "RESUME", by: "admin", at: BEFORE_DEADLINE + 2 });
    expect(types).toEqual(["recordPause", "recordEvent", "scheduleTimeout", "scheduleGatewayProbe"]);
    expect(resumed.can(back)).toBe(true);
  });

  it("the timeout cancels it as usual and releases the stock", () => {
    const { next, types } = step(waiting(), { type: "TIMEOUT", at: AFTER_DEADLINE });
    expect(statePath(next)).toBe("settled.cancelled");
    expect(types).toContain("releaseStock");
    expect(types).toContain("cancelGatewayProbe");
    expect(next.context).toMatchObject({ stock: "released", cancelReason: "timeout", paymentDelay: null });
  });

  it("the shopper may pay again themselves: START_PAYMENT from the delayed state opens a payment", () => {
    expect(allowedUserActions(waiting(), BEFORE_DEADLINE + 1, 14)).toEqual(["pay", "cancel"]);
    const { next, types } = step(waiting(), { type: "START_PAYMENT", paymentId: "p1", at: BEFORE_DEADLINE + 1 });
    expect(statePath(next)).toBe("created.paying");
    expect(types).toContain("cancelGatewayProbe");
    expect(next.context.paymentDelay).toBeNull();
    // Paid on that page: the order is paid like any other.
    const paid = step(next, {
      type: "PAYMENT_SUCCEEDED",
      paymentId: "p1",
      amountCents: MODEL_SALE.totalCents,
      currency: "usd",
      refundId: "r1",
      sale: MODEL_SALE,
      at: BEFORE_DEADLINE + 2,
    }).next;
    expect(statePath(paid)).toBe("settled.paid");
  });

  it("after a declined card or a cancelled page the gateway may be down too", () => {
    const failed = runPure([
      checkoutEvent(1),
      { type: "START_PAYMENT", paymentId: "p1", at: 500 },
      { type: "PAYMENT_FAILED", paymentId: "p1", reason: "card_declined", at: 600 },
    ]);
    expect(statePath(step(failed, delayed).next)).toBe("created.paymentDelayed");
    const cancelled = runPure([
      checkoutEvent(1),
      { type: "START_PAYMENT", paymentId: "p1", at: 500 },
      { type: "PAYMENT_CANCELLED", paymentId: "p1", at: 600 },
    ]);
    expect(statePath(step(cancelled, delayed).next)).toBe("created.paymentDelayed");
  });
});

describe("snapshot v4 → v5", () => {
  it("MACHINE_VERSION is 5; a stored v4 order loads never delayed, and can be delayed", () => {
    expect(MACHINE_VERSION).toBe(5);
    const v5 = toStored(placed());
    const { paymentDelay: _d, ...v4context } = v5.context;
    const v4 = JSON.parse(JSON.stringify({ value: v5.value, context: v4context as OrderContext })) as StoredSnapshot;
    expect(snapshotUpgrades[4]!(v4).context).toMatchObject({ paymentDelay: null });
    const loaded = loadSnapshot(v4, 4);
    expect(statePath(loaded)).toBe("created.awaitingPayment");
    expect(loaded.context.paymentDelay).toBeNull();
    expect(loaded.can(delayed)).toBe(true);
  });
});
