import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { checkoutEvent, MODEL_DEADLINE, MODEL_SALE, MODEL_TOTAL, runPure } from "@/test/order-model";
import { MACHINE_VERSION, orderMachine } from "./order-machine";
import { initialSnapshot, loadSnapshot, toStored } from "./order-snapshot";
import { allowedUserActions, isDuplicateEvent, statePath, statusOf } from "./order-status";
import { saleAddsUp } from "./order-sale";
import type { OrderEvent, Sale } from "./order-types";

const DAY = 86_400_000;
const paidAt = 1000;
const pay = (id: string, at = 500): OrderEvent => ({ type: "START_PAYMENT", paymentId: id, at });
/** sale null: a payment reported without gateway details. */
const succeed = (id: string, amountCents = MODEL_SALE.totalCents, at = paidAt, sale: Sale | null = MODEL_SALE): OrderEvent => ({
  type: "PAYMENT_SUCCEEDED",
  paymentId: id,
  amountCents,
  currency: "usd",
  refundId: `r-${id}`,
  ...(sale ? { sale } : {}),
  at,
});
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
    expect(actions[0]!.params).toEqual({ items: [{ bookId: 7, quantity: 2, unitPriceCents: 1299 }] });
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

  it("agrees to the session's total read back from the gateway: address, shipping, tax, discount", () => {
    const paid = paidOrder();
    expect(statusOf(paid)).toBe("paid");
    expect(paid.context.sale).toEqual(MODEL_SALE);
    expect(paid.context.totalCents).toBe(MODEL_TOTAL - 260 + 1499 + 154);
    expect(paid.context.payments[0]).toMatchObject({ status: "paid", amountCents: MODEL_SALE.totalCents });
    const [refunding] = transition(orderMachine, paid, { type: "REQUEST_REFUND", refundId: "r", by: "user", windowDays: 14, at: 2000 });
    expect(refunding.context.refunds[0]).toMatchObject({ amountCents: MODEL_SALE.totalCents });
  });

  const tampered: [string, Partial<Sale>, number?][] = [
    ["a payment that took more than the session's total", {}, MODEL_SALE.totalCents + 1],
    ["a payment that took less", {}, MODEL_SALE.totalCents - 1],
    [
      "a subtotal that is not the books at the store's prices",
      { subtotalCents: MODEL_TOTAL - 100, totalCents: MODEL_SALE.totalCents - 100 },
    ],
    ["a total that does not add up", { totalCents: MODEL_SALE.totalCents + 5 }, MODEL_SALE.totalCents + 5],
    [
      "a discount larger than the books",
      { discountCents: MODEL_TOTAL + 1, lines: [{ discountCents: MODEL_TOTAL + 1, taxCents: 0 }], taxCents: 0, totalCents: 1499 - 1 },
      1498,
    ],
    ["express at the standard price", { shippingCents: 499, totalCents: MODEL_SALE.totalCents - 1000 }, MODEL_SALE.totalCents - 1000],
    [
      "a rate that was never offered",
      { shippingMethod: null, shippingCents: 0, totalCents: MODEL_SALE.totalCents - 1499 },
      MODEL_SALE.totalCents - 1499,
    ],
    ["no shipping address", { address: null }],
    ["another currency", { currency: "eur" }],
    ["lines that are not the order's", { lines: [] }],
    ["line discounts that do not add up", { lines: [{ discountCents: 1, taxCents: 94 }] }],
  ];
  for (const [what, change, amount] of tampered) {
    it(`refuses and flags ${what}`, () => {
      const paying = runPure([checkoutEvent(1), pay("p1")]);
      const event = succeed("p1", amount ?? MODEL_SALE.totalCents, paidAt, { ...MODEL_SALE, ...change });
      const [next, actions] = transition(orderMachine, paying, event);
      expect(statePath(next)).toBe("created.paymentFailed");
      expect(actions.map((a) => a.type)).toEqual(expect.arrayContaining(["flagForOperator", "setPaymentStatus"]));
      expect(actions.map((a) => a.type)).not.toContain("recordSale");
      expect(next.context.sale).toBeNull();
    });
  }

  it("takes a sale without shipping, tax or discount only for orders that offered no shipping", () => {
    const withShipping = runPure([checkoutEvent(1), pay("p1")]);
    expect(statusOf(transition(orderMachine, withShipping, succeed("p1", MODEL_TOTAL, paidAt, null))[0])).toBe("created");
    const { shippingOptions: _none, ...legacyCheckout } = checkoutEvent(1) as Extract<OrderEvent, { type: "CHECKOUT" }>;
    const legacy = runPure([legacyCheckout, pay("p1")]);
    const paid = transition(orderMachine, legacy, succeed("p1", MODEL_TOTAL, paidAt, null))[0];
    expect(statusOf(paid)).toBe("paid");
    expect(saleAddsUp(paid.context.sale!)).toBe(true);
    expect(paid.can({ type: "FULFIL", trackingNumber: "T", estimatedDelivery: "2030-01-01", at: 2000 })).toBe(true);
  });

  it("will not ship an order without an address", () => {
    const paid = paidOrder();
    const fulfil: OrderEvent = { type: "FULFIL", trackingNumber: "T", estimatedDelivery: "2030-01-01", at: 2000 };
    expect(paid.can(fulfil)).toBe(true);
    const stored = toStored(paid);
    const nowhere = loadSnapshot({ ...stored, context: { ...stored.context, sale: { ...MODEL_SALE, address: null } } }, MACHINE_VERSION);
    expect(nowhere.can(fulfil)).toBe(false);
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
    const fail = (refundId: string, retry: string): OrderEvent => ({
      type: "REFUND_FAILED",
      refundId,
      reason: "x",
      retryRefundId: retry,
      maxAttempts: 3,
      at: 3000,
    });
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
  it("does not retry a refund the gateway refused for good (charge_already_refunded …): an operator is told at once", () => {
    const state = transition(orderMachine, paidOrder(), {
      type: "REQUEST_REFUND",
      refundId: "r1",
      by: "user",
      windowDays: 14,
      at: 2000,
    })[0];
    for (const reason of ["charge_already_refunded", "amount_too_large", "charge_disputed"]) {
      const [next, actions] = transition(orderMachine, state, {
        type: "REFUND_FAILED",
        refundId: "r1",
        reason,
        retryRefundId: "r2",
        maxAttempts: 3,
        at: 3000,
      });
      expect(next.context.refunds.map((r) => [r.id, r.status])).toEqual([["r1", "failed"]]);
      expect(actions.map((a) => a.type)).toContain("flagForOperator");
      expect(actions.map((a) => a.type)).not.toContain("refundPayment");
    }
    // Another failure (the card was closed) is tried again under a new id.
    const [retried] = transition(orderMachine, state, {
      type: "REFUND_FAILED",
      refundId: "r1",
      reason: "expired_or_canceled_card",
      retryRefundId: "r2",
      maxAttempts: 3,
      at: 3000,
    });
    expect(retried.context.refunds.map((r) => [r.id, r.status])).toEqual([
      ["r1", "failed"],
      ["r2", "pending"],
    ]);
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

  it("upgrades a v1 order (before shipping, tax and discounts): its total is its subtotal, no rates, no sale", () => {
    const { shippingOptions: _none, ...legacyCheckout } = checkoutEvent(1) as Extract<OrderEvent, { type: "CHECKOUT" }>;
    const stored = toStored(runPure([legacyCheckout, pay("p1")]));
    const { subtotalCents: _s, shippingOptions: _o, sale: _sale, ...v1Context } = stored.context;
    const loaded = loadSnapshot({ value: stored.value, context: v1Context } as unknown as typeof stored, 1);
    expect(loaded.context).toMatchObject({ subtotalCents: MODEL_TOTAL, totalCents: MODEL_TOTAL, shippingOptions: [], sale: null });
    const [paid] = transition(orderMachine, loaded, succeed("p1", MODEL_TOTAL, paidAt, null));
    expect(statusOf(paid)).toBe("paid");
  });
});
