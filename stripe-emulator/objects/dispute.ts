import type { BalanceTransaction } from "./balance-transaction";
import type { Metadata } from "./common";

// A Dispute with every field of Stripe's example.

export type DisputeStatus =
  "warning_needs_response" | "warning_under_review" | "warning_closed" | "needs_response" | "under_review" | "won" | "lost";
export type DisputeReason =
  | "fraudulent"
  | "product_not_received"
  | "product_unacceptable"
  | "duplicate"
  | "subscription_canceled"
  | "credit_not_processed"
  | "general"
  | "unrecognized";

/** The evidence fields a dispute update accepts; every one is a string (text, or a File id). */
export const EVIDENCE_FIELDS = [
  "access_activity_log",
  "billing_address",
  "cancellation_policy",
  "cancellation_policy_disclosure",
  "cancellation_rebuttal",
  "customer_communication",
  "customer_email_address",
  "customer_name",
  "customer_purchase_ip",
  "customer_signature",
  "duplicate_charge_documentation",
  "duplicate_charge_explanation",
  "duplicate_charge_id",
  "product_description",
  "receipt",
  "refund_policy",
  "refund_policy_disclosure",
  "refund_refusal_explanation",
  "service_date",
  "service_documentation",
  "shipping_address",
  "shipping_carrier",
  "shipping_date",
  "shipping_documentation",
  "shipping_tracking_number",
  "uncategorized_file",
  "uncategorized_text",
] as const;

export type EvidenceField = (typeof EVIDENCE_FIELDS)[number];

/** Visa's network reason codes for the reasons the test cards produce. */
const NETWORK_REASON: Record<DisputeReason, string> = {
  fraudulent: "10.4",
  product_not_received: "13.1",
  product_unacceptable: "13.3",
  duplicate: "12.6.1",
  subscription_canceled: "13.2",
  credit_not_processed: "13.6",
  general: "13.7",
  unrecognized: "10.4",
};

export type NewDispute = {
  id: string;
  created: number;
  amount: number;
  currency: string;
  charge: string;
  paymentIntent: string;
  reason: DisputeReason;
  dueBy: number;
  /** An inquiry (Stripe's "warning_" statuses): the issuer asks, no money moves yet, the charge can still be refunded. */
  inquiry: boolean;
  /** The chargeback's withdrawal; null for an inquiry. */
  withdrawal: BalanceTransaction | null;
};

export function newDispute(d: NewDispute) {
  const evidence = Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, null as string | null])) as Record<
    EvidenceField,
    string | null
  >;
  return {
    id: d.id,
    object: "dispute" as const,
    amount: d.amount,
    balance_transactions: (d.withdrawal ? [d.withdrawal] : []) as BalanceTransaction[],
    charge: d.charge,
    created: d.created,
    currency: d.currency,
    enhanced_eligibility_types: [] as string[],
    evidence: { ...evidence, enhanced_evidence: {} },
    evidence_details: {
      due_by: d.dueBy as number | null,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: d.inquiry,
    livemode: false,
    metadata: {} as Metadata,
    payment_intent: d.paymentIntent as string | null,
    payment_method_details: {
      card: {
        brand: "visa",
        case_type: (d.inquiry ? "inquiry" : "chargeback") as "inquiry" | "chargeback",
        network: "visa",
        network_reason_code: NETWORK_REASON[d.reason],
      },
      type: "card" as const,
    },
    reason: d.reason as string,
    status: (d.inquiry ? "warning_needs_response" : "needs_response") as DisputeStatus,
  };
}

export type Dispute = ReturnType<typeof newDispute>;
