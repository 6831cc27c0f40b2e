import { z } from "zod";
import type { EmulatorContext } from "../context";
import { formatMoney } from "../pages/layout";
import type { SessionRecord } from "../store";
import { FIELD_MAX, SAMPLE_ADDRESSES, validateAddress, type AddressInput, type FieldErrors } from "./addresses";
import { couponProblem, findPromotionCode, promotionCodeProblem, type DiscountContext } from "./coupons";
import { reprice, setDiscount } from "./session-pricing";
import { MIN_AMOUNT } from "./session-params";

// What the customer enters on the hosted page (or a headless test sends to
// /_emulator/sessions/:id/pay): e-mail, phone, address, shipping option and
// promotion code. One code path checks and keeps it for both; the page's
// "update" is lenient about fields not filled in yet, paying is not.

export type CustomerInput = {
  email?: string;
  phone?: string;
  address?: AddressInput;
  shippingRate?: string;
  promotionCode?: string;
  removePromotionCode?: boolean;
  /** The total the page showed when the customer pressed Pay; paying another amount needs another look. */
  expectedTotal?: number;
};

export type DetailsResult = {
  /** Messages by field: email, phone, name, line1, line2, city, state, postal_code, country, shipping_rate, promotion_code. */
  errors: FieldErrors;
  /** Too many failed promotion codes on this session (the page answers 429). */
  rateLimited: boolean;
};

/** Failed promotion codes one session may try: guessing codes is not free. */
export const MAX_FAILED_CODES = 10;
export const TOO_MANY_CODES = "Too many promotion codes were tried on this checkout. Pay without one, or start again from the store.";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{6,30}$/;

export function discountContext(record: SessionRecord): DiscountContext {
  const { session, draft } = record;
  return { currency: session.currency, amountSubtotal: session.amount_subtotal, email: draft.email ?? session.customer_email };
}

/** A total Stripe cannot charge: above zero (free is fine) but below the minimum charge. */
function belowMinimum(record: SessionRecord): boolean {
  const minimum = MIN_AMOUNT[record.session.currency];
  const total = record.session.amount_total;
  return minimum !== undefined && total > 0 && total < minimum;
}

function applyPromotionCode(ctx: EmulatorContext, record: SessionRecord, typed: string): string | null {
  if (!record.session.allow_promotion_codes) return "This checkout does not take promotion codes.";
  if (record.discount?.fixed) return "This checkout already has a discount.";
  if (record.failedCodeAttempts >= MAX_FAILED_CODES) return TOO_MANY_CODES;
  const code = typed.length <= 500 && /^[A-Za-z0-9-]+$/.test(typed) ? findPromotionCode(ctx, typed) : null;
  const problem = code
    ? promotionCodeProblem(ctx, code, discountContext(record))
    : `“${typed.slice(0, 40)}” is not a valid promotion code.`;
  if (problem || !code) {
    record.failedCodeAttempts += 1;
    return problem;
  }
  const previous = record.discount;
  setDiscount(ctx, record, { coupon: ctx.state.coupons.get(code.promotion.coupon)!, promotionCode: code, fixed: false });
  if (belowMinimum(record)) {
    record.discount = previous;
    reprice(ctx, record);
    const minimum = MIN_AMOUNT[record.session.currency]!;
    return `With this code the total would fall below the minimum charge of ${formatMoney(minimum, record.session.currency)}.`;
  }
  return null;
}

function text(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.trim();
}

/**
 * Checks what the customer sent, keeps what is valid in the session's draft
 * and reprices. `pay` also requires everything the session collects.
 */
