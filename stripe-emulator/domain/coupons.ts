import { z } from "zod";
import type { EmulatorContext } from "../context";
import { invalidRequest, resourceMissing } from "../errors";
import type { FormObject } from "../form-params";
import { newId, randomToken } from "../ids";
import { unix } from "../objects/common";
import { newCoupon, newPromotionCode, type Coupon, type PromotionCode } from "../objects/coupon";
import type { RequestInfo } from "../objects/event";
import { formatMoney } from "../pages/layout";
import { applyUpdate, emitEvent, mergeMetadata } from "./events";
import { booleanParam, currencySchema, decimal, integer, metadataSchema, parseParams } from "./params";

// Coupons and promotion codes (/v1/coupons, /v1/promotion_codes), and the
// rules a code must pass to be used on a Checkout Session. Redemptions count
// when a session completes, not when a code is applied.

const createCouponSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, "Coupon ids can have letters, digits, `-` and `_` (up to 200).")
    .optional(),
  percent_off: decimal(0, 100).optional(),
  amount_off: integer(1).optional(),
  currency: currencySchema.optional(),
  duration: z.enum(["once", "repeating", "forever"]).optional(),
  duration_in_months: integer(1).optional(),
  max_redemptions: integer(1).optional(),
  redeem_by: integer(0).optional(),
  name: z.string().max(40, "name can have up to 40 characters.").optional(),
  metadata: metadataSchema.optional(),
  expand: z.array(z.string()).optional(),
});

/** Updates `valid` from the clock and the redemption count (Stripe computes it on read). */
function refreshed(ctx: EmulatorContext, coupon: Coupon): Coupon {
  const expired = coupon.redeem_by !== null && unix(ctx.now()) >= coupon.redeem_by;
  const usedUp = coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions;
  coupon.valid = !expired && !usedUp;
  return coupon;
}

export function createCoupon(ctx: EmulatorContext, params: FormObject, request: RequestInfo): Coupon {
  const p = parseParams(createCouponSchema, params);
  if ((p.percent_off === undefined) === (p.amount_off === undefined)) {
    throw invalidRequest("You must pass exactly one of `amount_off` or `percent_off`.", {
      param: p.percent_off === undefined ? "amount_off" : "percent_off",
    });
  }
  if (p.percent_off !== undefined && p.percent_off <= 0)
    throw invalidRequest("percent_off must be greater than 0.", { param: "percent_off" });
  if (p.amount_off !== undefined && p.currency === undefined)
    throw invalidRequest("You must pass currency when passing amount_off.", { param: "currency", code: "parameter_missing" });
  const duration = p.duration ?? "once";
  if (duration === "repeating" && p.duration_in_months === undefined) {
    throw invalidRequest("You must pass duration_in_months when duration is repeating.", {
      param: "duration_in_months",
      code: "parameter_missing",
    });
  }
  if (duration !== "repeating" && p.duration_in_months !== undefined) {
    throw invalidRequest("duration_in_months can only be set when duration is repeating.", { param: "duration_in_months" });
  }
  if (p.redeem_by !== undefined && p.redeem_by <= unix(ctx.now()))
    throw invalidRequest("Date of redeem_by must be in the future.", { param: "redeem_by" });
  const id = p.id ?? randomToken(8).toUpperCase();
  if (ctx.state.coupons.has(id)) throw invalidRequest("Coupon already exists.", { param: "id", code: "resource_already_exists" });
  const coupon = newCoupon({
    id,
    created: unix(ctx.now()),
    // Hundredths of a percent are what the emulator computes with.
    percentOff: p.percent_off === undefined ? null : Math.round(p.percent_off * 100) / 100,
    amountOff: p.amount_off ?? null,
    currency: p.amount_off !== undefined ? (p.currency ?? null) : null,
    duration,
    durationInMonths: p.duration_in_months ?? null,
    maxRedemptions: p.max_redemptions ?? null,
    redeemBy: p.redeem_by ?? null,
    name: p.name ?? null,
    metadata: p.metadata ?? {},
  });
  ctx.state.coupons.set(id, coupon);
  emitEvent(ctx, "coupon.created", coupon, request);
  return coupon;
}

export function retrieveCoupon(ctx: EmulatorContext, id: string, param = "coupon"): Coupon {
  const coupon = ctx.state.coupons.get(id);
  if (!coupon) throw resourceMissing("coupon", id, param);
  return refreshed(ctx, coupon);
}

export function listCoupons(ctx: EmulatorContext): Coupon[] {
  return [...ctx.state.coupons.values()].map((c) => refreshed(ctx, c));
}

