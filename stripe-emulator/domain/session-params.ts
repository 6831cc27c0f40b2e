import { z } from "zod";
import { invalidRequest, missingParam, resourceMissing } from "../errors";
import type { FormObject } from "../form-params";
import type { TaxBehavior } from "../objects/shipping-rate";
import { CHECKOUT_COUNTRIES } from "./addresses";
import { booleanParam, currencySchema, emailSchema, integer, metadataSchema, parseParams, urlSchema } from "./params";
import { shippingRateDataSchema, type ShippingRateData } from "./shipping-rates";

// POST /v1/checkout/sessions params: the subset the app uses, validated like
// Stripe (unknown params rejected, one error at a time, `param` named).

const MIN_EXPIRY_S = 30 * 60;
const MAX_EXPIRY_S = 24 * 3600;
// The caller computes expires_at a moment before we see it; allow that much.
const CLOCK_SLACK_S = 10;
const MAX_AMOUNT = 99_999_999;
// Stripe's minimum charge (smallest currency unit) for common currencies.
export const MIN_AMOUNT: Record<string, number> = { usd: 50, eur: 50, gbp: 30, cad: 50, aud: 50, chf: 50 };

const lineItemSchema = z.strictObject({
  price: z.string().optional(),
  price_data: z
    .strictObject({
      currency: currencySchema,
      unit_amount: integer(0),
      product_data: z.strictObject({
        name: z.string().min(1),
        description: z.string().optional(),
        images: z.array(z.string()).optional(),
        metadata: metadataSchema.optional(),
        tax_code: z.string().optional(),
      }),
      tax_behavior: z.enum(["exclusive", "inclusive", "unspecified"]).optional(),
    })
    .optional(),
  quantity: integer(1),
  tax_rates: z.array(z.string()).max(5, "A line item can have up to 5 tax rates.").optional(),
});

const countrySchema = z.enum([...CHECKOUT_COUNTRIES] as [string, ...string[]]);

const schema = z.strictObject({
  mode: z.enum(["payment", "setup", "subscription"]),
  line_items: z.array(lineItemSchema).optional(),
  success_url: urlSchema,
  cancel_url: urlSchema.optional(),
  customer_email: emailSchema.optional(),
  client_reference_id: z.string().max(200, "client_reference_id can have up to 200 characters.").optional(),
  metadata: metadataSchema.optional(),
  payment_intent_data: z.strictObject({ metadata: metadataSchema.optional(), description: z.string().max(1000).optional() }).optional(),
  expires_at: integer(0).optional(),
  locale: z.string().optional(),
  submit_type: z.enum(["auto", "book", "donate", "pay"]).optional(),
  payment_method_types: z.array(z.enum(["card", "us_bank_account"])).optional(),
  ui_mode: z.literal("hosted").optional(),
  expand: z.array(z.string()).optional(),
  shipping_address_collection: z.strictObject({ allowed_countries: z.array(countrySchema).min(1) }).optional(),
  shipping_options: z
    .array(z.strictObject({ shipping_rate: z.string().optional(), shipping_rate_data: shippingRateDataSchema.optional() }))
    .max(5, "You can pass up to 5 shipping options.")
    .optional(),
  automatic_tax: z.strictObject({ enabled: booleanParam, liability: z.strictObject({ type: z.literal("self") }).optional() }).optional(),
  allow_promotion_codes: booleanParam.optional(),
  discounts: z
    .array(z.strictObject({ coupon: z.string().optional(), promotion_code: z.string().optional() }))
    .max(1, "Checkout Sessions accept one discount.")
    .optional(),
  customer_creation: z.enum(["always", "if_required"]).optional(),
  phone_number_collection: z.strictObject({ enabled: booleanParam }).optional(),
});

export type SessionLineParams = {
  name: string;
  currency: string;
  unitAmount: number;
  quantity: number;
  taxBehavior: TaxBehavior | null;
  taxCode: string | null;
  taxRates: string[];
};

/** One of the session's shipping options: an existing rate, or the data to create one. */
export type ShippingOptionParam = { rate: string } | { data: ShippingRateData };
export type DiscountParam = { coupon: string } | { promotionCode: string };

export type SessionParams = {
  lineItems: SessionLineParams[];
  currency: string;
  amountTotal: number;
  shippingAddressCollection: string[] | null;
  shippingOptions: ShippingOptionParam[];
  automaticTax: boolean;
  allowPromotionCodes: boolean | null;
  discount: DiscountParam | null;
  customerCreation: "always" | "if_required" | null;
  phoneNumberCollection: boolean;
  successUrl: string;
  cancelUrl: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  metadata: Record<string, string>;
  intentMetadata: Record<string, string>;
  intentDescription: string | null;
  expiresAt: number;
  locale: string | null;
  submitType: string | null;
  paymentMethodTypes: string[];
};

