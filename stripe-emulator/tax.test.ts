import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate, lineDiscounts, priceSession, roundDiv, type LineInput, type TaxInput, type TaxLine } from "./domain/pricing";
import { jurisdictionFor, locationComplete, taxTableMarkdown, taxTableRows, type TaxKind } from "./domain/tax-table";

// The emulator's tax table and money arithmetic, without a server: every
// rule the README states about rounding, discounts, tax and shipping.

const automatic = (country: string, state: string | null = null): TaxInput => ({
  mode: "automatic",
  jurisdiction: jurisdictionFor({ country, state }),
});
const line = (amount: number, kind: TaxKind = "books", inclusive = false): LineInput => ({ amount, inclusive, kind, manualRates: [] });
/** [display name, percentage, reason, amount] of each tax line. */
const summary = (taxes: TaxLine[]) =>
  taxes.map((t) => [
    t.rate.source === "automatic" ? t.rate.component.displayName : t.rate.id,
    t.rate.percentage / 1000,
    t.taxabilityReason,
    t.amount,
  ]);

describe("rounding and sharing money", () => {
  it("rounds half up", () => {
    expect([roundDiv(4, 10), roundDiv(5, 10), roundDiv(15, 10), roundDiv(0, 7)]).toEqual([0, 1, 2, 0]);
  });

  it("shares an amount in proportion, exactly, leftover cents to the largest remainders (earlier line on a tie)", () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(500, [2598, 850])).toEqual([377, 123]);
    expect(allocate(7, [0, 0])).toEqual([0, 0]);
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.array(fc.nat(100_000), { minLength: 1, maxLength: 8 }), (total, weights) => {
        const shares = allocate(total, weights);
        const sum = weights.reduce((a, b) => a + b, 0);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(sum === 0 ? 0 : total);
        shares.forEach((share, i) => expect(Math.abs(share - (sum ? (total * weights[i]!) / sum : 0))).toBeLessThan(1));
      }),
    );
  });

  it("rounds a percentage off per line, so the discount can differ from rounding the total once", () => {
    expect(lineDiscounts([2598, 850], { percentOff: 1000 })).toEqual([260, 85]);
    // 10 % of 105 is 10.5 → 11 on each line: 22, where 10 % of 210 would be 21.
    expect(lineDiscounts([105, 105], { percentOff: 1000 })).toEqual([11, 11]);
    expect(lineDiscounts([1000], { percentOff: 2550 })).toEqual([255]);
  });

  it("shares an amount off over the lines by their amounts and never takes off more than they cost", () => {
    expect(lineDiscounts([2598, 850], { amountOff: 500 })).toEqual([377, 123]);
    expect(lineDiscounts([300, 200], { amountOff: 10_000 })).toEqual([300, 200]);
  });
});

