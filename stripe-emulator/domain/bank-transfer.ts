import type { EmulatorContext } from "../context";
import { invalidRequest } from "../errors";
import { newId } from "../ids";
import { bankDetails, outcomeFor } from "../objects/charge";
import type { SessionRecord } from "../store";
import { emitEvent } from "./events";
import { completeSession, createAttemptCharge, ensureIntent, fingerprintOf, markCaptured } from "./payment-records";

// A delayed-notification method (like ACH debit): Checkout completes at once
// with payment_status "unpaid"; the money arrives, or not, later.

export type TransferOutcome = "succeeded" | "failed";

/** Stripe's ACH test account numbers. */
export const TEST_ACCOUNTS: Record<string, TransferOutcome> = { "000123456789": "succeeded", "000111111113": "failed" };

const INSUFFICIENT = "The customer's account has insufficient funds to cover this payment.";

export function startTransfer(ctx: EmulatorContext, record: SessionRecord, account: string, outcome: TransferOutcome): void {
  const intent = ensureIntent(ctx, record);
  const paymentMethod = newId("pm");
  const charge = createAttemptCharge(ctx, record, intent, {
    paymentMethod,
    details: bankDetails({ last4: account.slice(-4), fingerprint: fingerprintOf(account) }),
    billingName: null,
  });
  charge.outcome = outcomeFor("pending");
  intent.status = "processing";
  intent.payment_method = paymentMethod;
  intent.last_payment_error = null;
  completeSession(ctx, record, "unpaid", null);
  emitEvent(ctx, "payment_intent.processing", intent);
  emitEvent(ctx, "charge.pending", charge);
  emitEvent(ctx, "checkout.session.completed", record.session);

  const sessionId = record.session.id;
  const cancel = ctx.scheduler.after(ctx.settings.asyncDelayMs, () => {
    // The timer may race a manual settle; settling twice is not possible.
    if (ctx.state.pendingTransfers.has(sessionId)) settleTransfer(ctx, sessionId);
  });
  ctx.state.pendingTransfers.set(sessionId, { outcome, cancel });
}

/** Settles a processing transfer now, with its predetermined outcome unless one is given. */
export function settleTransfer(ctx: EmulatorContext, sessionId: string, override?: TransferOutcome): SessionRecord {
  const pending = ctx.state.pendingTransfers.get(sessionId);
  const record = ctx.state.sessions.get(sessionId);
  const intent = record?.session.payment_intent ? ctx.state.paymentIntents.get(record.session.payment_intent) : undefined;
  const charge = intent?.latest_charge ? ctx.state.charges.get(intent.latest_charge) : undefined;
  if (!pending || !record || !intent || !charge) {
    throw invalidRequest(`Checkout Session ${sessionId} has no bank transfer waiting to settle.`, { status: 409 });
  }
  pending.cancel();
  ctx.state.pendingTransfers.delete(sessionId);

  if ((override ?? pending.outcome) === "succeeded") {
    markCaptured(ctx, intent, charge);
    record.session.payment_status = "paid";
    emitEvent(ctx, "checkout.session.async_payment_succeeded", record.session);
    return record;
  }
  charge.status = "failed";
  charge.failure_code = "insufficient_funds";
  charge.failure_message = INSUFFICIENT;
  charge.outcome = { ...outcomeFor("failed"), reason: null };
  intent.status = "requires_payment_method";
  intent.payment_method = null;
  intent.last_payment_error = {
    type: "invalid_request_error",
    code: "insufficient_funds",
    message: INSUFFICIENT,
    charge: charge.id,
    doc_url: "https://stripe.com/docs/error-codes/insufficient-funds",
    payment_method_type: "us_bank_account",
  };
  emitEvent(ctx, "charge.failed", charge);
  emitEvent(ctx, "payment_intent.payment_failed", intent);
  emitEvent(ctx, "checkout.session.async_payment_failed", record.session);
  return record;
}
