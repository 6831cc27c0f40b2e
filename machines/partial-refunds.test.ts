import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { MODEL_SHIPPING, runPure } from "@/test/order-model";
import {
  linePaidCents,
  paidCentsForLines,
  partialRefundProblem,
  pricedItems,
  refundableCents,
  refundedQuantities,
  unitsCents,
} from "./line-amounts";
import { MACHINE_VERSION, orderMachine } from "./order-machine";
import { loadSnapshot, toStored, upgradeRefundsV2, type StoredSnapshot } from "./order-snapshot";
import { canRefundLines, displayStatusOf, statePath, statusOf, type OrderSnapshot } from "./order-status";
import type { LineItem, OrderContext, OrderEvent, Sale } from "./order-types";

// Partial refunds in the pure machine: what lines are worth, what may be
// refunded, where stock goes, and how orders stored by machine v2 carry over.

const DAY = 86_400_000;
const A = 11; // two copies at 12.99
const B = 22; // one copy at 20.00
const SUBTOTAL = 2 * 1299 + 2000;
const SALE: Sale = {
  currency: "usd",
  subtotalCents: SUBTOTAL,
  discountCents: 301,
  shippingCents: 499,
  taxCents: 251,
  totalCents: SUBTOTAL - 301 + 499 + 251,
  shippingMethod: "standard",
  address: { name: "Ada Reader", line1: "1 Main St", line2: null, city: "Albany", postalCode: "12207", region: "NY", country: "US" },
  email: "ada@example.com",
  promotionCode: "SAVE",
  // Line A: 2598 − 201 + 150 = 2547 (1273 + 1274); line B: 2000 − 100 + 80 = 1980; shipping tax 21.
  lines: [
    { discountCents: 201, taxCents: 150 },
    { discountCents: 100, taxCents: 80 },
  ],
};
const PAID_AT = 5000;

const checkout: OrderEvent = {
  type: "CHECKOUT",
  orderId: "order",
  items: [
    { bookId: A, quantity: 2, unitPriceCents: 1299 },
    { bookId: B, quantity: 1, unitPriceCents: 2000 },
  ],
  totalCents: SUBTOTAL,
  currency: "usd",
  paymentDeadline: 1_800_000,
  shippingOptions: MODEL_SHIPPING,
  at: 0,
};
const paid = () =>
  runPure([
    checkout,
    { type: "START_PAYMENT", paymentId: "p1", at: 100 },
    { type: "PAYMENT_SUCCEEDED", paymentId: "p1", amountCents: SALE.totalCents, currency: "usd", refundId: "r0", sale: SALE, at: PAID_AT },
  ]);
const partial = (
  refundId: string,
  by: "user" | "admin",
  body: { lines?: LineItem[]; shippingCents?: number; amountCents?: number },
  at = PAID_AT + DAY,
): OrderEvent => ({ type: "REQUEST_PARTIAL_REFUND", refundId, by, ...body, reason: "damaged", windowDays: 14, at });
const fulfil: OrderEvent = { type: "FULFIL", trackingNumber: "PL-1", estimatedDelivery: "2030-01-01", at: PAID_AT + 10 };
const succeeded = (refundId: string): OrderEvent => ({ type: "REFUND_SUCCEEDED", refundId, at: PAID_AT + 2 * DAY });
const failed = (refundId: string, retryRefundId: string): OrderEvent => ({
  type: "REFUND_FAILED",
  refundId,
  reason: "insufficient_funds",
  retryRefundId,
  maxAttempts: 2,
  at: PAID_AT + 2 * DAY,
});

function step(snapshot: OrderSnapshot, event: OrderEvent) {
  expect(snapshot.can(event)).toBe(true);
  const [next, actions] = transition(orderMachine, snapshot, event);
  return { next, actions, params: (type: string) => actions.filter((a) => a.type === type).map((a) => a.params) };
}

