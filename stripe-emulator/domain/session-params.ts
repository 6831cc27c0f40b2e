import { z } from "zod";
import { invalidRequest, missingParam, resourceMissing } from "../errors";
import type { FormObject } from "../form-params";
import { emailSchema, integer, metadataSchema, parseParams, urlSchema } from "./params";

// POST /v1/checkout/sessions params: the subset the app uses, validated like
// Stripe (unknown params rejected, one error at a time, `param` named).

const MIN_EXPIRY_S = 30 * 60;
const MAX_EXPIRY_S = 24 * 3600;
// The caller computes expires_at a moment before we see it; allow that much.
const CLOCK_SLACK_S = 10;
const MAX_AMOUNT = 99_999_999;
// Stripe's minimum charge (smallest currency unit) for common currencies.
const MIN_AMOUNT: Record<string, number> = { usd: 50, eur: 50, gbp: 30, cad: 50, aud: 50, chf: 50 };

const lineItemSchema = z.strictObject({
  price: z.string().optional(),
  price_data: z
    .strictObject({
      currency: z.string().regex(/^[a-zA-Z]{3}$/, "Invalid currency").transform((c) => c.toLowerCase()),
      unit_amount: integer(0),
      product_data: z.strictObject({
        name: z.string().min(1),
        description: z.string().optional(),
        images: z.array(z.string()).optional(),
        metadata: metadataSchema.optional(),
      }),
      tax_behavior: z.enum(["exclusive", "inclusive", "unspecified"]).optional(),
    })
    .optional(),
  quantity: integer(1),
});

const schema = z.strictObject({
  mode: z.enum(["payment", "setup", "subscription"]),
  line_items: z.array(lineItemSchema).optional(),
  success_url: urlSchema,
  cancel_url: urlSchema.optional(),
  customer_email: emailSchema.optional(),
  client_reference_id: z.string().max(200, "client_reference_id can have up to 200 characters.").optional(),
  metadata: metadataSchema.optional(),
  payment_intent_data: z
    .strictObject({ metadata: metadataSchema.optional(), description: z.string().max(1000).optional() })
    .optional(),
  expires_at: integer(0).optional(),
  locale: z.string().optional(),
  submit_type: z.enum(["auto", "book", "donate", "pay"]).optional(),
  payment_method_types: z.array(z.enum(["card", "us_bank_account"])).optional(),
  ui_mode: z.literal("hosted").optional(),
  expand: z.array(z.string()).optional(),
});

export type SessionParams = {
  lineItems: { name: string; currency: string; unitAmount: number; quantity: number }[];
  currency: string;
  amountTotal: number;
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
    if (!item.price_data) throw invalidRequest(`You must specify either \`price\` or \`price_data\` in \`line_items[${i}]\`.`, { param: `line_items[${i}]` });
    return { name: item.price_data.product_data.name, currency: item.price_data.currency, unitAmount: item.price_data.unit_amount, quantity: item.quantity };
  });
  const currency = lineItems[0]!.currency;
  if (lineItems.some((item) => item.currency !== currency)) {
    throw invalidRequest("All line items must use the same currency.", { param: "line_items" });
  }
  const amountTotal = lineItems.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
  if (amountTotal > MAX_AMOUNT) throw invalidRequest(`The total amount must be no more than ${MAX_AMOUNT}.`, { param: "line_items", code: "amount_too_large" });
  const minimum = MIN_AMOUNT[currency];
  if (minimum !== undefined && amountTotal < minimum) {
    throw invalidRequest(`The Checkout Session's total amount due must add up to at least ${minimum} ${currency} (in the smallest currency unit).`, { param: "line_items", code: "amount_too_small" });
  }

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
