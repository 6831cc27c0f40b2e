import type { AddressInput, ShippingDetails } from "./domain/addresses";
import type { DiscountInput, TaxabilityReason } from "./domain/pricing";
import type { TaxLocation } from "./domain/tax-table";
import type { CheckoutSession } from "./objects/checkout-session";
import type { BalanceTransaction } from "./objects/balance-transaction";
import type { Charge } from "./objects/charge";
import type { Metadata } from "./objects/common";
import type { Coupon, Discount, PromotionCode } from "./objects/coupon";
import type { Customer } from "./objects/customer";
import type { Dispute } from "./objects/dispute";
import type { StripeEvent } from "./objects/event";
import type { PaymentIntent } from "./objects/payment-intent";
import type { Refund } from "./objects/refund";
import type { ShippingRate, TaxBehavior } from "./objects/shipping-rate";
import type { TaxRate } from "./objects/tax-rate";

// Everything the emulator knows, in memory. The stored objects ARE the JSON
// Stripe would return; bookkeeping Stripe would not show lives beside them.

/** A tax amount as Stripe lists it (line item, shipping cost, breakdown), with the TaxRate's id. */
export type StoredTax = { amount: number; rate: string; taxability_reason: TaxabilityReason | null; taxable_amount: number };

export type LineItem = {
  id: string;
  priceId: string;
  name: string;
  currency: string;
  unitAmount: number;
  quantity: number;
  /** unitAmount × quantity (Stripe's amount_subtotal). */
  amount: number;
  taxBehavior: TaxBehavior | null;
  taxCode: string | null;
  /** Manual TaxRate ids (line_items[][tax_rates]). */
  taxRates: string[];
  /** Set by pricing. */
  amountDiscount: number;
  amountTax: number;
  amountTotal: number;
  taxes: StoredTax[];
};

/** What the customer has entered on the hosted page so far (kept between form posts). */
export type CheckoutDraft = {
  email: string | null;
  phone: string | null;
  /** The address fields as typed, shown again on the page. */
  addressInput: AddressInput;
  /** The checked, complete address; null until it is. */
  details: ShippingDetails | null;
  /** Enough of the address to compute tax (country, and state or province where needed). */
  location: TaxLocation | null;
  shippingRateId: string | null;
};

export type SessionRecord = {
  session: CheckoutSession;
  lineItems: LineItem[];
  intentMetadata: Metadata;
  intentDescription: string | null;
  /** What the hosted page must ask for. `location`: country, region and postal code for automatic tax. */
  collect: { email: boolean; phone: boolean; address: "shipping" | "location" | null; allowedCountries: string[] | null };
  /** Manual line tax rates or automatic tax (or none). */
  taxMode: "none" | "manual" | "automatic";
  /**
   * The discount: the Discount object Stripe shows in breakdowns, what it takes
   * off (kept, so a coupon deleted later does not change an applied discount),
   * and `fixed` when set by the API (the customer cannot remove it).
   */
  discount: { object: Discount; off: DiscountInput; fixed: boolean } | null;
  draft: CheckoutDraft;
  shippingTaxes: StoredTax[];
  /** Unknown, expired or used-up codes tried on the page (capped: see checkout-details.ts). */
  failedCodeAttempts: number;
};

export type DeliveryAttempt = {
  eventId: string;
  type: string;
  attempt: number;
  /** 1 = the delivery, 2 = a chaos duplicate of it. */
  copy: number;
  manual: boolean;
  url: string;
  status: number | null;
  error: string | null;
  at: string;
  durationMs: number;
};

export type DeliveryState = "pending" | "delivered" | "failed" | "dropped" | "disabled" | "filtered";

export type EventRecord = {
  event: StripeEvent;
  /** The exact bytes sent and signed; retries and duplicates resend them unchanged. */
  body: string;
  delivery: DeliveryState;
  attempts: DeliveryAttempt[];
};

export type StoredResponse = { fingerprint: string; status: number; body: string; requestId: string; storedAt: number };

export type EmulatorState = {
  sessions: Map<string, SessionRecord>;
  paymentIntents: Map<string, PaymentIntent>;
  charges: Map<string, Charge>;
  refunds: Map<string, Refund>;
  disputes: Map<string, Dispute>;
  /** The balance transactions disputes cause (withdrawal, reinstatement). */
  balanceTransactions: Map<string, BalanceTransaction>;
  events: Map<string, EventRecord>;
  /** Bank transfers waiting to settle: session id → predetermined outcome and its timer. */
  pendingTransfers: Map<string, { outcome: "succeeded" | "failed"; cancel: () => void }>;
  /** Pending refunds: refund id → cancel its settlement timer. */
  pendingRefunds: Map<string, () => void>;
  idempotency: Map<string, StoredResponse>;
  coupons: Map<string, Coupon>;
  promotionCodes: Map<string, PromotionCode>;
  shippingRates: Map<string, ShippingRate>;
  /** Created through the API (listed). */
  taxRates: Map<string, TaxRate>;
  /** Created by automatic tax, one per tax and rate (retrievable, not listed), keyed by what they describe. */
  automaticTaxRates: Map<string, TaxRate>;
  customers: Map<string, Customer>;
};

export function createState(): EmulatorState {
  return {
    sessions: new Map(),
    paymentIntents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    disputes: new Map(),
    balanceTransactions: new Map(),
    events: new Map(),
    pendingTransfers: new Map(),
    pendingRefunds: new Map(),
    idempotency: new Map(),
    coupons: new Map(),
    promotionCodes: new Map(),
    shippingRates: new Map(),
    taxRates: new Map(),
    automaticTaxRates: new Map(),
    customers: new Map(),
  };
}

export function clearState(state: EmulatorState): void {
  for (const transfer of state.pendingTransfers.values()) transfer.cancel();
  for (const cancel of state.pendingRefunds.values()) cancel();
  for (const map of Object.values(state)) map.clear();
}
