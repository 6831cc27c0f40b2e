import { randomToken } from "../ids";
import type { Metadata, PaymentShipping } from "./common";

// A PaymentIntent with every field of Stripe's example, as Checkout creates it.

export type PaymentIntentStatus = "requires_payment_method" | "processing" | "succeeded" | "canceled";

export type LastPaymentError = {
  type: "card_error" | "invalid_request_error";
  code: string;
  decline_code?: string;
  message: string;
  charge?: string;
  doc_url: string;
  payment_method_type: string;
};

export type NewPaymentIntent = {
  id: string;
  created: number;
  amount: number;
  currency: string;
  metadata: Metadata;
  description: string | null;
  paymentMethodTypes: string[];
};

export function newPaymentIntent(p: NewPaymentIntent) {
  return {
    id: p.id,
    object: "payment_intent" as const,
    amount: p.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null as number | null,
    cancellation_reason: null as string | null,
    capture_method: "automatic_async" as const,
    client_secret: `${p.id}_secret_${randomToken(25)}`,
    confirmation_method: "automatic" as const,
    created: p.created,
    currency: p.currency,
    customer: null,
    customer_account: null,
    description: p.description,
    excluded_payment_method_types: null,
    last_payment_error: null as LastPaymentError | null,
    latest_charge: null as string | null,
    livemode: false,
    managed_payments: { enabled: false },
    metadata: p.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null as string | null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: p.paymentMethodTypes,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null as PaymentShipping | null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "requires_payment_method" as PaymentIntentStatus,
    transfer_data: null,
    transfer_group: null,
  };
}

export type PaymentIntent = ReturnType<typeof newPaymentIntent>;