describe("the tax table", () => {
  it("taxes printed books at the reduced rate where there is one, other goods at the standard rate", () => {
    const priced = (country: string, state: string | null, kind: TaxKind) =>
      summary(
        priceSession({ lines: [line(10_000, kind)], shipping: null, discount: null, tax: automatic(country, state) }).lines[0]!.taxes,
      );
    expect(priced("DE", null, "books")).toEqual([["VAT", 7, "reduced_rated", 700]]);
    expect(priced("DE", null, "standard")).toEqual([["VAT", 19, "standard_rated", 1900]]);
    expect(priced("FR", null, "books")).toEqual([["VAT", 5.5, "reduced_rated", 550]]);
    expect(priced("GB", null, "books")).toEqual([["VAT", 0, "zero_rated", 0]]);
    expect(priced("GB", null, "standard")).toEqual([["VAT", 20, "standard_rated", 2000]]);
    expect(priced("IE", null, "books")).toEqual([["VAT", 0, "zero_rated", 0]]);
    expect(priced("US", "CA", "books")).toEqual([["Sales Tax", 7.25, "standard_rated", 725]]);
    expect(priced("CA", "ON", "books")).toEqual([["HST", 5, "reduced_rated", 500]]);
    expect(priced("CA", "ON", "standard")).toEqual([["HST", 13, "standard_rated", 1300]]);
    // Books are exempt from British Columbia's PST: only GST remains.
    expect(priced("CA", "BC", "books")).toEqual([["GST", 5, "standard_rated", 500]]);
    expect(priced("CA", "BC", "standard")).toEqual([
      ["GST", 5, "standard_rated", 500],
      ["PST", 7, "standard_rated", 700],
    ]);
    expect(priced("CA", "QC", "books")).toEqual([
      ["GST", 5, "standard_rated", 500],
      ["QST", 0, "zero_rated", 0],
    ]);
    expect(priced("CA", "QC", "standard")).toEqual([
      ["GST", 5, "standard_rated", 500],
      ["QST", 9.975, "standard_rated", 998],
    ]);
    expect(priced("DE", null, "nontaxable")).toEqual([]);
  });

  it("collects nothing where the merchant is not registered, and needs the state or province in the US and Canada", () => {
    expect(jurisdictionFor({ country: "US", state: "OR" })).toBeNull();
    expect(jurisdictionFor({ country: "JP", state: null })).toBeNull();
    expect(priceSession({ lines: [line(1000)], shipping: null, discount: null, tax: automatic("JP") }).amountTax).toBe(0);
    expect(locationComplete({ country: "US", state: null })).toBe(false);
    expect(locationComplete({ country: "CA", state: "QC" })).toBe(true);
    expect(locationComplete({ country: "DE", state: null })).toBe(true);
  });

  it("taxes shipping by the destination's rule", () => {
    const shipping = { amount: 1000, inclusive: false, kind: "shipping" as const };
    const ship = (tax: TaxInput, lines = [line(2000)]) => summary(priceSession({ lines, shipping, discount: null, tax }).shipping!.taxes);
    expect(ship(automatic("US", "CA"))).toEqual([]);
    expect(ship(automatic("US", "NY"))).toEqual([["Sales Tax", 4, "standard_rated", 40]]);
    // Delivery follows the goods: books only → the books' rate.
    expect(ship(automatic("DE"))).toEqual([["VAT", 7, "proportionally_rated", 70]]);
    expect(ship(automatic("GB"))).toEqual([["VAT", 0, "proportionally_rated", 0]]);
    // Half books, half other goods: half the shipping at each rate.
    expect(ship(automatic("DE"), [line(1000), line(1000, "standard")])).toEqual([
      ["VAT", 7, "proportionally_rated", 35],
      ["VAT", 19, "proportionally_rated", 95],
    ]);
    expect(ship(automatic("CA", "BC"), [line(1000), line(1000, "standard")])).toEqual([
      ["GST", 5, "proportionally_rated", 50],
      ["PST", 7, "proportionally_rated", 35],
    ]);
    // Nothing left to follow (everything discounted): the standard rate.
    expect(
      summary(priceSession({ lines: [line(2000)], shipping, discount: { percentOff: 10_000 }, tax: automatic("DE") }).shipping!.taxes),
    ).toEqual([["VAT", 19, "standard_rated", 190]]);
    expect(
      summary(
        priceSession({ lines: [line(2000)], shipping: { ...shipping, kind: "nontaxable" }, discount: null, tax: automatic("NY") }).shipping!
          .taxes,
      ),
    ).toEqual([]);
  });

  it("taxes the amount after the discount, and shipping is never discounted", () => {
    const priced = priceSession({
      lines: [line(2598), line(850)],
      shipping: { amount: 1299, inclusive: false, kind: "shipping" },
      discount: { percentOff: 1000 },
      tax: automatic("DE"),
    });
    expect(priced.lines.map((l) => [l.amountSubtotal, l.amountDiscount, l.amountTax, l.amountTotal])).toEqual([
      [2598, 260, 164, 2502],
      [850, 85, 54, 819],
    ]);
    expect(priced.shipping).toMatchObject({ amountSubtotal: 1299, amountTax: 91, amountTotal: 1390 });
    expect(priced).toMatchObject({ amountSubtotal: 3448, amountDiscount: 345, amountShipping: 1299, amountTax: 309, amountTotal: 4711 });
  });

  it("works out inclusive tax as the part of the price that is tax", () => {
    const priced = priceSession({ lines: [line(1190, "standard", true)], shipping: null, discount: null, tax: automatic("DE") });
    expect(priced.lines[0]).toMatchObject({ amountTax: 190, amountTotal: 1190, taxes: [{ amount: 190, taxableAmount: 1000 }] });
    expect(priced.amountTotal).toBe(1190);
  });

  it("applies manual tax rates per line, inclusive or not, and leaves shipping untaxed", () => {
    const manual: LineInput = {
      amount: 1000,
      inclusive: false,
      kind: "standard",
      manualRates: [{ id: "txr_a", percentage: 8875, inclusive: false }],
    };
    const priced = priceSession({
      lines: [manual],
      shipping: { amount: 500, inclusive: false, kind: "shipping" },
      discount: null,
      tax: { mode: "manual" },
    });
    expect(summary(priced.lines[0]!.taxes)).toEqual([["txr_a", 8.875, null, 89]]);
    expect(priced).toMatchObject({ amountTax: 89, amountTotal: 1589 });
  });

  it("adds up for any basket: total = subtotal − discount + shipping + tax (exclusive prices)", () => {
    const places = taxTableRows().map((r) => ({ country: r.country, state: r.state }));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ amount: fc.integer({ min: 0, max: 500_000 }), kind: fc.constantFrom<TaxKind>("books", "standard", "nontaxable") }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.option(fc.integer({ min: 0, max: 5_000 })),
        fc.option(
          fc.oneof(
            fc.record({ percentOff: fc.integer({ min: 1, max: 10_000 }) }),
            fc.record({ amountOff: fc.integer({ min: 1, max: 100_000 }) }),
          ),
        ),
        fc.constantFrom(...places),
        (items, shippingAmount, discount, place) => {
          const priced = priceSession({
            lines: items.map((i) => line(i.amount, i.kind)),
            shipping: shippingAmount === null ? null : { amount: shippingAmount, inclusive: false, kind: "shipping" },
            discount,
            tax: automatic(place.country, place.state),
          });
          expect(priced.amountTotal).toBe(priced.amountSubtotal - priced.amountDiscount + priced.amountShipping + priced.amountTax);
          expect(priced.amountDiscount).toBeLessThanOrEqual(priced.amountSubtotal);
          for (const l of priced.lines) {
            expect(l.amountTotal).toBe(l.amountSubtotal - l.amountDiscount + l.amountTax);
            expect(l.amountTax).toBe(l.taxes.reduce((s, t) => s + t.amount, 0));
          }
        },
      ),
    );
  });
});

describe("the README", () => {
  it("prints the tax table exactly as the code has it", () => {
    const readme = readFileSync(path.join(import.meta.dirname, "README.md"), "utf8");
    expect(readme).toContain(taxTableMarkdown());
  });
});