export function updateDetails(ctx: EmulatorContext, record: SessionRecord, input: CustomerInput, mode: "update" | "pay"): DetailsResult {
  const partial = mode === "update";
  const errors: FieldErrors = {};
  const { collect, draft, session } = record;

  const email = text(input.email);
  if (collect.email && email !== undefined) {
    if (email.length > FIELD_MAX.email) errors.email = `The e-mail address can have up to ${FIELD_MAX.email} characters.`;
    else if (email !== "" && !EMAIL.test(email)) errors.email = "Enter an e-mail address like name@example.com.";
    else draft.email = email || null;
  }
  if (collect.email && !partial && !draft.email && !errors.email) errors.email = "Enter your e-mail address.";

  const phone = text(input.phone);
  if (collect.phone && phone !== undefined) {
    if (phone.length > FIELD_MAX.phone) errors.phone = `The phone number can have up to ${FIELD_MAX.phone} characters.`;
    else if (phone !== "" && (!PHONE.test(phone) || phone.replace(/\D/g, "").length < 6))
      errors.phone = "Enter a phone number like +1 415 555 0100.";
    else draft.phone = phone || null;
  }
  if (collect.phone && !partial && !draft.phone && !errors.phone) errors.phone = "Enter your phone number.";

  if (collect.address) {
    const address = input.address ?? draft.addressInput;
    const result = validateAddress(address, collect.allowedCountries, { partial, kind: collect.address });
    draft.addressInput = { ...address };
    draft.details = result.details;
    draft.location = result.country ? { country: result.country, state: result.state } : null;
    Object.assign(errors, result.errors);
  }

  if (input.shippingRate !== undefined) {
    if (session.shipping_options.some((o) => o.shipping_rate === input.shippingRate)) draft.shippingRateId = input.shippingRate;
    else errors.shipping_rate = "Choose one of the shipping options.";
  }

  let rateLimited = false;
  const typed = text(input.promotionCode);
  if (input.removePromotionCode) {
    if (record.discount && !record.discount.fixed) setDiscount(ctx, record, null);
  } else if (typed) {
    const problem = applyPromotionCode(ctx, record, typed);
    if (problem) errors.promotion_code = problem;
    rateLimited = problem === TOO_MANY_CODES;
  }
  reprice(ctx, record);
  return { errors, rateLimited };
}

/**
 * Just before charging: a discount applied earlier may have been used up,
 * expired or deactivated since. It is taken off and the customer is told,
 * so nobody pays an amount they did not see.
 */
export function dropStaleDiscount(ctx: EmulatorContext, record: SessionRecord): string | null {
  const discount = record.discount?.object;
  if (!discount) return null;
  const code = discount.promotion_code ? ctx.state.promotionCodes.get(discount.promotion_code) : undefined;
  const problem = code
    ? promotionCodeProblem(ctx, code, discountContext(record))
    : couponProblem(ctx, discount.source.coupon, discountContext(record));
  if (!problem) return null;
  setDiscount(ctx, record, null);
  return `${problem} It was removed from this checkout: check the new total and pay again.`;
}

/** The JSON a headless payment may carry besides the card or bank account (POST /_emulator/sessions/:id/pay). */
export const headlessDetailsSchema = z.strictObject({
  email: z.string().optional(),
  phone: z.string().optional(),
  shipping: z
    .strictObject({
      name: z.string().optional(),
      address: z
        .strictObject({
          line1: z.string().optional(),
          line2: z.string().optional(),
          city: z.string().optional(),
          state: z.string().optional(),
          postal_code: z.string().optional(),
          country: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  shippingRate: z.string().optional(),
  promotionCode: z.string().optional(),
});

export type HeadlessDetails = z.infer<typeof headlessDetailsSchema>;

/**
 * A headless payment fills in what the test did not send, as a customer
 * would: guest@example.com, +1 415 555 0100, and the sample address of the
 * first allowed country that has one (README, "Headless payments").
 */
export function headlessInput(record: SessionRecord, body: HeadlessDetails, cardName: string): CustomerInput {
  const { collect, draft } = record;
  const input: CustomerInput = { email: body.email, phone: body.phone, shippingRate: body.shippingRate, promotionCode: body.promotionCode };
  if (collect.email && input.email === undefined && !draft.email) input.email = "guest@example.com";
  if (collect.phone && input.phone === undefined && !draft.phone) input.phone = "+1 415 555 0100";
  if (collect.address) {
    if (body.shipping) input.address = { name: body.shipping.name, ...body.shipping.address };
    else if (!draft.details) {
      const country = collect.allowedCountries?.find((c) => SAMPLE_ADDRESSES[c]) ?? (collect.allowedCountries ? undefined : "US");
      const sample = country ? SAMPLE_ADDRESSES[country] : undefined;
      if (sample) {
        input.address = {
          name: cardName,
          line1: sample.line1 ?? undefined,
          city: sample.city ?? undefined,
          state: sample.state ?? undefined,
          postal_code: sample.postal_code ?? undefined,
          country: sample.country,
        };
      }
    }
  }
  return input;
}
