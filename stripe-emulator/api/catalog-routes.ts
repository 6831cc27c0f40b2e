import { z } from "zod";
import {
  createCoupon,
  deleteCoupon,
  listCoupons,
  promotionCodeMatches,
  retrieveCoupon,
  retrievePromotionCode,
  updateCoupon,
  updatePromotionCode,
  createPromotionCode,
} from "../domain/coupons";
import { booleanParam, currencySchema } from "../domain/params";
import { createShippingRate, shippingRate, updateShippingRate } from "../domain/shipping-rates";
import { createTaxRate, retrieveTaxRate, updateTaxRate } from "../domain/tax-rates";
import { resourceMissing } from "../errors";
import type { Route } from "../http/io";
import type { PromotionCode } from "../objects/coupon";
import type { EmulatorContext } from "../context";
import { expandOf, listPage, parseListParams } from "./lists";
import type { ApiHandler } from "./routes";

// Coupons, promotion codes, shipping rates, tax rates and customers: the
// objects a store sets up for shipping, tax and discounts in Checkout.

const ok = (body: unknown) => ({ status: 200, body });
const id = "([A-Za-z0-9_]+)";
// Coupon ids are chosen by the merchant and may contain dashes.
const couponId = "([A-Za-z0-9_-]+)";

function promotionView(ctx: EmulatorContext, code: PromotionCode, expand: string[]) {
  if (!expand.includes("promotion.coupon") || !code.promotion.coupon) return code;
  return { ...code, promotion: { ...code.promotion, coupon: ctx.state.coupons.get(code.promotion.coupon) ?? code.promotion.coupon } };
}

export const catalogRoutes: Route<ApiHandler>[] = [
  { method: "POST", pattern: /^\/v1\/coupons$/, handler: (ctx, { params, request }) => ok(createCoupon(ctx, params, request)) },
  {
    method: "GET",
    pattern: /^\/v1\/coupons$/,
    handler: (ctx, { params }) => ok(listPage(listCoupons(ctx), parseListParams({}, params), "/v1/coupons")),
  },
  { method: "GET", pattern: new RegExp(`^/v1/coupons/${couponId}$`), handler: (ctx, { path }) => ok(retrieveCoupon(ctx, path[0]!)) },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/coupons/${couponId}$`),
    handler: (ctx, { params, path, request }) => ok(updateCoupon(ctx, path[0]!, params, request)),
  },
  {
    method: "DELETE",
    pattern: new RegExp(`^/v1/coupons/${couponId}$`),
    handler: (ctx, { path, request }) => ok(deleteCoupon(ctx, path[0]!, request)),
  },

  {
    method: "POST",
    pattern: /^\/v1\/promotion_codes$/,
    handler: (ctx, { params, request }) => ok(promotionView(ctx, createPromotionCode(ctx, params, request), expandOf(params))),
  },
  {
    method: "GET",
    pattern: /^\/v1\/promotion_codes$/,
    handler: (ctx, { params }) => {
      const p = parseListParams({ active: booleanParam.optional(), code: z.string().optional(), coupon: z.string().optional() }, params);
      const page = listPage([...ctx.state.promotionCodes.values()], p, "/v1/promotion_codes", (code) => promotionCodeMatches(code, p));
      return ok({
        ...page,
        data: page.data.map((code) =>
          promotionView(
            ctx,
            code,
            (p.expand ?? []).map((e) => e.replace(/^data\./, "")),
          ),
        ),
      });
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/promotion_codes/${id}$`),
    handler: (ctx, { params, path }) => ok(promotionView(ctx, retrievePromotionCode(ctx, path[0]!), expandOf(params))),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/promotion_codes/${id}$`),
    handler: (ctx, { params, path, request }) =>
      ok(promotionView(ctx, updatePromotionCode(ctx, path[0]!, params, request), expandOf(params))),
  },

  { method: "POST", pattern: /^\/v1\/shipping_rates$/, handler: (ctx, { params }) => ok(createShippingRate(ctx, params)) },
  {
    method: "GET",
    pattern: /^\/v1\/shipping_rates$/,
    handler: (ctx, { params }) => {
      const p = parseListParams({ active: booleanParam.optional(), currency: currencySchema.optional() }, params);
      const keep = (r: { active: boolean; fixed_amount: { currency: string } }) =>
        (p.active === undefined || r.active === p.active) && (!p.currency || r.fixed_amount.currency === p.currency);
      return ok(listPage([...ctx.state.shippingRates.values()], p, "/v1/shipping_rates", keep));
    },
  },
  { method: "GET", pattern: new RegExp(`^/v1/shipping_rates/${id}$`), handler: (ctx, { path }) => ok(shippingRate(ctx, path[0]!)) },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/shipping_rates/${id}$`),
    handler: (ctx, { params, path }) => ok(updateShippingRate(ctx, path[0]!, params)),
  },

  { method: "POST", pattern: /^\/v1\/tax_rates$/, handler: (ctx, { params, request }) => ok(createTaxRate(ctx, params, request)) },
  {
    method: "GET",
    pattern: /^\/v1\/tax_rates$/,
    handler: (ctx, { params }) => {
      const p = parseListParams({ active: booleanParam.optional(), inclusive: booleanParam.optional() }, params);
      const keep = (r: { active: boolean; inclusive: boolean }) =>
        (p.active === undefined || r.active === p.active) && (p.inclusive === undefined || r.inclusive === p.inclusive);
      return ok(listPage([...ctx.state.taxRates.values()], p, "/v1/tax_rates", keep));
    },
  },
  { method: "GET", pattern: new RegExp(`^/v1/tax_rates/${id}$`), handler: (ctx, { path }) => ok(retrieveTaxRate(ctx, path[0]!)) },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/tax_rates/${id}$`),
    handler: (ctx, { params, path, request }) => ok(updateTaxRate(ctx, path[0]!, params, request)),
  },

  {
    method: "GET",
    pattern: /^\/v1\/customers$/,
    handler: (ctx, { params }) => {
      const p = parseListParams({ email: z.string().optional() }, params);
      return ok(listPage([...ctx.state.customers.values()], p, "/v1/customers", (c) => p.email === undefined || c.email === p.email));
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/customers/${id}$`),
    handler: (ctx, { path }) => {
      const customer = ctx.state.customers.get(path[0]!);
      if (!customer) throw resourceMissing("customer", path[0]!, "id");
      return ok(customer);
    },
  },
];
