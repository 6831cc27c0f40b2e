import type { EmulatorContext } from "../context";
import { newId } from "../ids";
import { cardDetails, outcomeFor } from "../objects/charge";
import type { DisputeReason } from "../objects/dispute";
import type { SessionRecord } from "../store";
import { startTransfer, TEST_ACCOUNTS } from "./bank-transfer";
import type { FieldErrors } from "./addresses";
import { dropStaleDiscount, updateDetails, type CustomerInput } from "./checkout-details";
import { expireIfDue } from "./checkout";
import { formatMoney } from "../pages/layout";
import { openDispute, type DisputeKind } from "./disputes";
import { emitEvent } from "./events";
import { completeSession, createAttemptCharge, ensureIntent, fingerprintOf, markCaptured } from "./payment-records";

// What happens when the customer submits the hosted page (or a headless test
// calls /_emulator/sessions/:id/pay): one code path for both.

export type PayInput =
  | { method: "card"; number: string; expiry: string; cvc: string; name: string }
  | { method: "bank"; account: string }
  /** "Complete order" on a session a discount made free. */
  | { method: "none" };

export type PayOutcome = {
  httpStatus: number;
  status: "succeeded" | "processing" | "declined" | "invalid" | "expired" | "completed";
  redirectUrl?: string;
  error?: string;
  code?: string;
  declineCode?: string;
  /** The customer's details that need fixing, by field (see checkout-details.ts). */
  fields?: FieldErrors;
};

type DeclineCode = "generic_decline" | "insufficient_funds";

/** Stripe's test cards: success, generic decline, insufficient funds. */
const TEST_CARDS: Record<string, DeclineCode | null> = {
  "4242424242424242": null,
  "4000000000000002": "generic_decline",
  "4000000000009995": "insufficient_funds",
};

/** Stripe's dispute test cards: the payment succeeds, then the card network opens a dispute (or an inquiry). */
export const DISPUTE_CARDS: Readonly<Record<string, { reason: DisputeReason; kind: DisputeKind }>> = {
  "4000000000000259": { reason: "fraudulent", kind: "chargeback" },
  "4000000000002685": { reason: "product_not_received", kind: "chargeback" },
  "4000000000001976": { reason: "fraudulent", kind: "inquiry" },
};

const DECLINE_MESSAGES: Record<DeclineCode, string> = {
  generic_decline: "Your card was declined.",
  insufficient_funds: "Your card has insufficient funds.",
};

const invalid = (error: string, code: string): PayOutcome => ({ httpStatus: 400, status: "invalid", error, code });

/** The success_url with Stripe's template variable filled in. */
export function successRedirect(record: SessionRecord): string {
  return record.session.success_url.replace(/\{CHECKOUT_SESSION_ID\}|%7BCHECKOUT_SESSION_ID%7D/gi, record.session.id);
}

type Expiry = { month: number; year: number };

function parseExpiry(expiry: string, nowMs: number): Expiry | PayOutcome {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(expiry);
  if (!match) return invalid("Your card's expiration date is incomplete.", "incomplete_expiry");
  const month = Number(match[1]);
  const year = match[2]!.length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  if (month < 1 || month > 12) return invalid("Your card's expiration month is invalid.", "invalid_expiry_month");
  const now = new Date(nowMs);
  if (year < now.getUTCFullYear()) return invalid("Your card's expiration year is in the past.", "invalid_expiry_year_past");
  if (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1)
    return invalid("Your card's expiration date is in the past.", "invalid_expiry_month_past");
  return { month, year };
}

