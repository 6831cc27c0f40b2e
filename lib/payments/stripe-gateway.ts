import type Stripe from "stripe";
import { REFUND_REFUSED_FOR_GOOD, type ShippingAddress, type ShippingMethod } from "@/machines/order-types";
import { AppError } from "@/lib/errors";
import type {
  CheckoutSessionInfo,
  CheckoutSessionInput,
  DisputeInfo,
  PaymentGateway,
  PaymentIntentInfo,
  PromotionCodeInfo,
  RefundInfo,
  Sale,
} from "./gateway";
import { RefundRefused } from "./gateway";
import { callGateway } from "./resilience";

/** Stripe's codes for a refund it will never make (lib/payments/gateway.ts, RefundRefused). */
const REFUSED_FOR_GOOD = new Set<string>(REFUND_REFUSED_FOR_GOOD);
import { stripeClient } from "./stripe-client";

// The Stripe adapter: the only place that knows Stripe's object shapes.

const MIN_EXPIRY_MS = 31 * 60_000; // Stripe requires expires_at at least 30 minutes ahead
const MAX_EXPIRY_MS = 23 * 3_600_000;

const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : (value?.id ?? null));

export function toSessionInfo(session: Stripe.Checkout.Session): CheckoutSessionInfo {
  return {
    id: session.id,
    url: session.url,
    status: session.status === "complete" ? "complete" : session.status === "expired" ? "expired" : "open",
    paymentStatus:
      session.payment_status === "paid" ? "paid" : session.payment_status === "no_payment_required" ? "no_payment_required" : "unpaid",
    amountTotal: session.amount_total,
    currency: session.currency,
    paymentIntentId: idOf(session.payment_intent),
    orderId: session.metadata?.order_id ?? session.client_reference_id ?? null,
    paymentId: session.metadata?.payment_id ?? null,
    shipped: session.metadata?.sale === "shipped",
    expiresAt: session.expires_at * 1000,
  };
}

export function toPaymentIntentInfo(intent: Stripe.PaymentIntent): PaymentIntentInfo {
  const error = intent.last_payment_error;
  const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
  return {
    id: intent.id,
    status: intent.status as PaymentIntentInfo["status"],
    amount: intent.amount,
    amountReceived: intent.amount_received,
    currency: intent.currency,
    lastPaymentError: error ? { code: error.code ?? null, declineCode: error.decline_code ?? null, message: error.message ?? null } : null,
    canceledAt: intent.canceled_at ? intent.canceled_at * 1000 : null,
    attemptedAt: charge ? charge.created * 1000 : null,
  };
}

/** Event types of a session that took money. */
const PAID_SESSION_EVENTS = ["checkout.session.completed", "checkout.session.async_payment_succeeded"];

export function toRefundInfo(refund: Stripe.Refund): RefundInfo {
  return {
    id: refund.id,
    status: (refund.status ?? "pending") as RefundInfo["status"],
    amount: refund.amount,
    refundId: refund.metadata?.refund_id ?? null,
    failureReason: refund.failure_reason ?? null,
  };
}

export function toDisputeInfo(dispute: Stripe.Dispute): DisputeInfo {
  const intent = dispute.payment_intent;
  const dueBy = dispute.evidence_details?.due_by;
  return {
    id: dispute.id,
    paymentIntentId: typeof intent === "string" ? intent : (intent?.id ?? null),
    amount: dispute.amount,
    currency: dispute.currency,
    reason: dispute.reason,
    status: dispute.status,
    evidenceDueBy: typeof dueBy === "number" ? dueBy * 1000 : null,
  };
}

/** Printed books: reduced or zero rates where a country has them (Stripe Tax product tax code). */
export const BOOK_TAX_CODE = "txcd_35010000";
const SHIPPING_TAX_CODE = "txcd_92010001";

const methodOf = (value: string | undefined): ShippingMethod | null => (value === "standard" || value === "express" ? value : null);