describe("line amounts", () => {
  const context = paid().context;

  it("a line's paid total is price × quantity − its discount + its tax, and its units add up to it exactly", () => {
    expect(linePaidCents(context, 0)).toBe(2547);
    expect(linePaidCents(context, 1)).toBe(1980);
    expect([unitsCents(2547, 2, 0, 1), unitsCents(2547, 2, 1, 1)]).toEqual([1273, 1274]);
    for (const [paidCents, quantity] of [
      [1001, 3],
      [7, 5],
      [0, 2],
      [99_999, 50],
    ] as const) {
      let sum = 0;
      for (let unit = 0; unit < quantity; unit++) sum += unitsCents(paidCents, quantity, unit, 1);
      expect(sum).toBe(paidCents);
      expect(unitsCents(paidCents, quantity, 0, quantity)).toBe(paidCents);
    }
  });

  it("paidCentsForLines prices the next units after those already refunded", () => {
    expect(paidCentsForLines(context, [{ bookId: A, quantity: 1 }])).toBe(1273);
    expect(
      paidCentsForLines(context, [
        { bookId: A, quantity: 2 },
        { bookId: B, quantity: 1 },
      ]),
    ).toBe(2547 + 1980);
    const { next } = step(paid(), partial("r1", "user", { lines: [{ bookId: A, quantity: 1 }] }));
    expect(refundedQuantities(next.context).get(A)).toBe(1);
    expect(paidCentsForLines(next.context, [{ bookId: A, quantity: 1 }])).toBe(1274);
  });

  it("prices missing from an old order's lines are the subtotal spread over its units", () => {
    expect(pricedItems([{ bookId: 1, quantity: 2 }], 2598)).toEqual([{ bookId: 1, quantity: 2, unitPriceCents: 1299 }]);
    expect(pricedItems([{ bookId: 1, quantity: 1, unitPriceCents: 700 }], 700)).toEqual([{ bookId: 1, quantity: 1, unitPriceCents: 700 }]);
  });

  it("says why a partial refund is refused", () => {
    const problem = (body: Parameters<typeof partial>[2], by: "user" | "admin" = "admin") =>
      partialRefundProblem(context, partial("x", by, body) as Extract<OrderEvent, { type: "REQUEST_PARTIAL_REFUND" }>);
    expect(problem({ lines: [{ bookId: A, quantity: 2 }] })).toBeNull();
    expect(problem({ lines: [{ bookId: A, quantity: 3 }] })).toMatch(/2 of 2 copies are left/);
    expect(problem({ lines: [{ bookId: 999, quantity: 1 }] })).toMatch(/not on this order/);
    expect(problem({ lines: [{ bookId: A, quantity: 0 }] })).toMatch(/at least 1/);
    expect(
      problem({
        lines: [
          { bookId: A, quantity: 1 },
          { bookId: A, quantity: 1 },
        ],
      }),
    ).toMatch(/named twice/);
    // The shipping's price and its tax (21): all of what was paid for it.
    expect(problem({ shippingCents: 521 })).toMatch(/520 of the shipping/);
    expect(problem({ shippingCents: 520 })).toBeNull();
    expect(problem({ amountCents: SALE.totalCents + 1 })).toMatch(/more than the/);
    expect(problem({ amountCents: -1 })).toMatch(/not negative/);
    expect(problem({})).toBe("nothing to refund");
    expect(problem({ shippingCents: 100 }, "user")).toMatch(/lines only/);
    expect(problem({ amountCents: SALE.totalCents })).toBeNull();
  });
});

