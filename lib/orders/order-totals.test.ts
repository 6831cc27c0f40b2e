import { describe, expect, it } from "vitest";
import { addressLines, awaitingSale, totalsRows } from "./order-totals";

// The lines every page and e-mail prints for an order's money.

const paid = {
  subtotalCents: 3149,
  discountCents: 315,
  shippingCents: 1499,
  taxCents: 173,
  totalCents: 4506,
  promotionCode: "TEN",
  shippingMethod: "express" as const,
};

describe("order totals", () => {
  it("print subtotal, discount (with its code), shipping (with its rate), tax and total, which add up", () => {
    const rows = totalsRows(paid);
    expect(rows.map((r) => [r.label, r.cents])).toEqual([
      ["Subtotal", 3149],
      ["Discount (TEN)", -315],
      ["Shipping (Express)", 1499],
      ["Tax", 173],
      ["Total", 4506],
    ]);
    const total = rows.at(-1)!.cents;
    expect(rows.slice(0, -1).reduce((sum, r) => sum + r.cents, 0)).toBe(total);
  });

  it("show free shipping as 0 and leave out a discount that is not there", () => {
    const rows = totalsRows({
      ...paid,
      discountCents: 0,
      promotionCode: null,
      shippingCents: 0,
      shippingMethod: "standard",
      totalCents: 3322,
    });
    expect(rows.map((r) => r.key)).toEqual(["subtotal", "shipping", "tax", "total"]);
    expect(rows.find((r) => r.key === "shipping")).toMatchObject({ label: "Shipping (Standard)", cents: 0 });
  });

  it("before payment: the books alone, and shipping and tax still to come when rates were offered", () => {
    const unpaid = {
      subtotalCents: 3149,
      discountCents: 0,
      shippingCents: 0,
      taxCents: 0,
      totalCents: 3149,
      promotionCode: null,
      shippingMethod: null,
    };
    expect(totalsRows(unpaid).map((r) => r.key)).toEqual(["subtotal", "total"]);
    expect(awaitingSale({ ...unpaid, shippingOptions: [{}] })).toBe(true);
    expect(awaitingSale({ ...unpaid, shippingOptions: [] })).toBe(false);
  });

  it("write the address as it goes on a parcel", () => {
    expect(
      addressLines({
        name: "Ada Reader",
        line1: "350 5th Ave",
        line2: null,
        city: "New York",
        postalCode: "10118",
        region: "NY",
        country: "US",
      }),
    ).toEqual(["Ada Reader", "350 5th Ave", "New York, NY 10118", "United States"]);
    expect(
      addressLines({
        name: "Ada",
        line1: "10 Downing Street",
        line2: "Flat 1",
        city: "London",
        postalCode: "SW1A 2AA",
        region: null,
        country: "GB",
      }),
    ).toEqual(["Ada", "10 Downing Street", "Flat 1", "London, SW1A 2AA", "United Kingdom"]);
  });
});