function payByCard(ctx: EmulatorContext, record: SessionRecord, input: Extract<PayInput, { method: "card" }>): PayOutcome {
  const number = input.number.replace(/[\s-]/g, "");
  const dispute = DISPUTE_CARDS[number];
  const declineCode = dispute ? null : TEST_CARDS[number];
  if (declineCode === undefined) return invalid("Your card number is incorrect.", "incorrect_number");
  const expiry = parseExpiry(input.expiry, ctx.now());
  if ("status" in expiry) return expiry;
  if (!/^\d{3,4}$/.test(input.cvc.trim())) return invalid("Your card's security code is incomplete.", "incomplete_cvc");

  const intent = ensureIntent(ctx, record);
  const paymentMethod = newId("pm");
  const name = input.name.trim() || null;
  const card = { last4: number.slice(-4), expMonth: expiry.month, expYear: expiry.year, fingerprint: fingerprintOf(number) };
  const charge = createAttemptCharge(ctx, record, intent, { paymentMethod, details: cardDetails(card, intent.amount), billingName: name });

  if (declineCode === null) {
    charge.outcome = outcomeFor("succeeded");
    markCaptured(ctx, intent, charge);
    completeSession(ctx, record, "paid", name);
    emitEvent(ctx, "checkout.session.completed", record.session);
    if (dispute) openDispute(ctx, charge, dispute.reason, undefined, dispute.kind);
    return { httpStatus: 303, status: "succeeded", redirectUrl: successRedirect(record) };
  }

  // Declined: the session stays open so the customer can try again, as on Stripe.
  const message = DECLINE_MESSAGES[declineCode];
  charge.status = "failed";
  charge.failure_code = "card_declined";
  charge.failure_message = message;
  charge.outcome = outcomeFor("failed", declineCode);
  intent.status = "requires_payment_method";
  intent.payment_method = null;
  intent.last_payment_error = {
    type: "card_error",
    code: "card_declined",
    decline_code: declineCode,
    message,
    charge: charge.id,
    doc_url: "https://stripe.com/docs/error-codes/card-declined",
    payment_method_type: "card",
  };
  emitEvent(ctx, "charge.failed", charge);
  emitEvent(ctx, "payment_intent.payment_failed", intent);
  return { httpStatus: 402, status: "declined", error: message, code: "card_declined", declineCode };
}

/** Why a complete session cannot be paid again. */
export function completeMessage(paymentStatus: string): string {
  if (paymentStatus === "paid") return "This checkout session has already been paid.";
  if (paymentStatus === "unpaid") return "This checkout session is already complete; its bank transfer is processing.";
  return "This checkout session is already complete.";
}

/** Checks the customer's details before any money moves: every problem is a 4xx that charges nothing. */
function detailsProblem(ctx: EmulatorContext, record: SessionRecord, details: CustomerInput): PayOutcome | null {
  const { errors, rateLimited } = updateDetails(ctx, record, details, "pay");
  const messages = Object.values(errors);
  if (messages.length > 0) {
    const error = messages.length === 1 ? messages[0]! : `Check the ${messages.length} highlighted fields.`;
    return {
      httpStatus: rateLimited ? 429 : 400,
      status: "invalid",
      error,
      code: rateLimited ? "too_many_attempts" : "invalid_details",
      fields: errors,
    };
  }
  const stale = dropStaleDiscount(ctx, record);
  if (stale) return { httpStatus: 409, status: "invalid", error: stale, code: "discount_removed", fields: { promotion_code: stale } };
  const { amount_total: total, currency } = record.session;
  if (details.expectedTotal !== undefined && details.expectedTotal !== total) {
    const error = `The total is now ${formatMoney(total, currency)}: the shipping, tax or discount changed. Check it and pay again.`;
    return { httpStatus: 409, status: "invalid", error, code: "amount_changed" };
  }
  return null;
}

export function paySession(ctx: EmulatorContext, record: SessionRecord, input: PayInput, details: CustomerInput = {}): PayOutcome {
  // The sweep may not have run yet; a customer must not pay a session past its deadline.
  expireIfDue(ctx, record);
  const { status, payment_status } = record.session;
  if (status === "expired")
    return { httpStatus: 410, status: "expired", error: "This checkout session has expired.", code: "session_expired" };
  if (status === "complete") {
    const error = completeMessage(payment_status);
    return { httpStatus: 409, status: "completed", error, code: "session_complete" };
  }
  const problem = detailsProblem(ctx, record, details);
  if (problem) return problem;
  if (record.session.amount_total === 0) {
    // Nothing to charge (a 100 % discount): Checkout completes without a PaymentIntent.
    completeSession(ctx, record, "no_payment_required", input.method === "card" ? input.name.trim() || null : null);
    emitEvent(ctx, "checkout.session.completed", record.session);
    return { httpStatus: 303, status: "succeeded", redirectUrl: successRedirect(record) };
  }
  if (input.method === "none") return invalid("Choose how to pay.", "payment_method_required");
  if (input.method === "card") return payByCard(ctx, record, input);

  const account = input.account.replace(/[\s-]/g, "");
  const outcome = TEST_ACCOUNTS[account];
  if (!outcome) return invalid("Your bank account number is invalid.", "invalid_bank_account_number");
  startTransfer(ctx, record, account, outcome);
  return { httpStatus: 303, status: "processing", redirectUrl: successRedirect(record) };
}
