import type { CheckoutSession } from "./objects/checkout-session";
import type { Charge } from "./objects/charge";
import type { Metadata } from "./objects/common";
import type { StripeEvent } from "./objects/event";
import type { PaymentIntent } from "./objects/payment-intent";
import type { Refund } from "./objects/refund";

// Everything the emulator knows, in memory. The stored objects ARE the JSON
// Stripe would return; bookkeeping Stripe would not show lives beside them.

export type LineItem = { id: string; priceId: string; name: string; currency: string; unitAmount: number; quantity: number; amount: number };

export type SessionRecord = {
  session: CheckoutSession;
  lineItems: LineItem[];
  intentMetadata: Metadata;
  intentDescription: string | null;
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
  events: Map<string, EventRecord>;
  /** Bank transfers waiting to settle: session id → predetermined outcome and its timer. */
  pendingTransfers: Map<string, { outcome: "succeeded" | "failed"; cancel: () => void }>;
  /** Pending refunds: refund id → cancel its settlement timer. */
  pendingRefunds: Map<string, () => void>;
  idempotency: Map<string, StoredResponse>;
};

export function createState(): EmulatorState {
  return {
    sessions: new Map(),
    paymentIntents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    events: new Map(),
    pendingTransfers: new Map(),
    pendingRefunds: new Map(),
    idempotency: new Map(),
  };
}

export function clearState(state: EmulatorState): void {
  for (const transfer of state.pendingTransfers.values()) transfer.cancel();
  for (const cancel of state.pendingRefunds.values()) cancel();
  for (const map of Object.values(state)) map.clear();
}