function shippingParams(input: CheckoutSessionInput): Partial<Stripe.Checkout.SessionCreateParams> {
  if (!input.shipping) return {};
  return {
    shipping_address_collection: {
      allowed_countries: input.shipping.countries as Stripe.Checkout.SessionCreateParams.ShippingAddressCollection.AllowedCountry[],
    },
    shipping_options: input.shipping.options.map((option) => ({
      shipping_rate_data: {
        type: "fixed_amount",
        display_name: option.method === "express" ? "Express" : option.amountCents === 0 ? "Standard (free)" : "Standard",
        fixed_amount: { amount: option.amountCents, currency: input.currency },
        delivery_estimate: {
          minimum: { unit: "business_day", value: option.minDays },
          maximum: { unit: "business_day", value: option.maxDays },
        },
        tax_behavior: "exclusive",
        tax_code: SHIPPING_TAX_CODE,
        // How the store knows which of its rates was chosen.
        metadata: { method: option.method },
      },
    })),
  };
}

function toAddress(details: { name?: string | null; address?: Stripe.Address | null } | null | undefined): ShippingAddress | null {
  const a = details?.address;
  if (!a?.line1 || !a.country) return null;
  return {
    name: details?.name ?? "",
    line1: a.line1,
    line2: a.line2 || null,
    city: a.city ?? "",
    postalCode: a.postal_code || null,
    region: a.state || null,
    country: a.country,
  };
}

/** The sale in our terms: a session retrieved with shipping_cost.shipping_rate and discounts.promotion_code expanded, and its line items. */
export function toSale(session: Stripe.Checkout.Session, items: Stripe.LineItem[]): Sale {
  const rate = session.shipping_cost?.shipping_rate;
  const promotion = session.discounts?.find((d) => d.promotion_code)?.promotion_code;
  // Current API: collected_information.shipping_details; older versions: shipping_details.
  const legacy = (session as unknown as { shipping_details?: { name?: string | null; address?: Stripe.Address | null } }).shipping_details;
  return {
    currency: session.currency ?? "",
    subtotalCents: session.amount_subtotal ?? 0,
    discountCents: session.total_details?.amount_discount ?? 0,
    shippingCents: session.total_details?.amount_shipping ?? 0,
    taxCents: session.total_details?.amount_tax ?? 0,
    totalCents: session.amount_total ?? 0,
    shippingMethod: rate && typeof rate === "object" ? methodOf(rate.metadata?.method) : null,
    address: toAddress(session.collected_information?.shipping_details ?? legacy),
    email: session.customer_details?.email ?? null,
    promotionCode: promotion && typeof promotion === "object" ? promotion.code : null,
    lines: items.map((item) => ({ discountCents: item.amount_discount, taxCents: item.amount_tax })),
  };
}

const couponIdOf = (code: Stripe.PromotionCode) => {
  // Current API: promotion.coupon; older versions: coupon.
  const legacy = (code as unknown as { coupon?: string | Stripe.Coupon }).coupon;
  const coupon = code.promotion?.coupon ?? legacy;
  return typeof coupon === "string" ? coupon : (coupon?.id ?? null);
};

export function toPromotionCodeInfo(code: Stripe.PromotionCode, coupon: Stripe.Coupon | undefined): PromotionCodeInfo {
  return {
    id: code.id,
    code: code.code,
    active: code.active,
    percentOff: coupon?.percent_off ?? null,
    amountOffCents: coupon?.amount_off ?? null,
    currency: coupon?.currency ?? null,
    expiresAt: code.expires_at ? code.expires_at * 1000 : null,
    maxRedemptions: code.max_redemptions ?? null,
    timesRedeemed: code.times_redeemed,
    createdAt: code.created * 1000,
  };
}

/** The gateway refused the operator's input (a code already active…): a 400 with its message, never a retry. */
async function refusedAsInvalid<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const e = error as { type?: string; message?: string; code?: string };
    if (e.type === "StripeInvalidRequestError")
      throw new AppError("invalid_request", e.message ?? "The payment service refused this code", { gatewayCode: e.code ?? null });
    throw error;
  }
}

