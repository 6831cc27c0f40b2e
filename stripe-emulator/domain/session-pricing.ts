import type { EmulatorContext } from "../context";
import { newId } from "../ids";
import { unix } from "../objects/common";
import { newDiscount, type Coupon, type PromotionCode } from "../objects/coupon";
import type { ShippingRate } from "../objects/shipping-rate";
import type { SessionRecord, StoredTax } from "../store";
import { priceSession, type LineInput, type Priced, type ShippingInput, type TaxInput, type TaxLine } from "./pricing";
import { DEFAULT_PRODUCT_TAX_CODE, DEFAULT_SHIPPING_TAX_CODE, jurisdictionFor, locationComplete, TAX_CODES } from "./tax-table";
import { rateIdOf, retrieveTaxRate } from "./tax-rates";

// Keeps a session's amounts in step with what they depend on: the line
// items, the chosen shipping rate, the discount and the tax location. Run
// after every change, so the API, the hosted page and the webhook all show
// the same numbers, and the PaymentIntent is created for amount_total.

const kindOf = (code: string | null, fallback: string) => (TAX_CODES[code ?? fallback] ?? TAX_CODES[fallback]!).kind;

export function selectedShippingRate(ctx: EmulatorContext, record: SessionRecord): ShippingRate | null {
  const id = record.draft.shippingRateId;
  return id ? (ctx.state.shippingRates.get(id) ?? null) : null;
}

/** Whether automatic tax knows where the customer is (Stripe's automatic_tax.status "complete"). */
export function taxLocated(record: SessionRecord): boolean {
  const { location } = record.draft;
  return location !== null && locationComplete(location);
}

function taxInput(record: SessionRecord): TaxInput {
  if (record.taxMode === "manual") return { mode: "manual" };
  if (record.taxMode === "automatic" && taxLocated(record))
    return { mode: "automatic", jurisdiction: jurisdictionFor(record.draft.location!) };
  return { mode: "none" };
}

function stored(ctx: EmulatorContext, tax: TaxLine): StoredTax {
  return { amount: tax.amount, rate: rateIdOf(ctx, tax.rate), taxability_reason: tax.taxabilityReason, taxable_amount: tax.taxableAmount };
}

/** Prices the session as it stands and writes the amounts into it. */
export function reprice(ctx: EmulatorContext, record: SessionRecord): Priced {
  const { session } = record;
  const lines: LineInput[] = record.lineItems.map((item) => ({
    amount: item.amount,
    inclusive: item.taxBehavior === "inclusive",
    kind: kindOf(item.taxCode, DEFAULT_PRODUCT_TAX_CODE),
    manualRates: item.taxRates.map((id) => {
      const rate = retrieveTaxRate(ctx, id);
      return { id, percentage: Math.round(rate.percentage * 1000), inclusive: rate.inclusive };
    }),
  }));
  const rate = selectedShippingRate(ctx, record);
  const shipping: ShippingInput | null = rate
    ? {
        amount: rate.fixed_amount.amount,
        inclusive: rate.tax_behavior === "inclusive",
        kind: kindOf(rate.tax_code, DEFAULT_SHIPPING_TAX_CODE),
      }
    : null;
  const priced = priceSession({ lines, shipping, discount: record.discount?.off ?? null, tax: taxInput(record) });

  record.lineItems.forEach((item, i) => {
    const line = priced.lines[i]!;
    item.amountDiscount = line.amountDiscount;
    item.amountTax = line.amountTax;
    item.amountTotal = line.amountTotal;
    item.taxes = line.taxes.map((t) => stored(ctx, t));
  });
  record.shippingTaxes = priced.shipping?.taxes.map((t) => stored(ctx, t)) ?? [];
  session.amount_subtotal = priced.amountSubtotal;
  session.amount_total = priced.amountTotal;
  session.total_details = { amount_discount: priced.amountDiscount, amount_shipping: priced.amountShipping, amount_tax: priced.amountTax };
  session.shipping_cost =
    rate && priced.shipping
      ? {
          amount_subtotal: priced.shipping.amountSubtotal,
          amount_tax: priced.shipping.amountTax,
          amount_total: priced.shipping.amountTotal,
          shipping_rate: rate.id,
        }
      : null;
  const discount = record.discount?.object;
  session.discounts = discount ? [{ coupon: discount.source.coupon, promotion_code: discount.promotion_code }] : [];
  if (session.automatic_tax.enabled) session.automatic_tax.status = taxLocated(record) ? "complete" : "requires_location_inputs";
  return priced;
}

/** A stored tax amount as the API shows it, with its TaxRate object. */
export function taxView(ctx: EmulatorContext, tax: StoredTax) {
  return {
    amount: tax.amount,
    rate: retrieveTaxRate(ctx, tax.rate),
    taxability_reason: tax.taxability_reason,
    taxable_amount: tax.taxable_amount,
  };
}

/** total_details.breakdown: the taxes summed by rate and reason over lines and shipping, and the discount. */
export function breakdown(ctx: EmulatorContext, record: SessionRecord) {
  const sums: StoredTax[] = [];
  for (const tax of [...record.lineItems.flatMap((item) => item.taxes), ...record.shippingTaxes]) {
    const same = sums.find((t) => t.rate === tax.rate && t.taxability_reason === tax.taxability_reason);
    if (same) {
      same.amount += tax.amount;
      same.taxable_amount += tax.taxable_amount;
    } else sums.push({ ...tax });
  }
  const discount = record.discount?.object;
  return {
    discounts: discount ? [{ amount: record.session.total_details.amount_discount, discount }] : [],
    taxes: sums.map((t) => taxView(ctx, t)),
  };
}

/** Puts a discount on the session (or takes it off) and reprices. */
export function setDiscount(
  ctx: EmulatorContext,
  record: SessionRecord,
  discount: { coupon: Coupon; promotionCode: PromotionCode | null; fixed: boolean } | null,
): void {
  if (!discount) {
    record.discount = null;
  } else {
    const { coupon, promotionCode, fixed } = discount;
    const object = newDiscount({
      id: newId("di"),
      sessionId: record.session.id,
      coupon: coupon.id,
      promotionCode: promotionCode?.id ?? null,
      start: unix(ctx.now()),
    });
    const off = coupon.percent_off !== null ? { percentOff: Math.round(coupon.percent_off * 100) } : { amountOff: coupon.amount_off ?? 0 };
    record.discount = { object, off, fixed };
  }
  reprice(ctx, record);
}
