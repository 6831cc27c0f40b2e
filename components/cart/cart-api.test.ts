import { describe, expect, it } from "vitest";
import { parseCart } from "./cart-api";

const openOrder = { id: "o1", totalCents: 2500, currency: "usd", paymentDeadline: "2026-11-29T14:00:00.000Z", sameLines: true };
const cart = { items: [], totalCents: 0, currency: "usd", count: 0 };
const copies = [{ bookId: 7, title: "Emma", quantity: 2 }];

describe("parseCart: the open order", () => {
  it("keeps a partial order's copies, ordered and left out", () => {
    const partial = { ordered: copies, leftOut: [{ ...copies[0], quantity: 1 }] };
    expect(parseCart({ ...cart, openOrder: { ...openOrder, partial } })?.openOrder).toEqual({ ...openOrder, partial });
    expect(parseCart({ ...cart, openOrder })?.openOrder).toEqual(openOrder);
  });

  it("drops an open order whose copies are not lists of book copies", () => {
    for (const partial of [null, { ordered: copies }, { ordered: copies, leftOut: [{ bookId: "7", title: "Emma", quantity: 1 }] }]) {
      expect(parseCart({ ...cart, openOrder: { ...openOrder, partial } })?.openOrder).toBeUndefined();
    }
  });
});