describe("partial refunds in the machine", () => {
  it("a shopper refunds one line before shipping: the order stays paid, the copy goes back on the shelf", () => {
    const { next, params } = step(paid(), partial("r1", "user", { lines: [{ bookId: B, quantity: 1 }] }));
    expect(statePath(next)).toBe("settled.paid");
    expect(params("returnStock")).toEqual([{ items: [{ bookId: B, quantity: 1 }] }]);
    expect(params("createRefund")).toEqual([
      { refundId: "r1", paymentId: "p1", amountCents: 1980, currency: "usd", reason: "requested_by_customer" },
    ]);
    expect(params("refundPayment")).toEqual([{ refundId: "r1" }]);
    expect(next.context.restocked).toEqual([{ bookId: B, quantity: 1 }]);
    expect(displayStatusOf(statusOf(next), next.context)).toBe("partially_refunded");
    // The same copy cannot be refunded twice; the other line still can.
    expect(next.can(partial("r2", "user", { lines: [{ bookId: B, quantity: 1 }] }))).toBe(false);
    expect(canRefundLines(next, PAID_AT + DAY, 14)).toBe(true);
    // Settled: the payment stays paid, the order too.
    const landed = step(next, succeeded("r1"));
    expect(statePath(landed.next)).toBe("settled.paid");
    expect(landed.params("setPaymentStatus")).toEqual([]);
    expect(landed.next.context.payments[0]!.status).toBe("paid");
  });

  it("a shopper may not ask after shipping, outside the window, or for shipping or goodwill", () => {
    const order = paid();
    expect(order.can(partial("r1", "user", { lines: [{ bookId: A, quantity: 1 }] }, PAID_AT + 15 * DAY))).toBe(false);
    expect(order.can(partial("r1", "user", { shippingCents: 499 }))).toBe(false);
    expect(order.can(partial("r1", "user", { amountCents: 100 }))).toBe(false);
    const [shipped] = transition(orderMachine, order, fulfil);
    expect(shipped.can(partial("r1", "user", { lines: [{ bookId: A, quantity: 1 }] }))).toBe(false);
    expect(canRefundLines(shipped, PAID_AT + DAY, 14)).toBe(false);
  });

  it("an operator refunds shipped lines, the shipping and goodwill: no stock moves, never more than captured", () => {
    const [shipped] = transition(orderMachine, paid(), fulfil);
    const lines = step(shipped, partial("r1", "admin", { lines: [{ bookId: A, quantity: 2 }], shippingCents: 499 }));
    expect(lines.params("returnStock")).toEqual([]);
    expect(lines.params("createRefund")[0]).toMatchObject({ amountCents: 2547 + 499, reason: "requested_by_admin" });
    const left = refundableCents(lines.next.context, "p1");
    expect(left).toBe(SALE.totalCents - 2547 - 499);
    expect(lines.next.can(partial("r2", "admin", { amountCents: left + 1 }))).toBe(false);
    const goodwill = step(lines.next, partial("r2", "admin", { amountCents: left }));
    expect(refundableCents(goodwill.next.context, "p1")).toBe(0);
    // Nothing left: no further refund of any kind.
    expect(goodwill.next.can(partial("r3", "admin", { amountCents: 1 }))).toBe(false);
    expect(goodwill.next.can({ type: "REQUEST_REFUND", refundId: "r3", by: "admin", windowDays: 14, at: PAID_AT + DAY })).toBe(false);
    // The first lands: still shipped; the last lands: refunded.
    const first = step(goodwill.next, succeeded("r1"));
    expect(statePath(first.next)).toBe("settled.fulfilled");
    const last = step(first.next, succeeded("r2"));
    expect(statePath(last.next)).toBe("settled.refunded");
    expect(last.params("setPaymentStatus")).toEqual([{ paymentIds: ["p1"], status: "refunded" }]);
  });

  it("before shipping, partial refunds that give everything back end refunded with every copy on the shelf", () => {
    const a = step(paid(), partial("r1", "admin", { lines: [{ bookId: A, quantity: 1 }] }));
    const rest = refundableCents(a.next.context, "p1");
    const b = step(a.next, partial("r2", "admin", { amountCents: rest }));
    const c = step(b.next, succeeded("r2"));
    expect(statePath(c.next)).toBe("settled.paid");
    const d = step(c.next, succeeded("r1"));
    expect(statePath(d.next)).toBe("settled.refunded");
    expect(d.params("cancelFulfilment")).toHaveLength(1);
    expect(d.params("returnStock")).toEqual([
      {
        items: [
          { bookId: A, quantity: 1 },
          { bookId: B, quantity: 1 },
        ],
      },
    ]);
    expect(d.next.context.stock).toBe("returned");
  });

  it("a whole refund after a partial one gives back the rest and returns only the copies still out", () => {
    const a = step(paid(), partial("r1", "user", { lines: [{ bookId: A, quantity: 1 }] }));
    const whole = step(a.next, { type: "REQUEST_REFUND", refundId: "r2", by: "user", windowDays: 14, at: PAID_AT + DAY });
    expect(statePath(whole.next)).toBe("settled.refund_pending");
    expect(whole.params("createRefund")[0]).toMatchObject({ amountCents: SALE.totalCents - 1273 });
    expect(whole.params("returnStock")).toEqual([
      {
        items: [
          { bookId: A, quantity: 1 },
          { bookId: B, quantity: 1 },
        ],
      },
    ]);
    const r2 = step(whole.next, succeeded("r2"));
    expect(statePath(r2.next)).toBe("settled.refund_pending");
    expect(statePath(step(r2.next, succeeded("r1")).next)).toBe("settled.refunded");
  });

  it("a refused partial refund is retried with its lines; once automation gives up, the lines may be asked again without restocking twice", () => {
    const a = step(paid(), partial("r1", "user", { lines: [{ bookId: A, quantity: 1 }] }));
    const retry = step(a.next, failed("r1", "r1b"));
    expect(retry.next.context.refunds.at(-1)).toMatchObject({
      id: "r1b",
      amountCents: 1273,
      partial: { lines: [{ bookId: A, quantity: 1 }] },
    });
    const gaveUp = step(retry.next, failed("r1b", "r1c"));
    expect(gaveUp.params("flagForOperator")).toHaveLength(1);
    expect(refundableCents(gaveUp.next.context, "p1")).toBe(SALE.totalCents);
    expect(displayStatusOf(statusOf(gaveUp.next), gaveUp.next.context)).toBe("paid");
    const again = step(gaveUp.next, partial("r2", "admin", { lines: [{ bookId: A, quantity: 1 }] }));
    expect(again.params("returnStock")).toEqual([]);
    expect(again.params("createRefund")[0]).toMatchObject({ amountCents: 1273 });
  });

  it("shipping what is left: nothing once every copy went back", () => {
    const a = step(
      paid(),
      partial("r1", "admin", {
        lines: [
          { bookId: A, quantity: 2 },
          { bookId: B, quantity: 1 },
        ],
      }),
    );
    expect(a.next.can(fulfil)).toBe(false);
    const b = step(paid(), partial("r1", "admin", { lines: [{ bookId: A, quantity: 1 }] }));
    expect(b.next.can(fulfil)).toBe(true);
  });
});

