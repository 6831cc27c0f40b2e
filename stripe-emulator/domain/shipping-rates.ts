import { z } from "zod";
import type { EmulatorContext } from "../context";
import { invalidRequest, resourceMissing } from "../errors";
import type { FormObject } from "../form-params";
import { newId } from "../ids";
import { unix } from "../objects/common";
import { newShippingRate, type ShippingRate } from "../objects/shipping-rate";
import { mergeMetadata } from "./events";
import { booleanParam, currencySchema, integer, metadataSchema, parseParams } from "./params";
import { TAX_CODES } from "./tax-table";

// Shipping rates: POST/GET /v1/shipping_rates, and the `shipping_rate_data`
// a Checkout Session creates them from.

const bound = z.strictObject({ unit: z.enum(["business_day", "day", "hour", "month", "week"]), value: integer(1) });

/** Stripe's ShippingRate create params (also `shipping_options[][shipping_rate_data]`). */
export const shippingRateDataSchema = z.strictObject({
  display_name: z.string().min(1).max(100, "display_name can have up to 100 characters."),
  type: z.literal("fixed_amount").optional(),
  fixed_amount: z.strictObject({ amount: integer(0), currency: currencySchema }),
  delivery_estimate: z.strictObject({ minimum: bound.optional(), maximum: bound.optional() }).optional(),
  tax_behavior: z.enum(["exclusive", "inclusive", "unspecified"]).optional(),
  tax_code: z.string().optional(),
  metadata: metadataSchema.optional(),
});

export type ShippingRateData = z.output<typeof shippingRateDataSchema>;

const MAX_AMOUNT = 99_999_999;

/** Creates a rate from validated data; `param` prefixes the names in errors. */
export function createShippingRateFrom(ctx: EmulatorContext, data: ShippingRateData, param = ""): ShippingRate {
  const name = (field: string) => (param ? `${param}[${field}]` : field);
  if (data.fixed_amount.amount > MAX_AMOUNT)
    throw invalidRequest(`The amount must be no more than ${MAX_AMOUNT}.`, { param: name("fixed_amount[amount]") });
  if (data.tax_code !== undefined && TAX_CODES[data.tax_code] === undefined) {
    throw invalidRequest(`No such tax code: '${data.tax_code}'`, { param: name("tax_code"), code: "resource_missing" });
  }
  const { minimum, maximum } = data.delivery_estimate ?? {};
  const rate = newShippingRate({
    id: newId("shr"),
    created: unix(ctx.now()),
    displayName: data.display_name,
    amount: data.fixed_amount.amount,
    currency: data.fixed_amount.currency,
    deliveryEstimate: data.delivery_estimate ? { minimum: minimum ?? null, maximum: maximum ?? null } : null,
    taxBehavior: data.tax_behavior ?? "unspecified",
    taxCode: data.tax_code ?? null,
    metadata: data.metadata ?? {},
  });
  ctx.state.shippingRates.set(rate.id, rate);
  return rate;
}

export function createShippingRate(ctx: EmulatorContext, params: FormObject): ShippingRate {
  const p = parseParams(shippingRateDataSchema.extend({ expand: z.array(z.string()).optional() }), params);
  return createShippingRateFrom(ctx, p);
}

export function shippingRate(ctx: EmulatorContext, id: string, param = "shipping_rate"): ShippingRate {
  const rate = ctx.state.shippingRates.get(id);
  if (!rate) throw resourceMissing("shipping_rate", id, param);
  return rate;
}

const updateSchema = z.strictObject({
  active: booleanParam.optional(),
  metadata: metadataSchema.optional(),
  tax_behavior: z.enum(["exclusive", "inclusive", "unspecified"]).optional(),
  expand: z.array(z.string()).optional(),
});

export function updateShippingRate(ctx: EmulatorContext, id: string, params: FormObject): ShippingRate {
  const rate = shippingRate(ctx, id);
  const p = parseParams(updateSchema, params);
  if (p.active !== undefined) rate.active = p.active;
  rate.metadata = mergeMetadata(rate.metadata, p.metadata) ?? rate.metadata;
  if (p.tax_behavior !== undefined) {
    // Stripe lets a rate's tax behaviour be set once, never changed.
    if (rate.tax_behavior !== "unspecified" && rate.tax_behavior !== p.tax_behavior) {
      throw invalidRequest("The tax_behavior of a shipping rate cannot be changed once it is set.", { param: "tax_behavior" });
    }
    rate.tax_behavior = p.tax_behavior;
  }
  return rate;
}

/** "3–5 business days", "1 day", "" when the rate has no estimate. */
export function deliveryText(rate: ShippingRate): string {
  const estimate = rate.delivery_estimate;
  if (!estimate) return "";
  const unitName = (unit: string, value: number) => `${unit.replace("_", " ")}${value === 1 ? "" : "s"}`;
  const { minimum: min, maximum: max } = estimate;
  if (min && max) {
    if (min.unit === max.unit)
      return min.value === max.value
        ? `${min.value} ${unitName(min.unit, min.value)}`
        : `${min.value}–${max.value} ${unitName(max.unit, max.value)}`;
    return `${min.value} ${unitName(min.unit, min.value)} – ${max.value} ${unitName(max.unit, max.value)}`;
  }
  if (min) return `at least ${min.value} ${unitName(min.unit, min.value)}`;
  if (max) return `up to ${max.value} ${unitName(max.unit, max.value)}`;
  return "";
}
