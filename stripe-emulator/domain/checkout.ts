import type { EmulatorContext } from "../context";
import { invalidRequest, resourceMissing } from "../errors";
import type { FormObject } from "../form-params";
import { newId } from "../ids";
import { newCheckoutSession, type CheckoutSession } from "../objects/checkout-session";
import { unix } from "../objects/common";
import type { Coupon, PromotionCode } from "../objects/coupon";
import { noRequest, type RequestInfo } from "../objects/event";
import type { ShippingRate } from "../objects/shipping-rate";
import type { LineItem, SessionRecord } from "../store";
import { couponProblem, promotionCodeProblem } from "./coupons";
import { emitEvent } from "./events";
import { lineDiscounts } from "./pricing";
import { breakdown, reprice, setDiscount, taxView } from "./session-pricing";
import { MIN_AMOUNT, parseSessionParams, type SessionParams } from "./session-params";
import { createShippingRateFrom } from "./shipping-rates";
import { TAX_CODES } from "./tax-table";

// Checkout Sessions: create, read, expire (by API or by the clock).

const missing = (what: string, id: string, param: string) =>
  invalidRequest(`No such ${what}: '${id}'`, { param, code: "resource_missing" });

function checkLineItems(ctx: EmulatorContext, p: SessionParams): void {
  p.lineItems.forEach((item, i) => {
    if (item.taxCode !== null && TAX_CODES[item.taxCode] === undefined)
      throw missing("tax code", item.taxCode, `line_items[${i}][price_data][product_data][tax_code]`);
    item.taxRates.forEach((id, k) => {
      const rate = ctx.state.taxRates.get(id);
      if (!rate) throw missing("tax rate", id, `line_items[${i}][tax_rates][${k}]`);
      if (!rate.active) throw invalidRequest(`Tax rate ${id} is not active.`, { param: `line_items[${i}][tax_rates][${k}]` });
    });
  });
}

/** The existing rates among the shipping options, checked; the new ones are created only once everything is valid. */
function checkShippingOptions(ctx: EmulatorContext, p: SessionParams): (ShippingRate | null)[] {
  return p.shippingOptions.map((option, i) => {
    const param = `shipping_options[${i}]`;
    if ("data" in option) {
      if (option.data.fixed_amount.currency !== p.currency) {
        throw invalidRequest(
          `The shipping rate's currency (${option.data.fixed_amount.currency}) must match the line items' (${p.currency}).`,
          {
            param: `${param}[shipping_rate_data][fixed_amount][currency]`,
          },
        );
      }
      if (option.data.tax_code !== undefined && TAX_CODES[option.data.tax_code] === undefined)
        throw missing("tax code", option.data.tax_code, `${param}[shipping_rate_data][tax_code]`);
      return null;
    }
    const rate = ctx.state.shippingRates.get(option.rate);
    if (!rate) throw missing("shipping rate", option.rate, `${param}[shipping_rate]`);
    if (!rate.active) throw invalidRequest(`The shipping rate ${rate.id} is not active.`, { param: `${param}[shipping_rate]` });
    if (rate.fixed_amount.currency !== p.currency) {
      throw invalidRequest(`The shipping rate's currency (${rate.fixed_amount.currency}) must match the line items' (${p.currency}).`, {
        param: `${param}[shipping_rate]`,
      });
    }
    return rate;
  });
}

function checkDiscount(ctx: EmulatorContext, p: SessionParams): { coupon: Coupon; promotionCode: PromotionCode | null } | null {
  if (!p.discount) return null;
  const on = { currency: p.currency, amountSubtotal: p.amountTotal, email: p.customerEmail };
  if ("coupon" in p.discount) {
    const coupon = ctx.state.coupons.get(p.discount.coupon);
    if (!coupon) throw missing("coupon", p.discount.coupon, "discounts[0][coupon]");
    const problem = couponProblem(ctx, coupon.id, on);
    if (problem) throw invalidRequest(problem, { param: "discounts[0][coupon]" });
    return { coupon, promotionCode: null };
  }
  const code = ctx.state.promotionCodes.get(p.discount.promotionCode);
  if (!code) throw missing("promotion code", p.discount.promotionCode, "discounts[0][promotion_code]");
  const problem = promotionCodeProblem(ctx, code, on);
  if (problem) throw invalidRequest(problem, { param: "discounts[0][promotion_code]" });
  return { coupon: ctx.state.coupons.get(code.promotion.coupon)!, promotionCode: code };
}

