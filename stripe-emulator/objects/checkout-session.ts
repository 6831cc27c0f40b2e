import type { Address, ShippingDetails } from "../domain/addresses";
import { emptyAddress, type Metadata } from "./common";

// A Checkout Session with every field of Stripe's published example
// (fixtures.json), valued the way Stripe does for a hosted, payment-mode
// session. Amounts, shipping_cost, total_details and discounts are written
// by domain/session-pricing.ts whenever what they depend on changes.

export type SessionStatus = "open" | "complete" | "expired";
export type SessionPaymentStatus = "paid" | "unpaid" | "no_payment_required";

export type CustomerDetails = {
  address: Address | ReturnType<typeof emptyAddress>;
  business_name: null;
  email: string | null;
  individual_name: null;
  name: string | null;
  phone: string | null;
  tax_exempt: "none";
  tax_ids: [];
};

export type ShippingCost = { amount_subtotal: number; amount_tax: number; amount_total: number; shipping_rate: string | null };
export type TotalDetails = { amount_discount: number; amount_shipping: number; amount_tax: number };
export type AutomaticTax = {
  enabled: boolean;
  liability: { type: "self" } | null;
  provider: "stripe" | null;
  status: "requires_location_inputs" | "complete" | "failed" | null;
};
export type CollectedInformation = { business_name: null; individual_name: null; shipping_details: ShippingDetails | null };

export type NewSession = {
  id: string;
  created: number;
  url: string;
  amountSubtotal: number;
  amountTotal: number;
  currency: string;
  customerEmail: string | null;
  clientReferenceId: string | null;
  metadata: Metadata;
  expiresAt: number;
  successUrl: string;
  cancelUrl: string | null;
  locale: string | null;
  submitType: string | null;
  paymentMethodTypes: string[];
  allowPromotionCodes: boolean | null;
  automaticTax: boolean;
  customerCreation: "always" | "if_required" | null;
  phoneNumberCollection: boolean;
  allowedCountries: string[] | null;
  shippingOptions: { shipping_amount: number; shipping_rate: string }[];
};

export function newCheckoutSession(s: NewSession) {
  return {
    id: s.id,
    object: "checkout.session" as const,
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: s.allowPromotionCodes,
    amount_subtotal: s.amountSubtotal,
    amount_total: s.amountTotal,
    automatic_tax: (s.automaticTax
      ? { enabled: true, liability: { type: "self" }, provider: "stripe", status: "requires_location_inputs" }
      : { enabled: false, liability: null, provider: null, status: null }) as AutomaticTax,
    billing_address_collection: null,
    cancel_url: s.cancelUrl,
    client_reference_id: s.clientReferenceId,
    client_secret: null,
    collected_information: null as CollectedInformation | null,
    consent: null,
    consent_collection: null,
    created: s.created,
    currency: s.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null as string | null,
    customer_account: null,
    customer_creation: s.customerCreation ?? "if_required",
    customer_details: null as CustomerDetails | null,
    customer_email: s.customerEmail,
    discounts: [] as { coupon: string | null; promotion_code: string | null }[],
    expires_at: s.expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: {
      enabled: false,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: null,
        metadata: {},
        rendering_options: null,
      },
    },
    livemode: false,
    locale: s.locale,
    managed_payments: { enabled: false },
    metadata: s.metadata,
    mode: "payment" as const,
    origin_context: null,
    payment_intent: null as string | null,
    payment_link: null,
    payment_method_collection: "if_required" as const,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: s.paymentMethodTypes,
    payment_status: "unpaid" as SessionPaymentStatus,
    permissions: null,
    phone_number_collection: { enabled: s.phoneNumberCollection },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: s.allowedCountries ? { allowed_countries: s.allowedCountries } : null,
    shipping_cost: null as ShippingCost | null,
    shipping_options: s.shippingOptions,
    status: "open" as SessionStatus,
    submit_type: s.submitType,
    subscription: null,
    success_url: s.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 } as TotalDetails,
    ui_mode: "hosted" as const,
    // Stripe only returns the URL while the session can still be paid.
    url: s.url as string | null,
    wallet_options: null,
  };
}

export type CheckoutSession = ReturnType<typeof newCheckoutSession>;

export function customerDetails(d: {
  email: string | null;
  name: string | null;
  phone: string | null;
  address: Address | null;
}): CustomerDetails {
  return {
    address: d.address ?? emptyAddress(),
    business_name: null,
    email: d.email,
    individual_name: null,
    name: d.name,
    phone: d.phone,
    tax_exempt: "none",
    tax_ids: [],
  };
}
