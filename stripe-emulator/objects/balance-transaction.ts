// A BalanceTransaction with every field of Stripe's example. The emulator
// records the ones a dispute causes (Stripe lists them on dispute.balance_transactions).

export type FeeDetail = { amount: number; application: null; currency: string; description: string; type: "stripe_fee" };

export type NewBalanceTransaction = {
  id: string;
  created: number;
  amount: number;
  currency: string;
  description: string;
  fee: number;
  feeDetails: FeeDetail[];
  reportingCategory: "dispute" | "dispute_reversal";
  source: string;
  type: "adjustment";
};

export function newBalanceTransaction(t: NewBalanceTransaction) {
  return {
    id: t.id,
    object: "balance_transaction" as const,
    amount: t.amount,
    available_on: t.created,
    balance_type: "payments" as const,
    created: t.created,
    currency: t.currency,
    description: t.description,
    exchange_rate: null,
    fee: t.fee,
    fee_details: t.feeDetails,
    net: t.amount - t.fee,
    reporting_category: t.reportingCategory,
    source: t.source,
    status: "available" as const,
    type: t.type,
  };
}

export type BalanceTransaction = ReturnType<typeof newBalanceTransaction>;