/** Stripe's minimum charge, checked on what is due before tax (the first shipping option, after the discount); 0 is fine when a discount makes it so. */
function checkMinimum(p: SessionParams, discount: { coupon: Coupon } | null, firstShipping: number): void {
  const minimum = MIN_AMOUNT[p.currency];
  if (minimum === undefined) return;
  const amounts = p.lineItems.map((item) => item.unitAmount * item.quantity);
  const { coupon } = discount ?? {};
  const off = coupon
    ? lineDiscounts(
        amounts,
        coupon.percent_off !== null ? { percentOff: Math.round(coupon.percent_off * 100) } : { amountOff: coupon.amount_off ?? 0 },
      )
    : [];
  const due = p.amountTotal - off.reduce((a, b) => a + b, 0) + firstShipping;
  // A discount may make the whole order free (Stripe's no_payment_required); anything between is refused.
  if (due < minimum && !(due === 0 && discount)) {
    throw invalidRequest(
      `The Checkout Session's total amount due must add up to at least ${minimum} ${p.currency} (in the smallest currency unit).`,
      { param: "line_items", code: "amount_too_small" },
    );
  }
}

export function createSession(ctx: EmulatorContext, params: FormObject): CheckoutSession {
  const p = parseSessionParams(params, unix(ctx.now()));
  // Everything is checked before anything is created: a 400 leaves no trace.
  checkLineItems(ctx, p);
  const existingRates = checkShippingOptions(ctx, p);
  const discount = checkDiscount(ctx, p);
  const first = p.shippingOptions[0];
  checkMinimum(p, discount, first ? ("data" in first ? first.data.fixed_amount.amount : existingRates[0]!.fixed_amount.amount) : 0);

  const rates = p.shippingOptions.map((option, i) => ("data" in option ? createShippingRateFrom(ctx, option.data) : existingRates[i]!));
  const id = newId("cs_test", 58);
  const session = newCheckoutSession({
    id,
    created: unix(ctx.now()),
    url: `${ctx.config.publicUrl}/pay/${id}`,
    amountSubtotal: p.amountTotal,
    amountTotal: p.amountTotal,
    currency: p.currency,
    customerEmail: p.customerEmail,
    clientReferenceId: p.clientReferenceId,
    metadata: p.metadata,
    expiresAt: p.expiresAt,
    successUrl: p.successUrl,
    cancelUrl: p.cancelUrl,
    locale: p.locale,
    submitType: p.submitType,
    paymentMethodTypes: p.paymentMethodTypes,
    allowPromotionCodes: p.allowPromotionCodes,
    automaticTax: p.automaticTax,
    customerCreation: p.customerCreation,
    phoneNumberCollection: p.phoneNumberCollection,
    allowedCountries: p.shippingAddressCollection,
    shippingOptions: rates.map((rate) => ({ shipping_amount: rate.fixed_amount.amount, shipping_rate: rate.id })),
  });
  const lineItems = p.lineItems.map((item): LineItem => ({
    id: newId("li"),
    priceId: newId("price"),
    ...item,
    amount: item.unitAmount * item.quantity,
    amountDiscount: 0,
    amountTax: 0,
    amountTotal: item.unitAmount * item.quantity,
    taxes: [],
  }));
  const allowed = p.shippingAddressCollection;
  const record: SessionRecord = {
    session,
    lineItems,
    intentMetadata: p.intentMetadata,
    intentDescription: p.intentDescription,
    collect: {
      email: p.customerEmail === null,
      phone: p.phoneNumberCollection,
      address: allowed ? "shipping" : p.automaticTax ? "location" : null,
      allowedCountries: allowed,
    },
    taxMode: p.automaticTax ? "automatic" : p.lineItems.some((item) => item.taxRates.length > 0) ? "manual" : "none",
    discount: null,
    // The first allowed country (or, for a billing location, the US) is preselected on the page;
    // tax waits until the customer confirms where they are.
    draft: {
      email: null,
      phone: null,
      addressInput: { country: allowed?.[0] ?? "US" },
      details: null,
      location: null,
      shippingRateId: rates[0]?.id ?? null,
    },
    shippingTaxes: [],
    failedCodeAttempts: 0,
  };
  if (discount) setDiscount(ctx, record, { ...discount, fixed: true });
  else reprice(ctx, record);
  ctx.state.sessions.set(id, record);
  return session;
}

export function sessionRecord(ctx: EmulatorContext, id: string): SessionRecord {
  const record = ctx.state.sessions.get(id);
  if (!record) throw resourceMissing("checkout.session", id, "session");
  return record;
}

/**
 * The session as the API returns it, with Stripe's expansions: payment_intent
 * (and payment_intent.latest_charge), customer, line_items (and line_items.data.taxes / .discounts),
 * total_details.breakdown, shipping_cost.taxes, shipping_cost.shipping_rate,
 * shipping_options.shipping_rate, discounts.coupon, discounts.promotion_code.
 */