const updateCouponSchema = z.strictObject({
  name: z.string().max(40).optional(),
  metadata: metadataSchema.optional(),
  expand: z.array(z.string()).optional(),
});

export function updateCoupon(ctx: EmulatorContext, id: string, params: FormObject, request: RequestInfo): Coupon {
  const coupon = retrieveCoupon(ctx, id);
  const p = parseParams(updateCouponSchema, params);
  return applyUpdate(ctx, coupon, { name: p.name, metadata: mergeMetadata(coupon.metadata, p.metadata) }, "coupon.updated", request);
}

/** Deletes a coupon: it can no longer be applied, and its promotion codes become inactive. */
export function deleteCoupon(ctx: EmulatorContext, id: string, request: RequestInfo) {
  const coupon = retrieveCoupon(ctx, id);
  ctx.state.coupons.delete(id);
  for (const code of ctx.state.promotionCodes.values()) {
    if (code.promotion.coupon === id) applyUpdate(ctx, code, { active: false }, "promotion_code.updated", request);
  }
  emitEvent(ctx, "coupon.deleted", coupon, request);
  return { id, object: "coupon" as const, deleted: true as const };
}

const CODE = /^[A-Za-z0-9-]{1,500}$/;

const createCodeSchema = z.strictObject({
  promotion: z.strictObject({ type: z.literal("coupon"), coupon: z.string() }),
  code: z.string().regex(CODE, "Promotion codes can have letters, digits and dashes (up to 500).").optional(),
  active: booleanParam.optional(),
  expires_at: integer(0).optional(),
  max_redemptions: integer(1).optional(),
  metadata: metadataSchema.optional(),
  restrictions: z
    .strictObject({
      first_time_transaction: booleanParam.optional(),
      minimum_amount: integer(1).optional(),
      minimum_amount_currency: currencySchema.optional(),
    })
    .optional(),
  expand: z.array(z.string()).optional(),
});

const sameCode = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

function assertCodeFree(ctx: EmulatorContext, code: string, except?: string): void {
  const taken = [...ctx.state.promotionCodes.values()].some((p) => p.active && p.id !== except && sameCode(p.code, code));
  if (taken)
    throw invalidRequest(`An active promotion code with \`code: ${code}\` already exists.`, {
      param: "code",
      code: "resource_already_exists",
    });
}

export function createPromotionCode(ctx: EmulatorContext, params: FormObject, request: RequestInfo): PromotionCode {
  const p = parseParams(createCodeSchema, params);
  const coupon = retrieveCoupon(ctx, p.promotion.coupon, "promotion[coupon]");
  const now = unix(ctx.now());
  if (p.expires_at !== undefined && p.expires_at <= now) throw invalidRequest("expires_at must be in the future.", { param: "expires_at" });
  if (p.expires_at !== undefined && coupon.redeem_by !== null && p.expires_at > coupon.redeem_by) {
    throw invalidRequest("The promotion code's expires_at cannot be after its coupon's redeem_by.", { param: "expires_at" });
  }
  const restrictions = p.restrictions ?? {};
  if ((restrictions.minimum_amount === undefined) !== (restrictions.minimum_amount_currency === undefined)) {
    throw invalidRequest("minimum_amount and minimum_amount_currency must be passed together.", {
      param: "restrictions[minimum_amount_currency]",
    });
  }
  const active = p.active ?? true;
  const code = p.code ?? randomToken(8).toUpperCase();
  if (active) assertCodeFree(ctx, code);
  const promotion = newPromotionCode({
    id: newId("promo"),
    created: now,
    code,
    coupon: coupon.id,
    active,
    expiresAt: p.expires_at ?? null,
    maxRedemptions: p.max_redemptions ?? null,
    metadata: p.metadata ?? {},
    restrictions: {
      first_time_transaction: restrictions.first_time_transaction ?? false,
      minimum_amount: restrictions.minimum_amount ?? null,
      minimum_amount_currency: restrictions.minimum_amount_currency ?? null,
    },
  });
  ctx.state.promotionCodes.set(promotion.id, promotion);
  emitEvent(ctx, "promotion_code.created", promotion, request);
  return promotion;
}

export function retrievePromotionCode(ctx: EmulatorContext, id: string, param = "promotion_code"): PromotionCode {
  const code = ctx.state.promotionCodes.get(id);
  if (!code) throw resourceMissing("promotion_code", id, param);
  return code;
}

