import { emptyAddress, type Metadata, type PaymentShipping } from "./common";
import type { Address } from "../domain/addresses";
import type { Refund } from "./refund";

// A Charge with every field of Stripe's example. Checkout creates one per
// payment attempt: succeeded (card), failed (declined card) or pending (bank).

export type ChargeStatus = "succeeded" | "pending" | "failed";

export type CardInfo = { last4: string; expMonth: number; expYear: number; fingerprint: string };
export type BankInfo = { last4: string; fingerprint: string };

export function cardDetails(card: CardInfo, amount: number) {
  return {
    card: {
      amount_authorized: amount,
      authorization_code: null,
      brand: "visa",
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      exp_month: card.expMonth,
      exp_year: card.expYear,
      extended_authorization: { status: "disabled" },
      fingerprint: card.fingerprint,
      funding: "credit",
      incremental_authorization: { status: "unavailable" },
      installments: null,
      last4: card.last4,
      mandate: null,
      multicapture: { status: "unavailable" },
      network: "visa",
      network_token: { used: false },
      network_transaction_id: null,
      overcapture: { maximum_amount_capturable: amount, status: "unavailable" },
      regulated_status: "unregulated",
      three_d_secure: null,
      wallet: null,
    },
    type: "card" as const,
  };
}

export function bankDetails(bank: BankInfo) {
  return {
    type: "us_bank_account" as const,
    us_bank_account: {
      account_holder_type: "individual",
      account_type: "checking",
      bank_name: "STRIPE TEST BANK",
      fingerprint: bank.fingerprint,
      last4: bank.last4,
      payment_reference: null,
      routing_number: "110000000",
    },
  };
}

export type PaymentMethodDetails = ReturnType<typeof cardDetails> | ReturnType<typeof bankDetails>;

export type ChargeOutcome = {
  advice_code: null;
  network_advice_code: null;
  network_decline_code: null;
  network_status: "approved_by_network" | "declined_by_network" | null;
  reason: string | null;
  risk_level: "normal";
  risk_score: number;
  seller_message: string;
  type: "authorized" | "issuer_declined";
};

export function outcomeFor(status: ChargeStatus, declineCode?: string): ChargeOutcome {
  const base = { advice_code: null, network_advice_code: null, network_decline_code: null, risk_level: "normal" as const, risk_score: 12 };
  if (status === "failed") {
    return {
      ...base,
      network_status: "declined_by_network",
      reason: declineCode ?? "generic_decline",
      seller_message: "The bank did not return any further details with this decline.",
      type: "issuer_declined",
    };
  }
  return { ...base, network_status: "approved_by_network", reason: null, seller_message: "Payment complete.", type: "authorized" };
}

export type NewCharge = {
  id: string;
  created: number;
  amount: number;
  currency: string;
  paymentIntent: string;
  paymentMethod: string;
  details: PaymentMethodDetails;
  billingName: string | null;
  billingEmail: string | null;
  billingAddress: Address | null;
  shipping: PaymentShipping | null;
  metadata: Metadata;
  description: string | null;
};

export function newCharge(c: NewCharge) {
  return {
    id: c.id,
    object: "charge" as const,
    amount: c.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null as string | null,
    billing_details: { address: c.billingAddress ?? emptyAddress(), email: c.billingEmail, name: c.billingName, phone: null, tax_id: null },
    calculated_statement_descriptor: "PAPERLEAF BOOKS",
    captured: false,
    created: c.created,
    currency: c.currency,
    customer: null,
    description: c.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null as string | null,
    failure_message: null as string | null,
    fraud_details: {},
    livemode: false,
    metadata: c.metadata,
    on_behalf_of: null,
    outcome: null as ChargeOutcome | null,
    paid: false,
    payment_intent: c.paymentIntent,
    payment_method: c.paymentMethod,
    payment_method_details: c.details,
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    refunds: { object: "list" as const, data: [] as Refund[], has_more: false, url: `/v1/charges/${c.id}/refunds` },
    review: null,
    shipping: c.shipping,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "pending" as ChargeStatus,
    transfer_data: null,
    transfer_group: null,
  };
}

export type Charge = ReturnType<typeof newCharge>;
