import type { Jurisdiction, TaxComponent, TaxKind } from "./tax-table";

// A Checkout Session's amounts, computed the way the emulator documents it
// (stripe-emulator/README.md, "Amounts"): pure functions, integer money.
//
// - Discounts apply to the line items, never to shipping. A percentage is
//   rounded per line (half up); an amount off is shared over the lines in
//   proportion to their amounts, the cents left by rounding down going to the
//   largest remainders (the earlier line on a tie), so it adds up exactly.
// - Tax is computed per line and per tax, on the line's amount after its
//   discount, and rounded half up. Exclusive tax is added on top; inclusive
//   tax is the part of the amount that is tax: amount × r / (1 + R), R being
//   the sum of the line's rates.
// - amount_total = amount_subtotal − amount_discount + amount_shipping + exclusive tax,
//   where amount_tax counts both kinds (with exclusive prices, the usual case,
//   amount_total = amount_subtotal − amount_discount + amount_shipping + amount_tax).

export type TaxabilityReason = "standard_rated" | "reduced_rated" | "zero_rated" | "proportionally_rated";

/** Which tax a computed amount belongs to; checkout.ts turns it into a TaxRate object. */
export type RateRef =
  | { source: "manual"; id: string; percentage: number; inclusive: boolean }
  | { source: "automatic"; component: TaxComponent; jurisdiction: Jurisdiction; percentage: number; inclusive: boolean };

export type TaxLine = { amount: number; rate: RateRef; taxabilityReason: TaxabilityReason | null; taxableAmount: number };

export type ManualRate = { id: string; percentage: number; inclusive: boolean };

export type LineInput = { amount: number; inclusive: boolean; kind: TaxKind; manualRates: ManualRate[] };
export type ShippingInput = { amount: number; inclusive: boolean; kind: TaxKind };
/** percentOff in hundredths of a percent (25.5 % = 2550). */
export type DiscountInput = { percentOff: number } | { amountOff: number };
export type TaxInput = { mode: "none" } | { mode: "manual" } | { mode: "automatic"; jurisdiction: Jurisdiction | null };

export type PricedLine = { amountSubtotal: number; amountDiscount: number; amountTax: number; amountTotal: number; taxes: TaxLine[] };
export type PricedShipping = { amountSubtotal: number; amountTax: number; amountTotal: number; taxes: TaxLine[] };
export type Priced = {
  lines: PricedLine[];
  shipping: PricedShipping | null;
  amountSubtotal: number;
  amountDiscount: number;
  amountShipping: number;
  amountTax: number;
  amountTotal: number;
};

/** a / b rounded half up, for non-negative integers. */
export function roundDiv(a: number, b: number): number {
  return Math.floor((2 * a + b) / (2 * b));
}

/** Splits total over weights in proportion, exactly: floors, then the leftover cents to the largest remainders. */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = weights.map((w, i) => ({ i, rest: (total * w) % sum })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}

export function lineDiscounts(amounts: number[], discount: DiscountInput | null): number[] {
  if (!discount) return amounts.map(() => 0);
  if ("percentOff" in discount) return amounts.map((amount) => roundDiv(amount * discount.percentOff, 10_000));
  const total = amounts.reduce((a, b) => a + b, 0);
  return allocate(Math.min(discount.amountOff, total), amounts);
}

type Applied = { rate: RateRef; reason: TaxabilityReason | null };

/** Taxes on one amount at the given rates (thousandths of a percent). */
function taxesOn(amount: number, applied: Applied[], inclusive: boolean): TaxLine[] {
  const sum = applied.reduce((s, a) => s + a.rate.percentage, 0);
  const taxes = applied.map(({ rate, reason }) => ({
    amount: inclusive ? roundDiv(amount * rate.percentage, 100_000 + sum) : roundDiv(amount * rate.percentage, 100_000),
    rate,
    taxabilityReason: reason,
    taxableAmount: 0,
  }));
  const taxable = inclusive ? amount - taxes.reduce((s, t) => s + t.amount, 0) : amount;
  for (const tax of taxes) tax.taxableAmount = taxable;
  return taxes;
}

/** A component's rate for a kind of product, and why; null when the product is exempt from it. */
function componentRate(component: TaxComponent, kind: TaxKind): { percentage: number; reason: TaxabilityReason } | null {
  if (kind === "nontaxable") return null;
  if (kind !== "books" || component.books === component.standard) return { percentage: component.standard, reason: "standard_rated" };
  if (component.books === null) return null;
  return { percentage: component.books, reason: component.books === 0 ? "zero_rated" : "reduced_rated" };
}

function automaticRate(jurisdiction: Jurisdiction, component: TaxComponent, percentage: number, inclusive: boolean): RateRef {
  return { source: "automatic", component, jurisdiction, percentage, inclusive };
}