describe("orders stored by machine v2", () => {
  // As machine v2 stored them: lines without prices (migration 0011 adds them from order_items), no restocked list.
  function asV2(snapshot: OrderSnapshot, prices: boolean): StoredSnapshot {
    const stored = toStored(snapshot);
    const context = { ...stored.context } as Partial<OrderContext> & OrderContext;
    context.items = context.items.map((i) => (prices ? i : ({ bookId: i.bookId, quantity: i.quantity } as typeof i)));
    delete (context as Partial<OrderContext>).restocked;
    return JSON.parse(JSON.stringify({ ...stored, context })) as StoredSnapshot;
  }

  it("is version 5 (v2 snapshots still load: upgradeRefundsV2 is the step from 2)", () => {
    expect(MACHINE_VERSION).toBe(5);
  });

  it("paid: loads, keeps the prices the migration copied, and refunds a line", () => {
    const loaded = loadSnapshot(asV2(paid(), true), 2);
    expect(statePath(loaded)).toBe("settled.paid");
    expect(loaded.context.restocked).toEqual([]);
    const { params } = step(loaded, partial("r1", "user", { lines: [{ bookId: B, quantity: 1 }] }));
    expect(params("createRefund")[0]).toMatchObject({ amountCents: 1980 });
  });

  it("without prices, the subtotal is spread over the units", () => {
    const upgraded = upgradeRefundsV2(asV2(paid(), false));
    expect(upgraded.context.items.map((i) => i.unitPriceCents)).toEqual([1532, 1532]);
  });

  it("fulfilled: loads and takes an operator's partial refund, then a whole one for the rest", () => {
    const [shipped] = transition(orderMachine, paid(), fulfil);
    const loaded = loadSnapshot(asV2(shipped, true), 2);
    const a = step(loaded, partial("r1", "admin", { shippingCents: 499 }));
    const whole = step(a.next, { type: "REQUEST_REFUND", refundId: "r2", by: "admin", windowDays: 14, at: PAID_AT + DAY });
    expect(whole.params("createRefund")[0]).toMatchObject({ amountCents: SALE.totalCents - 499 });
  });

  it("refund_pending (a whole refund before shipping): its copies count as back on the shelf, and it settles", () => {
    const [pending] = transition(orderMachine, paid(), {
      type: "REQUEST_REFUND",
      refundId: "r1",
      by: "user",
      windowDays: 14,
      at: PAID_AT + DAY,
    });
    const loaded = loadSnapshot(asV2(pending, true), 2);
    expect(loaded.context.restocked).toEqual([
      { bookId: A, quantity: 2 },
      { bookId: B, quantity: 1 },
    ]);
    expect(loaded.can(partial("r2", "admin", { amountCents: 1 }))).toBe(false);
    expect(statePath(step(loaded, succeeded("r1")).next)).toBe("settled.refunded");
  });
});
