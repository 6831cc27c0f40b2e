import { createHash } from "node:crypto";
import type { EmulatorContext } from "../context";
import { newId } from "../ids";
import { customerDetails } from "../objects/checkout-session";
import { newCharge, type Charge, type PaymentMethodDetails } from "../objects/charge";
import { unix } from "../objects/common";
import { newPaymentIntent, type PaymentIntent } from "../objects/payment-intent";
import type { SessionRecord } from "../store";
import { emitEvent } from "./events";

// The objects a payment attempt creates: the session's PaymentIntent (created
// on the first attempt, as Checkout does today) and one Charge per attempt.

export function ensureIntent(ctx: EmulatorContext, record: SessionRecord): PaymentIntent {
  const { session } = record;
  const existing = session.payment_intent ? ctx.state.paymentIntents.get(session.payment_intent) : undefined;
  if (existing) return existing;
  const intent = newPaymentIntent({
    id: newId("pi"),
    created: unix(ctx.now()),
    amount: session.amount_total,
    currency: session.currency,
    metadata: { ...record.intentMetadata },
    description: record.intentDescription,
    paymentMethodTypes: [...session.payment_method_types],
  });
  ctx.state.paymentIntents.set(intent.id, intent);
  session.payment_intent = intent.id;
  emitEvent(ctx, "payment_intent.created", intent);
  return intent;
}

export function createAttemptCharge(
  ctx: EmulatorContext,
  record: SessionRecord,
  intent: PaymentIntent,
  attempt: { paymentMethod: string; details: PaymentMethodDetails; billingName: string | null },
): Charge {
  const charge = newCharge({
    id: newId("ch"),
    created: unix(ctx.now()),
    amount: intent.amount,
    currency: intent.currency,
    paymentIntent: intent.id,
    paymentMethod: attempt.paymentMethod,
    details: attempt.details,
    billingName: attempt.billingName,
    billingEmail: record.session.customer_email,
    // Charges inherit the PaymentIntent's metadata and description.
    metadata: { ...intent.metadata },
    description: intent.description,
  });
  ctx.state.charges.set(charge.id, charge);
  intent.latest_charge = charge.id;
  return charge;
}

/** Money captured: the charge and its PaymentIntent both succeed. */
export function markCaptured(ctx: EmulatorContext, intent: PaymentIntent, charge: Charge): void {
  charge.status = "succeeded";
  charge.paid = true;
  charge.captured = true;
  charge.amount_captured = charge.amount;
  charge.balance_transaction = newId("txn");
  intent.status = "succeeded";
  intent.amount_received = intent.amount;
  intent.payment_method = charge.payment_method;
  intent.last_payment_error = null;
  emitEvent(ctx, "charge.succeeded", charge);
  emitEvent(ctx, "payment_intent.succeeded", intent);
}

export function completeSession(record: SessionRecord, paymentStatus: "paid" | "unpaid", billingName: string | null): void {
  const { session } = record;
  session.status = "complete";
  session.payment_status = paymentStatus;
  session.customer_details = customerDetails(session.customer_email, billingName);
  session.url = null;
}

/** Stable per card/account number, like Stripe's fingerprints. */
export function fingerprintOf(value: string): string {
  return createHash("sha256").update(value).digest("base64url").replace(/[-_]/g, "").slice(0, 16);
}