export function sessionView(ctx: EmulatorContext, record: SessionRecord, expand: string[] = []): Record<string, unknown> {
  const { session } = record;
  const view: Record<string, unknown> = { ...session };
  const has = (path: string) => expand.includes(path);
  const intent = session.payment_intent ? ctx.state.paymentIntents.get(session.payment_intent) : undefined;
  if (intent && (has("payment_intent") || has("payment_intent.latest_charge"))) {
    const charge = has("payment_intent.latest_charge") && intent.latest_charge ? ctx.state.charges.get(intent.latest_charge) : undefined;
    view.payment_intent = charge ? { ...intent, latest_charge: charge } : intent;
  }
  if (has("customer") && session.customer) view.customer = ctx.state.customers.get(session.customer) ?? session.customer;
  const lineExpand = expand.filter((e) => e.startsWith("line_items.")).map((e) => e.slice("line_items.".length));
  if (has("line_items") || lineExpand.length > 0) view.line_items = lineItemsList(ctx, record, lineExpand);
  if (has("total_details.breakdown")) view.total_details = { ...session.total_details, breakdown: breakdown(ctx, record) };
  if (session.shipping_cost) {
    const cost: Record<string, unknown> = { ...session.shipping_cost };
    if (has("shipping_cost.taxes")) cost.taxes = record.shippingTaxes.map((t) => taxView(ctx, t));
    if (has("shipping_cost.shipping_rate") && session.shipping_cost.shipping_rate)
      cost.shipping_rate = ctx.state.shippingRates.get(session.shipping_cost.shipping_rate);
    view.shipping_cost = cost;
  }
  if (has("shipping_options.shipping_rate")) {
    view.shipping_options = session.shipping_options.map((o) => ({
      ...o,
      shipping_rate: ctx.state.shippingRates.get(o.shipping_rate) ?? o.shipping_rate,
    }));
  }
  if (has("discounts.coupon") || has("discounts.promotion_code")) {
    view.discounts = session.discounts.map((d) => ({
      coupon: has("discounts.coupon") && d.coupon ? (ctx.state.coupons.get(d.coupon) ?? d.coupon) : d.coupon,
      promotion_code:
        has("discounts.promotion_code") && d.promotion_code
          ? (ctx.state.promotionCodes.get(d.promotion_code) ?? d.promotion_code)
          : d.promotion_code,
    }));
  }
  return view;
}

/** GET /v1/checkout/sessions/:id/line_items; `data.taxes` and `data.discounts` are expandable, as on Stripe. */
export function lineItemsList(ctx: EmulatorContext, record: SessionRecord, expand: string[] = []) {
  const { session } = record;
  const discount = record.discount?.object;
  return {
    object: "list" as const,
    data: record.lineItems.map((item) => ({
      id: item.id,
      object: "item" as const,
      adjustable_quantity: null,
      amount_discount: item.amountDiscount,
      amount_subtotal: item.amount,
      amount_tax: item.amountTax,
      amount_total: item.amountTotal,
      currency: item.currency,
      description: item.name,
      ...(expand.includes("data.discounts")
        ? { discounts: discount && item.amountDiscount > 0 ? [{ amount: item.amountDiscount, discount }] : [] }
        : {}),
      metadata: {},
      price: {
        id: item.priceId,
        object: "price" as const,
        active: false,
        currency: item.currency,
        product: { name: item.name, tax_code: item.taxCode },
        tax_behavior: item.taxBehavior ?? "unspecified",
        type: "one_time" as const,
        unit_amount: item.unitAmount,
      },
      quantity: item.quantity,
      ...(expand.includes("data.taxes") ? { taxes: item.taxes.map((t) => taxView(ctx, t)) } : {}),
    })),
    has_more: false,
    url: `/v1/checkout/sessions/${session.id}/line_items`,
  };
}

function expire(ctx: EmulatorContext, record: SessionRecord, request: RequestInfo): void {
  const { session } = record;
  session.status = "expired";
  session.url = null;
  // Stripe cancels the session's unpaid PaymentIntent along with it.
  const intent = session.payment_intent ? ctx.state.paymentIntents.get(session.payment_intent) : undefined;
  if (intent && intent.status === "requires_payment_method") {
    intent.status = "canceled";
    intent.canceled_at = unix(ctx.now());
    intent.cancellation_reason = "abandoned";
    emitEvent(ctx, "payment_intent.canceled", intent, request);
  }
  emitEvent(ctx, "checkout.session.expired", session, request);
}

export function expireSessionByApi(ctx: EmulatorContext, id: string, request: RequestInfo): CheckoutSession {
  const record = sessionRecord(ctx, id);
  if (record.session.status !== "open") {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${record.session.status}\`.`,
      { param: "session" },
    );
  }
  expire(ctx, record, request);
  return record.session;
}

/** Expires the session now if its deadline has passed; true when it did. */
export function expireIfDue(ctx: EmulatorContext, record: SessionRecord): boolean {
  if (record.session.status !== "open" || record.session.expires_at * 1000 > ctx.now()) return false;
  expire(ctx, record, noRequest);
  return true;
}

/** The 500 ms sweep: like Stripe, expiry is a background job, not checked on read. */
export function expireDueSessions(ctx: EmulatorContext): void {
  for (const record of ctx.state.sessions.values()) expireIfDue(ctx, record);
}
