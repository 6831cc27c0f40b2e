import type { Metadata } from "./common";

// A Refund with every field of Stripe's example. failure_reason and
// failure_balance_transaction appear only on failed refunds, as in Stripe.

export type RefundStatus = "pending" | "succeeded" | "failed" | "canceled";

export type NewRefund = {
  id: string;
  created: number;
  amount: number;
  currency: string;
  charge: string;
  paymentIntent: string;
  paymentMethod: string;
  metadata: Metadata;
  reason: string | null;
  bank: boolean;
};

function destinationDetails(bank: boolean) {
  return bank
    ? { type: "us_bank_account", us_bank_account: { reference: null, reference_status: "pending" } }
    : { card: { reference: null, reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" }, type: "card" };
}

export function newRefund(r: NewRefund) {
  return {
    id: r.id,
    object: "refund" as const,
    amount: r.amount,
    balance_transaction: null as string | null,
    charge: r.charge,
    created: r.created,
    currency: r.currency,
    customer: null,
    customer_account: null,
    destination_details: destinationDetails(r.bank),
    metadata: r.metadata,
    payment_intent: r.paymentIntent,
    payment_method: r.paymentMethod,
    reason: r.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "pending" as RefundStatus,
    transfer_reversal: null,
  };
}

export type Refund = ReturnType<typeof newRefund> & { failure_reason?: string; failure_balance_transaction?: string };