function lineTaxes(net: number, line: LineInput, tax: TaxInput): TaxLine[] {
  if (tax.mode === "none") return [];
  if (tax.mode === "manual") {
    // Each manual rate says itself whether it is inclusive; exclusive ones apply to the amount net of inclusive tax.
    const inclusive = taxesOn(
      net,
      line.manualRates.filter((r) => r.inclusive).map((r) => ({ rate: { source: "manual" as const, ...r }, reason: null })),
      true,
    );
    const base = net - inclusive.reduce((s, t) => s + t.amount, 0);
    const exclusive = taxesOn(
      base,
      line.manualRates.filter((r) => !r.inclusive).map((r) => ({ rate: { source: "manual" as const, ...r }, reason: null })),
      false,
    );
    return [...inclusive, ...exclusive];
  }
  const { jurisdiction } = tax;
  if (!jurisdiction) return [];
  const applied = jurisdiction.components.flatMap((component): Applied[] => {
    const rate = componentRate(component, line.kind);
    return rate ? [{ rate: automaticRate(jurisdiction, component, rate.percentage, line.inclusive), reason: rate.reason }] : [];
  });
  return taxesOn(net, applied, line.inclusive);
}

/** Adds up tax lines that share a rate and reason (shipping split into parts at the same rate). */
function merge(taxes: TaxLine[]): TaxLine[] {
  const out: TaxLine[] = [];
  for (const tax of taxes) {
    const same = out.find((t) => sameRate(t.rate, tax.rate) && t.taxabilityReason === tax.taxabilityReason);
    if (same) {
      same.amount += tax.amount;
      same.taxableAmount += tax.taxableAmount;
    } else out.push({ ...tax });
  }
  return out;
}

export function sameRate(a: RateRef, b: RateRef): boolean {
  if (a.source === "manual" || b.source === "manual")
    return a.source === b.source && a.source === "manual" && b.source === "manual" && a.id === b.id;
  return a.component === b.component && a.percentage === b.percentage && a.inclusive === b.inclusive;
}

function shippingTaxes(shipping: ShippingInput, lines: LineInput[], nets: number[], tax: TaxInput): TaxLine[] {
  if (tax.mode !== "automatic" || !tax.jurisdiction || shipping.kind === "nontaxable" || shipping.amount === 0) return [];
  const { jurisdiction } = tax;
  const { components } = jurisdiction;
  const at = (component: TaxComponent, percentage: number) => automaticRate(jurisdiction, component, percentage, shipping.inclusive);
  if (jurisdiction.shipping === "exempt") return [];
  const standard = () =>
    taxesOn(
      shipping.amount,
      components.map((c) => ({ rate: at(c, c.standard), reason: "standard_rated" as const })),
      shipping.inclusive,
    );
  if (jurisdiction.shipping === "taxable") return standard();

  // Delivery follows the goods: group the items by the rates they pay, split the shipping over the groups.
  const groups = new Map<string, { rates: (number | null)[]; weight: number }>();
  lines.forEach((line, i) => {
    const rates = components.map((c) => componentRate(c, line.kind)?.percentage ?? null);
    const key = rates.join("|");
    const group = groups.get(key) ?? { rates, weight: 0 };
    group.weight += nets[i]!;
    groups.set(key, group);
  });
  const list = [...groups.values()].filter((g) => g.weight > 0);
  if (list.length === 0) return standard();
  const parts = allocate(
    shipping.amount,
    list.map((g) => g.weight),
  );
  const taxes = list.flatMap((group, g) => {
    const applied = components.flatMap((c, k): Applied[] => {
      const percentage = group.rates[k];
      return percentage === null || percentage === undefined ? [] : [{ rate: at(c, percentage), reason: "proportionally_rated" }];
    });
    return parts[g]! > 0 ? taxesOn(parts[g]!, applied, shipping.inclusive) : [];
  });
  return merge(taxes);
}

const exclusiveSum = (taxes: TaxLine[]) => taxes.filter((t) => !t.rate.inclusive).reduce((s, t) => s + t.amount, 0);
const allSum = (taxes: TaxLine[]) => taxes.reduce((s, t) => s + t.amount, 0);

export function priceSession(input: {
  lines: LineInput[];
  shipping: ShippingInput | null;
  discount: DiscountInput | null;
  tax: TaxInput;
}): Priced {
  const amounts = input.lines.map((l) => l.amount);
  const discounts = lineDiscounts(amounts, input.discount);
  const nets = amounts.map((amount, i) => amount - discounts[i]!);
  const lines = input.lines.map((line, i): PricedLine => {
    const taxes = lineTaxes(nets[i]!, line, input.tax);
    return {
      amountSubtotal: line.amount,
      amountDiscount: discounts[i]!,
      amountTax: allSum(taxes),
      amountTotal: nets[i]! + exclusiveSum(taxes),
      taxes,
    };
  });
  let shipping: PricedShipping | null = null;
  if (input.shipping) {
    const taxes = shippingTaxes(input.shipping, input.lines, nets, input.tax);
    shipping = {
      amountSubtotal: input.shipping.amount,
      amountTax: allSum(taxes),
      amountTotal: input.shipping.amount + exclusiveSum(taxes),
      taxes,
    };
  }
  const sum = (pick: (l: PricedLine) => number) => lines.reduce((s, l) => s + pick(l), 0);
  return {
    lines,
    shipping,
    amountSubtotal: sum((l) => l.amountSubtotal),
    amountDiscount: sum((l) => l.amountDiscount),
    amountShipping: shipping?.amountSubtotal ?? 0,
    amountTax: sum((l) => l.amountTax) + (shipping?.amountTax ?? 0),
    amountTotal: sum((l) => l.amountTotal) + (shipping?.amountTotal ?? 0),
  };
}
