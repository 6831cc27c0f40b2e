// The emulator's automatic tax: a small rate table by country and region,
// with the reduced rates printed books get where they exist. Data only; the
// arithmetic is in pricing.ts. stripe-emulator/README.md prints this table.
//
// Rates are in thousandths of a percent (7.25 % = 7250), so every tax amount
// is integer arithmetic.

export type TaxType = "vat" | "gst" | "hst" | "pst" | "qst" | "rst" | "sales_tax";

export type TaxComponent = {
  taxType: TaxType;
  /** TaxRate.display_name */
  displayName: string;
  /** TaxRate.jurisdiction: the country code, or the state/province name. */
  jurisdiction: string;
  level: "country" | "state";
  /** The standard rate (thousandths of a percent). */
  standard: number;
  /** Printed books: a reduced rate, 0 for zero-rated, null when books are exempt from this tax. */
  books: number | null;
};

/**
 * How the shipping line is taxed at a destination:
 * - `taxable`: at the standard rate of every component;
 * - `exempt`: not taxed (separately stated delivery, e.g. California);
 * - `proportional`: delivery follows the goods (EU, UK, Canada): the shipping
 *   amount is split over the items in proportion to their amounts (after
 *   discounts) and each part is taxed at its items' rate.
 */
export type ShippingRule = "taxable" | "exempt" | "proportional";

export type Jurisdiction = { country: string; state: string | null; components: TaxComponent[]; shipping: ShippingRule };

const vat = (country: string, standard: number, books: number | null): TaxComponent => ({
  taxType: "vat",
  displayName: "VAT",
  jurisdiction: country,
  level: "country",
  standard,
  books,
});
const salesTax = (state: string, rate: number): TaxComponent => ({
  taxType: "sales_tax",
  displayName: "Sales Tax",
  jurisdiction: state,
  level: "state",
  standard: rate,
  books: rate,
});
const gst: TaxComponent = { taxType: "gst", displayName: "GST", jurisdiction: "CA", level: "country", standard: 5000, books: 5000 };
/** HST provinces rebate the provincial part on printed books at the till: books pay the federal 5 %. */
const hst = (province: string, rate: number): TaxComponent => ({
  taxType: "hst",
  displayName: "HST",
  jurisdiction: province,
  level: "state",
  standard: rate,
  books: 5000,
});
const provincial = (taxType: TaxType, displayName: string, province: string, rate: number, books: number | null): TaxComponent => ({
  taxType,
  displayName,
  jurisdiction: province,
  level: "state",
  standard: rate,
  books,
});

/** Countries taxed as a whole (VAT). */
const COUNTRIES: Record<string, { components: TaxComponent[]; shipping: ShippingRule }> = {
  GB: { components: [vat("GB", 20_000, 0)], shipping: "proportional" },
  IE: { components: [vat("IE", 23_000, 0)], shipping: "proportional" },
  DE: { components: [vat("DE", 19_000, 7_000)], shipping: "proportional" },
  FR: { components: [vat("FR", 20_000, 5_500)], shipping: "proportional" },
  NL: { components: [vat("NL", 21_000, 9_000)], shipping: "proportional" },
  ES: { components: [vat("ES", 21_000, 4_000)], shipping: "proportional" },
  IT: { components: [vat("IT", 22_000, 4_000)], shipping: "proportional" },
};

