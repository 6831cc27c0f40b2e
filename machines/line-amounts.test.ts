import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkoutEvent, MODEL_SALE, runPure } from "@/test/order-model";
import { linePaidCents, paidCentsForLines, pricedRefundLines, unitsCents } from "./line-amounts";
import type { OrderContext, RefundState } from "./order-types";

const context = (overrides: Partial<OrderContext>): OrderContext => ({ ...runPure([checkoutEvent(1)]).context, ...overrides });

describe("line amounts", () => {
  it("a line's paid total is unit price × quantity − its discount + its tax", () => {
    const c = context({ sale: MODEL_SALE });
    expect(linePaidCents(c, 0)).toBe(2 * 1299 - 260 + 94);
    expect(linePaidCents(context({ sale: null }), 0)).toBe(2 * 1299);
    expect(linePaidCents(c, 5)).toBe(0);
  });

  it("units split the total evenly, the remainder on the last unit, and always add up", () => {
    expect([0, 1, 2].map((from) => unitsCents(1000, 3, from, 1))).toEqual([333, 333, 334]);
    expect(unitsCents(7, 1, 0, 1)).toBe(7);
    expect(unitsCents(0, 2, 0, 2)).toBe(0);
    for (let total = 0; total < 300; total += 7) {
      for (let q = 1; q <= 7; q++) {
        const oneByOne = Array.from({ length: q }, (_, from) => unitsCents(total, q, from, 1)).reduce((a, b) => a + b, 0);
        expect(oneByOne).toBe(total);
        expect(unitsCents(total, q, 0, q)).toBe(total);
      }
    }
  });

  it("paidCentsForLines: the next units of each line, after those a return's or another refund gave back", () => {
    const items = [
      { bookId: 1, quantity: 3, unitPriceCents: 1000 },
      { bookId: 2, quantity: 1, unitPriceCents: 500 },
    ];
    const sale = {
      ...MODEL_SALE,
      lines: [
        { discountCents: 1, taxCents: 0 },
        { discountCents: 0, taxCents: 40 },
      ],
    };
    const c = context({ items, sale });
    // Line 1: 2999 → 999, 999, 1001. Line 2: 540.
    expect(paidCentsForLines(c, [{ bookId: 1, quantity: 1 }])).toBe(999);
    expect(paidCentsForLines(c, [{ bookId: 1, quantity: 3 }])).toBe(2999);
    expect(
      paidCentsForLines(c, [
        { bookId: 1, quantity: 2 },
        { bookId: 2, quantity: 1 },
      ]),
    ).toBe(999 + 999 + 540);
    expect(paidCentsForLines(c, [{ bookId: 9, quantity: 1 }])).toBe(0);
    // After a return's refund gave two units back, the last one carries the remainder: the three add up to the line.
    const returnRefund = (status: RefundState["status"]): RefundState => ({
      id: "f1",
      paymentId: "p1",
      amountCents: 1998,
      status,
      reason: "returned",
      partial: { lines: [{ bookId: 1, quantity: 2 }], shippingCents: 0, goodwillCents: 0 },
    });
    expect(paidCentsForLines(context({ items, sale, refunds: [returnRefund("succeeded")] }), [{ bookId: 1, quantity: 1 }])).toBe(1001);
    expect(paidCentsForLines(context({ items, sale, refunds: [returnRefund("pending")] }), [{ bookId: 1, quantity: 1 }])).toBe(1001);
    // A failed refund gave its claim back: the units are the first ones again.
    expect(paidCentsForLines(context({ items, sale, refunds: [returnRefund("failed")] }), [{ bookId: 1, quantity: 1 }])).toBe(999);
  });

  it("copies refunded in any order, some refunds failing and asked again: a line never gives back more than it was paid, and all of it once every copy is", () => {
    // A money audit's find: pricing by position let a refund after a failed one take the rounding remainder again.
    const step = fc.oneof(fc.record({ refund: fc.integer({ min: 1, max: 7 }) }), fc.record({ fail: fc.integer({ min: 0, max: 20 }) }));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.array(step, { maxLength: 25 }),
        (quantity, discount, steps) => {
          const items = [{ bookId: 1, quantity, unitPriceCents: 1000 }];
          const sale = { ...MODEL_SALE, lines: [{ discountCents: Math.min(discount, quantity * 1000), taxCents: 7 }] };
          let refunds: RefundState[] = [];
          const paid = linePaidCents(context({ items, sale }), 0);
          for (const [n, s] of steps.entries()) {
            const c = context({ items, sale, refunds });
            const held = refunds.filter((r) => r.status !== "failed");
            const heldUnits = held.reduce((sum, r) => sum + r.partial!.lines[0]!.quantity, 0);
            if ("refund" in s) {
              const units = Math.min(s.refund, quantity - heldUnits);
              if (units === 0) continue;
              const lines = pricedRefundLines(c, [{ bookId: 1, quantity: units }]);
              const amountCents = lines[0]!.cents!;
              refunds = [
                ...refunds,
                {
                  id: `r${n}`,
                  paymentId: "p1",
                  amountCents,
                  status: "succeeded",
                  reason: "requested_by_admin",
                  partial: { lines, shippingCents: 0, goodwillCents: 0 },
                },
              ];
            } else if (held.length > 0) {
              const failing = held[s.fail % held.length]!;
              refunds = refunds.map((r) => (r.id === failing.id ? { ...r, status: "failed" } : r));
            }
            const holding = refunds.filter((r) => r.status !== "failed");
            const cents = holding.reduce((sum, r) => sum + r.amountCents, 0);
            const units = holding.reduce((sum, r) => sum + r.partial!.lines[0]!.quantity, 0);
            expect(cents).toBeLessThanOrEqual(paid);
            if (units === quantity) expect(cents).toBe(paid);
          }
        },
      ),
    );
  });
});
