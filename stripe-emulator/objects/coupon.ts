import type { Metadata } from "./common";

// Coupons, promotion codes and the Discount a session gets from one, with
// every field of Stripe's examples (the discount's field set is the one
// inside the customer example).

export type CouponDuration = "once" | "repeating" | "forever";

export type NewCoupon = {
  id: string;
  created: number;
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
  duration: CouponDuration;
  durationInMonths: number | null;
  maxRedemptions: number | null;
  redeemBy: number | null;
  name: string | null;
  metadata: Metadata;
};

export function newCoupon(c: NewCoupon) {
  return {
    id: c.id,
    object: "coupon" as const,
    amount_off: c.amountOff,
    created: c.created,
    currency: c.currency,
    duration: c.duration,
    duration_in_months: c.durationInMonths,
    livemode: false,
    max_redemptions: c.maxRedemptions,
    metadata: c.metadata,
    name: c.name,
    percent_off: c.percentOff,
    redeem_by: c.redeemBy,
    times_redeemed: 0,
    valid: true,
  };
}

export type Coupon = ReturnType<typeof newCoupon>;

export type NewPromotionCode = {
  id: string;
  created: number;
  code: string;
  coupon: string;
  active: boolean;
  expiresAt: number | null;
  maxRedemptions: number | null;
  metadata: Metadata;
  restrictions: { first_time_transaction: boolean; minimum_amount: number | null; minimum_amount_currency: string | null };
};

export function newPromotionCode(p: NewPromotionCode) {
  return {
    id: p.id,
    object: "promotion_code" as const,
    active: p.active,
    code: p.code,
    created: p.created,
    customer: null,
    customer_account: null,
    expires_at: p.expiresAt,
    livemode: false,
    max_redemptions: p.maxRedemptions,
    metadata: p.metadata,
    promotion: { coupon: p.coupon, type: "coupon" as const },
    restrictions: p.restrictions,
    times_redeemed: 0,
  };
}

export type PromotionCode = ReturnType<typeof newPromotionCode>;

export function newDiscount(d: { id: string; sessionId: string; coupon: string; promotionCode: string | null; start: number }) {
  return {
    id: d.id,
    object: "discount" as const,
    checkout_session: d.sessionId,
    customer: null,
    customer_account: null,
    end: null,
    invoice: null,
    invoice_item: null,
    promotion_code: d.promotionCode,
    source: { coupon: d.coupon, type: "coupon" as const },
    start: d.start,
    subscription: null,
    subscription_item: null,
  };
}

export type Discount = ReturnType<typeof newDiscount>;