function clampExpiry(deadline: Date): number {
  const now = Date.now();
  const at = Math.min(Math.max(deadline.getTime(), now + MIN_EXPIRY_MS), now + MAX_EXPIRY_MS);
  return Math.floor(at / 1000);
}

export function stripeGateway(): PaymentGateway {
  const stripe = stripeClient();
  return {
    async createCheckoutSession(input) {
      const session = await callGateway("checkout.sessions.create", () =>
        stripe.checkout.sessions.create(
          {
            mode: "payment",
            client_reference_id: input.orderId,
            ...(input.customerEmail ? { customer_email: input.customerEmail } : {}),
            ...shippingParams(input),
            ...(input.automaticTax ? { automatic_tax: { enabled: true } } : {}),
            ...(input.allowPromotionCodes ? { allow_promotion_codes: true } : {}),
            metadata: { order_id: input.orderId, payment_id: input.paymentId, ...(input.shipping ? { sale: "shipped" } : {}) },
            payment_intent_data: { metadata: { order_id: input.orderId, payment_id: input.paymentId } },
            line_items: input.lines.map((line) => ({
              quantity: line.quantity,
              price_data: {
                currency: input.currency,
                unit_amount: line.unitPriceCents,
                // Tax on top of the price; books get the reduced rates where a country has them.
                ...(input.automaticTax ? { tax_behavior: "exclusive" as const } : {}),
                product_data: { name: line.title, ...(input.automaticTax ? { tax_code: BOOK_TAX_CODE } : {}) },
              },
            })),
            success_url: input.successUrl,
            cancel_url: input.cancelUrl,
            // When our window is shorter than Stripe allows, our timer expires it.
            expires_at: clampExpiry(input.expiresAt),
          },
          { idempotencyKey: `checkout-session-${input.paymentId}` },
        ),
      );
      if (!session.url) throw new Error(`checkout session ${session.id} has no url`);
      return { id: session.id, url: session.url };
    },
    async retrieveCheckoutSession(sessionId) {
      return toSessionInfo(await callGateway("checkout.sessions.retrieve", () => stripe.checkout.sessions.retrieve(sessionId)));
    },
    async retrieveSale(sessionId) {
      const [session, items] = await Promise.all([
        // Named apart from the status reads: a paid session's sale is read once, when it is settled.
        callGateway("checkout.sessions.retrieve_sale", () =>
          stripe.checkout.sessions.retrieve(sessionId, { expand: ["shipping_cost.shipping_rate", "discounts.promotion_code"] }),
        ),
        callGateway("checkout.sessions.listLineItems", () =>
          stripe.checkout.sessions.listLineItems(sessionId, { limit: 100 }).autoPagingToArray({ limit: 1000 }),
        ),
      ]);
      return toSale(session, items);
    },
    async retrievePaymentIntent(paymentIntentId) {
      // The latest charge carries the attempt's time.
      const intent = await callGateway("payment_intents.retrieve", () =>
        stripe.paymentIntents.retrieve(paymentIntentId, { expand: ["latest_charge"] }),
      );
      return toPaymentIntentInfo(intent);
    },
    async ping() {
      // The smallest read the API has that needs no object: one event, through the breaker like every call.
      await callGateway("ping", () => stripe.events.list({ limit: 1 }));
    },
    async listPaidSessionEvents(since, max) {
      const events = await callGateway("events.list", () =>
        stripe.events.list({ types: PAID_SESSION_EVENTS, created: { gte: since }, limit: 100 }).autoPagingToArray({ limit: max }),
      );
      return events.map((event) => ({
        id: event.id,
        created: event.created,
        session: toSessionInfo(event.data.object as Stripe.Checkout.Session),
      }));
    },
    async expireCheckoutSession(sessionId) {
      const current = await callGateway("checkout.sessions.retrieve", () => stripe.checkout.sessions.retrieve(sessionId));
      if (current.status !== "open") return toSessionInfo(current);
      try {
        return toSessionInfo(await callGateway("checkout.sessions.expire", () => stripe.checkout.sessions.expire(sessionId)));
      } catch (error) {
        // Completed between our read and the expire call: report what it is now.
        const after = await callGateway("checkout.sessions.retrieve", () => stripe.checkout.sessions.retrieve(sessionId));
        if (after.status !== "open") return toSessionInfo(after);
        throw error;
      }
    },
    async createRefund(input) {
      const refund = await callGateway("refunds.create", () =>
        stripe.refunds.create(
          {
            payment_intent: input.paymentIntentId,
            amount: input.amountCents,
            metadata: { refund_id: input.refundId, order_id: input.orderId },
          },
          { idempotencyKey: `refund-${input.refundId}` },
        ),
      ).catch((error: unknown) => {
        const { type, code, message } = error as { type?: string; code?: string; message?: string };
        if (type === "StripeInvalidRequestError" && code && REFUSED_FOR_GOOD.has(code)) throw new RefundRefused(code, message ?? code);
        throw error;
      });
      return toRefundInfo(refund);
    },
    async retrieveRefund(gatewayRefundId) {
      return toRefundInfo(await callGateway("refunds.retrieve", () => stripe.refunds.retrieve(gatewayRefundId)));
    },
    async findRefund(paymentIntentId, refundId) {
      // A payment has a handful of refunds at most (each partial refund, each retry).
      const refunds = await callGateway("refunds.list", () =>
        stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 }).autoPagingToArray({ limit: 1000 }),
      );
      const found = refunds.find((refund) => refund.metadata?.refund_id === refundId);
      return found ? toRefundInfo(found) : undefined;
    },
    async createPromotionCode(input) {
      // The code must be free before a coupon is made for it.
      const taken = await callGateway("promotion_codes.list", () =>
        stripe.promotionCodes.list({ code: input.code, active: true, limit: 1 }),
      );
      if (taken.data.length > 0)
        throw new AppError("invalid_request", `The code ${input.code} is already active.`, { gatewayCode: "resource_already_exists" });
      const coupon = await refusedAsInvalid(
        callGateway("coupons.create", () =>
          stripe.coupons.create(
            input.percentOff !== undefined
              ? { percent_off: input.percentOff, duration: "once", name: input.code }
              : { amount_off: input.amountOffCents, currency: input.currency, duration: "once", name: input.code },
          ),
        ),
      );
      const code = await refusedAsInvalid(
        callGateway("promotion_codes.create", () =>
          stripe.promotionCodes.create({
            promotion: { type: "coupon", coupon: coupon.id },
            code: input.code,
            ...(input.expiresAt ? { expires_at: Math.floor(input.expiresAt / 1000) } : {}),
            ...(input.maxRedemptions ? { max_redemptions: input.maxRedemptions } : {}),
          }),
        ),
      );
      return toPromotionCodeInfo(code, coupon);
    },
    async listPromotionCodes(max) {
      const [codes, coupons] = await Promise.all([
        callGateway("promotion_codes.list", () => stripe.promotionCodes.list({ limit: 100 }).autoPagingToArray({ limit: max })),
        callGateway("coupons.list", () => stripe.coupons.list({ limit: 100 }).autoPagingToArray({ limit: 10 * max })),
      ]);
      const byId = new Map(coupons.map((c) => [c.id, c]));
      return codes.map((code) => toPromotionCodeInfo(code, byId.get(couponIdOf(code) ?? "")));
    },
    async deactivatePromotionCode(id) {
      const code = await refusedAsInvalid(callGateway("promotion_codes.update", () => stripe.promotionCodes.update(id, { active: false })));
      const couponId = couponIdOf(code);
      const coupon = couponId ? await callGateway("coupons.retrieve", () => stripe.coupons.retrieve(couponId)) : undefined;
      return toPromotionCodeInfo(code, coupon);
    },
  };
}
