import { createHash } from "node:crypto";
import type { EmulatorContext } from "../context";
import { newId, randomToken } from "../ids";
import { customerDetails } from "../objects/checkout-session";
import { newCharge, type Charge, type PaymentMethodDetails } from "../objects/charge";
import { unix, type PaymentShipping } from "../objects/common";
import { newCustomer } from "../objects/customer";
import { newPaymentIntent, type PaymentIntent } from "../objects/payment-intent";
import type { SessionRecord } from "../store";
import { redeem } from "./coupons";
import { emitEvent } from "./events";

// The objects a payment attempt creates: the session's PaymentIntent (created
// on the first attempt, as Checkout does today) and one Charge per attempt.

/** The shipping details a payment carries (PaymentIntent.shipping, Charge.shipping). */
function paymentShipping(record: SessionRecord): PaymentShipping | null {
  const { draft, collect } = record;
  if (collect.address !== "shipping" || !draft.details) return null;
  return { address: { ...draft.details.address }, carrier: null, name: draft.details.name, phone: draft.phone, tracking_number: null };
}

/** The e-mail the customer pays with: the one the store gave, or the one they entered. */
export function customerEmail(record: SessionRecord): string | null {
  return record.session.customer_email ?? record.draft.email;
}

export function ensureIntent(ctx: EmulatorContext, record: SessionRecord): PaymentIntent {
  const { session } = record;
  const existing = session.payment_intent ? ctx.state.paymentIntents.get(session.payment_intent) : undefined;
  if (existing) {
    // After a decline the customer may change the shipping option or the code: the next attempt is for the new total.
    if (existing.status === "requires_payment_method") existing.amount = session.amount_total;
    existing.shipping = paymentShipping(record);
    return existing;
  }
  const intent = newPaymentIntent({
    id: newId("pi"),
    created: unix(ctx.now()),
    amount: session.amount_total,
    currency: session.currency,
    metadata: { ...record.intentMetadata },
    description: record.intentDescription,
    paymentMethodTypes: [...session.payment_method_types],
  });
  intent.shipping = paymentShipping(record);
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
    billingEmail: customerEmail(record),
    billingAddress: record.draft.details?.address ?? null,
    shipping: paymentShipping(record),
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

/**
 * The session completes: what the customer entered becomes customer_details
 * and collected_information, its discount counts as redeemed, and with
 * customer_creation "always" a Customer is created.
 */
export function completeSession(
  ctx: EmulatorContext,
  record: SessionRecord,
  paymentStatus: "paid" | "unpaid" | "no_payment_required",
  billingName: string | null,
): void {
  const { session, draft, collect } = record;
  session.status = "complete";
  session.payment_status = paymentStatus;
  const shipping = collect.address === "shipping" ? draft.details : null;
  const email = customerEmail(record);
  session.customer_details = customerDetails({
    email,
    name: billingName ?? shipping?.name ?? null,
    phone: draft.phone,
    address: draft.details?.address ?? null,
  });
  session.collected_information = { business_name: null, individual_name: null, shipping_details: shipping };
  session.url = null;
  const discount = record.discount?.object;
  if (discount) redeem(ctx, discount.source.coupon, discount.promotion_code);
  if (session.customer_creation === "always") {
    const customer = newCustomer({
      id: newId("cus", 14),
      created: unix(ctx.now()),
      email,
      name: session.customer_details.name,
      phone: draft.phone,
      address: draft.details?.address ?? null,
      shipping,
      invoicePrefix: randomToken(7).toUpperCase(),
    });
    ctx.state.customers.set(customer.id, customer);
    session.customer = customer.id;
    emitEvent(ctx, "customer.created", customer);
  }
}

/** Stable per card/account number, like Stripe's fingerprints. */
export function fingerprintOf(value: string): string {
  return createHash("sha256").update(value).digest("base64url").replace(/[-_]/g, "").slice(0, 16);
}
