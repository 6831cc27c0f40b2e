import { describe, expect, it } from "vitest";
import { checkoutEvent, MODEL_SALE, runPure } from "@/test/order-model";
import { linePaidCents, paidCentsForLines, unitAmounts } from "./line-amounts";
import type { OrderContext } from "./order-types";

const context = (overrides: Partial<OrderContext>): OrderContext => ({ ...runPure([checkoutEvent(1)]).context, ...overrides });

describe("line amounts", () => {
  it("a line's paid total is unit price × quantity − its discount + its tax", () => {
    const c = context({ sale: MODEL_SALE });
    expect(linePaidCents(c, 0)).toBe(2 * 1299 - 260 + 94);
    expect(linePaidCents(context({ sale: null }), 0)).toBe(2 * 1299);
    expect(linePaidCents(context({ items: [{ bookId: 1, quantity: 2 }] }), 0)).toBeNull();
    expect(linePaidCents(c, 5)).toBeNull();
  });

  it("units split the total evenly, the remainder on the last unit, and always add up", () => {
    expect(unitAmounts(1000, 3)).toEqual([333, 333, 334]);
    expect(unitAmounts(7, 1)).toEqual([7]);
    expect(unitAmounts(0, 2)).toEqual([0, 0]);
    for (let total = 0; total < 300; total += 7) {
      for (let q = 1; q <= 7; q++) expect(unitAmounts(total, q).reduce((a, b) => a + b, 0)).toBe(total);
    }
  });

  it("paidCentsForLines: the next units of each line; returned units come first; over-asking or unknown lines are null", () => {
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
    expect(paidCentsForLines(c, [{ bookId: 1, quantity: 4 }])).toBeNull();
    expect(paidCentsForLines(c, [{ bookId: 9, quantity: 1 }])).toBeNull();
    expect(paidCentsForLines(c, [{ bookId: 1, quantity: 0 }])).toBeNull();
    // After two units came back, the last one carries the remainder: the three add up to the line.
    const returned = context({
      items,
      sale,
      returns: [
        {
          id: "r1",
          lines: [{ bookId: 1, quantity: 2 }],
          reason: "x",
          status: "received",
          requestedAt: 0,
          expiresAt: 1,
          restocked: [],
          refundId: null,
          refundCents: 1998,
        },
      ],
    });
    expect(paidCentsForLines(returned, [{ bookId: 1, quantity: 1 }])).toBe(1001);
    expect(paidCentsForLines(returned, [{ bookId: 1, quantity: 2 }])).toBeNull();
  });
});