export function parseSessionParams(params: FormObject, nowSeconds: number): SessionParams {
  const p = parseParams(schema, params);
  if (p.mode !== "payment") throw invalidRequest(`The emulator only supports mode=payment, not mode=${p.mode}.`, { param: "mode" });
  if (!p.line_items || p.line_items.length === 0) throw missingParam("line_items");

  const lineItems = p.line_items.map((item, i) => {
    if (item.price !== undefined) throw resourceMissing("price", item.price, `line_items[${i}][price]`);
    if (!item.price_data)
      throw invalidRequest(`You must specify either \`price\` or \`price_data\` in \`line_items[${i}]\`.`, { param: `line_items[${i}]` });
    const { price_data: data } = item;
    return {
      name: data.product_data.name,
      currency: data.currency,
      unitAmount: data.unit_amount,
      quantity: item.quantity,
      taxBehavior: data.tax_behavior ?? null,
      taxCode: data.product_data.tax_code ?? null,
      taxRates: item.tax_rates ?? [],
    };
  });
  const currency = lineItems[0]!.currency;
  if (lineItems.some((item) => item.currency !== currency)) {
    throw invalidRequest("All line items must use the same currency.", { param: "line_items" });
  }
  const amountTotal = lineItems.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
  if (amountTotal > MAX_AMOUNT)
    throw invalidRequest(`The total amount must be no more than ${MAX_AMOUNT}.`, { param: "line_items", code: "amount_too_large" });
  const automaticTax = p.automatic_tax?.enabled ?? false;
  const taxed = p.line_items.findIndex((item) => (item.tax_rates?.length ?? 0) > 0);
  if (automaticTax && taxed !== -1) {
    throw invalidRequest("You cannot pass `tax_rates` on line items when `automatic_tax[enabled]` is true.", {
      param: `line_items[${taxed}][tax_rates]`,
    });
  }
  if (p.allow_promotion_codes !== undefined && p.discounts !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: allow_promotion_codes, discounts.", { param: "discounts" });
  }
  const shippingOptions = (p.shipping_options ?? []).map((option, i): ShippingOptionParam => {
    if ((option.shipping_rate === undefined) === (option.shipping_rate_data === undefined)) {
      throw invalidRequest("You must pass exactly one of `shipping_rate` or `shipping_rate_data`.", { param: `shipping_options[${i}]` });
    }
    return option.shipping_rate !== undefined ? { rate: option.shipping_rate } : { data: option.shipping_rate_data! };
  });
  const discounts = (p.discounts ?? []).map((d, i): DiscountParam => {
    if ((d.coupon === undefined) === (d.promotion_code === undefined)) {
      throw invalidRequest("You must pass exactly one of `coupon` or `promotion_code`.", { param: `discounts[${i}]` });
    }
    return d.coupon !== undefined ? { coupon: d.coupon } : { promotionCode: d.promotion_code! };
  });

  const expiresAt = p.expires_at ?? nowSeconds + MAX_EXPIRY_S;
  if (expiresAt < nowSeconds + MIN_EXPIRY_S - CLOCK_SLACK_S) {
    throw invalidRequest("The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.", { param: "expires_at" });
  }
  if (expiresAt > nowSeconds + MAX_EXPIRY_S + CLOCK_SLACK_S) {
    throw invalidRequest("The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.", { param: "expires_at" });
  }

  return {
    lineItems,
    currency,
    amountTotal,
    shippingAddressCollection: p.shipping_address_collection?.allowed_countries ?? null,
    shippingOptions,
    automaticTax,
    allowPromotionCodes: p.allow_promotion_codes ?? null,
    discount: discounts[0] ?? null,
    customerCreation: p.customer_creation ?? null,
    phoneNumberCollection: p.phone_number_collection?.enabled ?? false,
    successUrl: p.success_url,
    cancelUrl: p.cancel_url ?? null,
    customerEmail: p.customer_email ?? null,
    clientReferenceId: p.client_reference_id ?? null,
    metadata: p.metadata ?? {},
    intentMetadata: p.payment_intent_data?.metadata ?? {},
    intentDescription: p.payment_intent_data?.description ?? null,
    expiresAt,
    locale: p.locale ?? null,
    submitType: p.submit_type ?? null,
    paymentMethodTypes: p.payment_method_types ?? ["card", "us_bank_account"],
  };
}