const updateCodeSchema = z.strictObject({
  active: booleanParam.optional(),
  metadata: metadataSchema.optional(),
  expand: z.array(z.string()).optional(),
});

export function updatePromotionCode(ctx: EmulatorContext, id: string, params: FormObject, request: RequestInfo): PromotionCode {
  const code = retrievePromotionCode(ctx, id);
  const p = parseParams(updateCodeSchema, params);
  if (p.active === true && !code.active) {
    if (!ctx.state.coupons.has(code.promotion.coupon))
      throw invalidRequest("This promotion code's coupon was deleted; it cannot be reactivated.", { param: "active" });
    assertCodeFree(ctx, code.code, code.id);
  }
  return applyUpdate(
    ctx,
    code,
    { active: p.active, metadata: mergeMetadata(code.metadata, p.metadata) },
    "promotion_code.updated",
    request,
  );
}

/** GET /v1/promotion_codes?code=…: case-insensitive, as codes are. */
export function promotionCodeMatches(code: PromotionCode, filter: { active?: boolean; code?: string; coupon?: string }): boolean {
  return (
    (filter.active === undefined || code.active === filter.active) &&
    (filter.code === undefined || sameCode(code.code, filter.code)) &&
    (filter.coupon === undefined || code.promotion.coupon === filter.coupon)
  );
}

/** The code a customer typed: the active one with that code, else the newest inactive one (for its message). */
export function findPromotionCode(ctx: EmulatorContext, typed: string): PromotionCode | null {
  const matching = [...ctx.state.promotionCodes.values()].filter((p) => sameCode(p.code, typed.trim()));
  return matching.find((p) => p.active) ?? matching.at(-1) ?? null;
}

/** What a discount is checked against. */
export type DiscountContext = { currency: string; amountSubtotal: number; email: string | null };

/** Why the coupon cannot be used on this session, or null when it can. */
export function couponProblem(ctx: EmulatorContext, couponId: string, session: DiscountContext): string | null {
  const coupon = ctx.state.coupons.get(couponId);
  if (!coupon) return "This discount no longer exists.";
  refreshed(ctx, coupon);
  if (coupon.redeem_by !== null && unix(ctx.now()) >= coupon.redeem_by) return "This discount has expired.";
  if (!coupon.valid) return "This discount has reached its redemption limit.";
  if (coupon.currency !== null && coupon.currency !== session.currency)
    return `This discount cannot be used with a payment in ${session.currency.toUpperCase()}.`;
  return null;
}

/** The customer's e-mail has paid through a completed session before (first_time_transaction). */
function hasPriorTransaction(ctx: EmulatorContext, email: string): boolean {
  return [...ctx.state.sessions.values()].some(
    ({ session }) => session.status === "complete" && session.customer_details?.email?.toLowerCase() === email.toLowerCase(),
  );
}

/** Why the promotion code cannot be used on this session, or null when it can. */
export function promotionCodeProblem(ctx: EmulatorContext, code: PromotionCode, session: DiscountContext): string | null {
  if (!code.active) return "This promotion code is no longer active.";
  if (code.expires_at !== null && unix(ctx.now()) >= code.expires_at) return "This promotion code has expired.";
  if (code.max_redemptions !== null && code.times_redeemed >= code.max_redemptions)
    return "This promotion code has reached its redemption limit.";
  const couponIssue = couponProblem(ctx, code.promotion.coupon, session);
  if (couponIssue) return couponIssue.replace("This discount", "This promotion code");
  const { minimum_amount: minimum, minimum_amount_currency: minimumCurrency, first_time_transaction: firstTime } = code.restrictions;
  if (minimum !== null && minimumCurrency !== null) {
    if (minimumCurrency !== session.currency)
      return `This promotion code cannot be used with a payment in ${session.currency.toUpperCase()}.`;
    if (session.amountSubtotal < minimum)
      return `This promotion code needs an order of at least ${formatMoney(minimum, minimumCurrency)} before shipping and tax.`;
  }
  if (firstTime && session.email && hasPriorTransaction(ctx, session.email)) return "This promotion code is for first-time customers only.";
  return null;
}

/** A completed session used its discount: both redemption counters go up. */
export function redeem(ctx: EmulatorContext, couponId: string, promotionCodeId: string | null): void {
  const coupon = ctx.state.coupons.get(couponId);
  if (coupon) {
    coupon.times_redeemed += 1;
    refreshed(ctx, coupon);
  }
  const code = promotionCodeId ? ctx.state.promotionCodes.get(promotionCodeId) : undefined;
  if (code) code.times_redeemed += 1;
}