/** Countries taxed by state or province. A region missing here is one the merchant does not collect in. */
const REGIONS: Record<string, Record<string, { components: TaxComponent[]; shipping: ShippingRule }>> = {
  // State-level rates only (no county or city taxes).
  US: {
    CA: { components: [salesTax("California", 7_250)], shipping: "exempt" },
    NY: { components: [salesTax("New York", 4_000)], shipping: "taxable" },
    TX: { components: [salesTax("Texas", 6_250)], shipping: "taxable" },
    WA: { components: [salesTax("Washington", 6_500)], shipping: "taxable" },
  },
  CA: {
    AB: { components: [gst], shipping: "proportional" },
    NT: { components: [gst], shipping: "proportional" },
    NU: { components: [gst], shipping: "proportional" },
    YT: { components: [gst], shipping: "proportional" },
    BC: { components: [gst, provincial("pst", "PST", "British Columbia", 7_000, null)], shipping: "proportional" },
    MB: { components: [gst, provincial("rst", "RST", "Manitoba", 7_000, null)], shipping: "proportional" },
    SK: { components: [gst, provincial("pst", "PST", "Saskatchewan", 6_000, null)], shipping: "proportional" },
    QC: { components: [gst, provincial("qst", "QST", "Quebec", 9_975, 0)], shipping: "proportional" },
    ON: { components: [hst("Ontario", 13_000)], shipping: "proportional" },
    NS: { components: [hst("Nova Scotia", 14_000)], shipping: "proportional" },
    NB: { components: [hst("New Brunswick", 15_000)], shipping: "proportional" },
    NL: { components: [hst("Newfoundland and Labrador", 15_000)], shipping: "proportional" },
    PE: { components: [hst("Prince Edward Island", 15_000)], shipping: "proportional" },
  },
};

/** Where tax is owed: a country (and state or province where REGIONS has the country). */
export type TaxLocation = { country: string; state: string | null };

/** Whether the location is enough to compute tax: US and Canada need the state or province. */
export function locationComplete(location: TaxLocation): boolean {
  return !(location.country in REGIONS) || location.state !== null;
}

/** The destination's taxes, or null where the merchant does not collect (0 tax, as Stripe's `not_collecting`). */
export function jurisdictionFor(location: TaxLocation): Jurisdiction | null {
  const regional = REGIONS[location.country];
  const entry = regional ? (location.state ? regional[location.state] : undefined) : COUNTRIES[location.country];
  return entry ? { country: location.country, state: regional ? location.state : null, ...entry } : null;
}

/** What a product tax code means to the table. */
export type TaxKind = "standard" | "books" | "nontaxable" | "shipping";

/** The tax codes the emulator knows (Stripe's ids). Products without one use the general goods code; shipping rates use the shipping code. */
export const TAX_CODES: Record<string, { name: string; kind: TaxKind }> = {
  txcd_99999999: { name: "General - Tangible Goods", kind: "standard" },
  txcd_35010000: { name: "Books - printed", kind: "books" },
  txcd_00000000: { name: "Nontaxable", kind: "nontaxable" },
  txcd_92010001: { name: "Shipping", kind: "shipping" },
};
export const DEFAULT_PRODUCT_TAX_CODE = "txcd_99999999";
export const DEFAULT_SHIPPING_TAX_CODE = "txcd_92010001";

/** For the README and the tests: every row of the table. */
export function taxTableRows(): Jurisdiction[] {
  const rows: Jurisdiction[] = Object.entries(COUNTRIES).map(([country, entry]) => ({ country, state: null, ...entry }));
  for (const [country, regions] of Object.entries(REGIONS)) {
    for (const [state, entry] of Object.entries(regions)) rows.push({ country, state, ...entry });
  }
  return rows;
}

/** 7250 → "7.25" */
export function percentText(milli: number): string {
  return String(milli / 1000);
}

const SHIPPING_TEXT: Record<ShippingRule, string> = {
  taxable: "taxed at the standard rate",
  exempt: "not taxed",
  proportional: "follows the goods",
};

/** The table as stripe-emulator/README.md prints it (a test keeps the two the same). */
export function taxTableMarkdown(): string {
  const pct = (milli: number | null) => (milli === null ? "exempt" : `${percentText(milli)} %`);
  const lines = ["| Country | Region | Tax | Standard rate | Printed books | Shipping |", "|---|---|---|---|---|---|"];
  for (const row of taxTableRows()) {
    const { components } = row;
    lines.push(
      `| ${row.country} | ${row.state ?? "—"} | ${components.map((c) => c.displayName).join(" + ")} | ${components.map((c) => pct(c.standard)).join(" + ")} | ${components.map((c) => pct(c.books)).join(" + ")} | ${SHIPPING_TEXT[row.shipping]} |`,
    );
  }
  return lines.join("\n");
}
