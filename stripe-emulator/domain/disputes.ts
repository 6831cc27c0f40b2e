import { z } from "zod";
import type { EmulatorContext } from "../context";
import { ApiError, invalidRequest, resourceMissing } from "../errors";
import type { FormObject } from "../form-params";
import { newId } from "../ids";
import { newBalanceTransaction, type BalanceTransaction } from "../objects/balance-transaction";
import type { Charge } from "../objects/charge";
import { unix } from "../objects/common";
import { EVIDENCE_FIELDS, newDispute, type Dispute, type DisputeReason, type DisputeStatus, type EvidenceField } from "../objects/dispute";
import { noRequest, type RequestInfo } from "../objects/event";
import { applyUpdate, emitEvent, mergeMetadata } from "./events";
import { booleanParam, metadataSchema, parseParams } from "./params";

// Disputes (chargebacks) as Stripe runs them: opened by the card network
// (here: a test card, or the control API), the disputed amount plus Stripe's
// dispute fee withdrawn at once, evidence submitted through the API, then
// closed won (amount reinstated, the fee is kept) or lost. Events:
// charge.dispute.created, charge.dispute.funds_withdrawn, charge.dispute.updated,
// charge.dispute.closed, charge.dispute.funds_reinstated.

/** Stripe's dispute fee (US: $15.00), withdrawn with the disputed amount and kept even when the dispute is won. */
export const DISPUTE_FEE = 1500;
/** Evidence is due at the end of the UTC day this many days after the dispute opens. */
export const EVIDENCE_DAYS = 7;

/** Stripe's limits: 20,000 characters per evidence field, 150,000 for all of them. */
const MAX_EVIDENCE_CHARACTERS = 150_000;
/** Stripe's test-mode evidence: submitted as uncategorized_text, it decides the dispute shortly after. */
export const TEST_EVIDENCE = { winning_evidence: "won", losing_evidence: "lost" } as const;

const OPEN: DisputeStatus[] = ["needs_response", "warning_needs_response"];
const CLOSED: DisputeStatus[] = ["won", "lost", "warning_closed"];

function balanceTransaction(
  ctx: EmulatorContext,
  dispute: { id: string; currency: string; charge: string },
  kind: "withdrawal" | "reversal",
  amount: number,
): BalanceTransaction {
  const withdrawal = kind === "withdrawal";
  const fee = withdrawal ? DISPUTE_FEE : 0;
  const txn = newBalanceTransaction({
    id: newId("txn"),
    created: unix(ctx.now()),
    amount: withdrawal ? -amount : amount,
    currency: dispute.currency,
    description: `Chargeback ${withdrawal ? "withdrawal" : "reversal"} for ${dispute.charge}`,
    fee,
    feeDetails: fee ? [{ amount: fee, application: null, currency: dispute.currency, description: "Dispute fee", type: "stripe_fee" }] : [],
    reportingCategory: withdrawal ? "dispute" : "dispute_reversal",
    source: dispute.id,
    type: "adjustment",
  });
  ctx.state.balanceTransactions.set(txn.id, txn);
  return txn;
}

/** The dispute on a charge, if any (Stripe allows one). */
export function disputeOf(ctx: EmulatorContext, chargeId: string): Dispute | undefined {
  for (const dispute of ctx.state.disputes.values()) if (dispute.charge === chargeId) return dispute;
  return undefined;
}

export type DisputeKind = "chargeback" | "inquiry";

/**
 * The card network opens a dispute on a captured charge. A chargeback
 * withdraws the funds at once; an inquiry only asks (nothing withdrawn, the
 * charge still refundable) until it is closed or escalated.
 */
export function openDispute(
  ctx: EmulatorContext,
  charge: Charge,
  reason: DisputeReason,
  amount?: number,
  kind: DisputeKind = "chargeback",
): Dispute {
  if (charge.status !== "succeeded") throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be disputed.`, { status: 409 });
  // Card disputes only: a bank debit's return is another process, which the emulator does not model.
  if (charge.payment_method_details.type !== "card")
    throw invalidRequest(`Charge ${charge.id} was not paid by card; only card payments are disputed here.`, { status: 409 });
  if (charge.disputed || disputeOf(ctx, charge.id)) throw invalidRequest(`Charge ${charge.id} is already disputed.`, { status: 409 });
  const disputable = charge.amount - charge.amount_refunded;
  const disputed = amount ?? disputable;
  if (disputed < 1 || disputed > disputable)
    throw invalidRequest(`The dispute amount must be between 1 and ${disputable}, what is left of charge ${charge.id} after refunds.`, {
      status: 400,
    });
  const id = newId("dp");
  const created = unix(ctx.now());
  const dueBy = (Math.floor(created / 86_400) + EVIDENCE_DAYS + 1) * 86_400 - 1;
  const inquiry = kind === "inquiry";
  const withdrawal = inquiry ? null : balanceTransaction(ctx, { id, currency: charge.currency, charge: charge.id }, "withdrawal", disputed);
  const dispute = newDispute({
    id,
    created,
    amount: disputed,
    currency: charge.currency,
    charge: charge.id,
    paymentIntent: charge.payment_intent,
    reason,
    dueBy,
    inquiry,
    withdrawal,
  });
  ctx.state.disputes.set(id, dispute);
  charge.disputed = true;
  emitEvent(ctx, "charge.dispute.created", dispute);
  if (!inquiry) emitEvent(ctx, "charge.dispute.funds_withdrawn", dispute);
  return dispute;
}

/** past_due follows the clock, as Stripe computes it on read. */
function refreshed(ctx: EmulatorContext, dispute: Dispute): Dispute {
  const due = dispute.evidence_details.due_by;
  dispute.evidence_details.past_due = OPEN.includes(dispute.status) && due !== null && unix(ctx.now()) > due;
  return dispute;
}

export function retrieveDispute(ctx: EmulatorContext, id: string): Dispute {
  const dispute = ctx.state.disputes.get(id);
  if (!dispute) throw resourceMissing("dispute", id, "dispute");
  return refreshed(ctx, dispute);
}

export function allDisputes(ctx: EmulatorContext): Dispute[] {
  return [...ctx.state.disputes.values()].map((dispute) => refreshed(ctx, dispute));
}

const evidenceSchema = z.strictObject(
  Object.fromEntries(
    EVIDENCE_FIELDS.map((field) => [field, z.string().max(20_000, "Evidence fields can have up to 20000 characters.").optional()]),
  ) as Record<EvidenceField, z.ZodOptional<z.ZodString>>,
);

const updateSchema = z.strictObject({
  evidence: evidenceSchema.optional(),
  metadata: metadataSchema.optional(),
  submit: booleanParam.optional(),
  expand: z.array(z.string()).optional(),
});

/** POST /v1/disputes/:id: evidence (submitted unless submit=false) and metadata. */
export function updateDispute(ctx: EmulatorContext, id: string, params: FormObject, request: RequestInfo): Dispute {
  const dispute = retrieveDispute(ctx, id);
  const p = parseParams(updateSchema, params);
  const changesEvidence = p.evidence !== undefined || p.submit === true;
  if (changesEvidence && CLOSED.includes(dispute.status))
    throw invalidRequest(`This dispute is already closed (${dispute.status}); its evidence cannot be changed.`, { param: "evidence" });
  if (changesEvidence && !OPEN.includes(dispute.status))
    throw invalidRequest("This dispute's evidence has already been submitted and is under review.", { param: "evidence" });
  if (changesEvidence && dispute.evidence_details.past_due)
    throw invalidRequest("The deadline for submitting evidence for this dispute has passed.", { param: "evidence" });

  const changes: Partial<Dispute> = {};
  const metadata = mergeMetadata(dispute.metadata, p.metadata);
  if (metadata) changes.metadata = metadata;
  if (changesEvidence) {
    const evidence = { ...dispute.evidence };
    for (const [field, value] of Object.entries(p.evidence ?? {}))
      if (value !== undefined) evidence[field as EvidenceField] = value === "" ? null : value;
    const hasEvidence = EVIDENCE_FIELDS.some((field) => evidence[field] !== null);
    const characters = EVIDENCE_FIELDS.reduce((sum, field) => sum + (evidence[field]?.length ?? 0), 0);
    if (characters > MAX_EVIDENCE_CHARACTERS)
      throw invalidRequest(`The combined character count of all evidence fields is limited to ${MAX_EVIDENCE_CHARACTERS}.`, {
        param: "evidence",
      });
    const submit = p.submit ?? true;
    if (submit && !hasEvidence) throw invalidRequest("You must provide evidence before submitting it.", { param: "submit" });
    changes.evidence = evidence;
    changes.evidence_details = {
      ...dispute.evidence_details,
      has_evidence: hasEvidence,
      submission_count: dispute.evidence_details.submission_count + (submit ? 1 : 0),
    };
    if (submit) changes.status = dispute.status === "warning_needs_response" ? "warning_under_review" : "under_review";
  }
  applyUpdate(ctx, dispute, changes, "charge.dispute.updated", request);
  const text = dispute.evidence.uncategorized_text;
  const decided = changes.status && text && Object.hasOwn(TEST_EVIDENCE, text) ? TEST_EVIDENCE[text as keyof typeof TEST_EVIDENCE] : null;
  if (decided) {
    // As in Stripe's test mode, the network decides a moment after the submission.
    ctx.scheduler.after(ctx.settings.asyncDelayMs, () => {
      if (dispute.status.endsWith("under_review") && ctx.state.disputes.get(dispute.id) === dispute)
        close(ctx, dispute, decided, noRequest);
    });
  }
  return dispute;
}

const isInquiry = (dispute: Dispute) => dispute.status.startsWith("warning_");

function close(ctx: EmulatorContext, dispute: Dispute, outcome: "won" | "lost", request: RequestInfo): Dispute {
  const previous = { status: dispute.status };
  if (isInquiry(dispute) && outcome === "lost") return escalate(ctx, dispute, request);
  dispute.status = isInquiry(dispute) ? "warning_closed" : outcome;
  dispute.evidence_details.past_due = false;
  emitEvent(ctx, "charge.dispute.closed", dispute, request, previous);
  // A won chargeback gives the disputed amount back (an inquiry took nothing).
  if (dispute.status === "won") {
    dispute.balance_transactions.push(balanceTransaction(ctx, dispute, "reversal", dispute.amount));
    emitEvent(ctx, "charge.dispute.funds_reinstated", dispute, request);
  }
  return dispute;
}

/** An inquiry the issuer turns into a chargeback: what is left unrefunded of the disputed amount is withdrawn now. */
function escalate(ctx: EmulatorContext, dispute: Dispute, request: RequestInfo): Dispute {
  const charge = ctx.state.charges.get(dispute.charge)!;
  const amount = Math.min(dispute.amount, charge.amount - charge.amount_refunded);
  if (amount <= 0)
    throw new ApiError(409, {
      type: "invalid_request_error",
      message: `Charge ${charge.id} was refunded in full during the inquiry: there is nothing left to charge back. Close the inquiry won.`,
    });
  const previous = { amount: dispute.amount, status: dispute.status, is_charge_refundable: dispute.is_charge_refundable };
  dispute.amount = amount;
  dispute.status = "needs_response";
  dispute.is_charge_refundable = false;
  dispute.payment_method_details.card.case_type = "chargeback";
  dispute.evidence_details.submission_count = 0;
  dispute.balance_transactions.push(balanceTransaction(ctx, dispute, "withdrawal", amount));
  emitEvent(ctx, "charge.dispute.updated", dispute, request, previous);
  emitEvent(ctx, "charge.dispute.funds_withdrawn", dispute, request);
  return dispute;
}

/** POST /v1/disputes/:id/close: the merchant accepts the dispute: a chargeback is lost, an inquiry closed. */
export function acceptDispute(ctx: EmulatorContext, id: string, request: RequestInfo): Dispute {
  const dispute = retrieveDispute(ctx, id);
  if (CLOSED.includes(dispute.status)) throw invalidRequest(`This dispute is already closed (${dispute.status}).`);
  if (!OPEN.includes(dispute.status)) throw invalidRequest("This dispute's evidence has been submitted; it can no longer be accepted.");
  return isInquiry(dispute) ? close(ctx, dispute, "won", request) : close(ctx, dispute, "lost", request);
}

/** The card network decides (control API): won reinstates the disputed amount; for an inquiry, won closes it and lost escalates it to a chargeback. */
export function decideDispute(ctx: EmulatorContext, id: string, outcome: "won" | "lost"): Dispute {
  const dispute = retrieveDispute(ctx, id);
  if (CLOSED.includes(dispute.status))
    throw new ApiError(409, { type: "invalid_request_error", message: `Dispute ${id} is already closed (${dispute.status}).` });
  return close(ctx, dispute, outcome, noRequest);
}

/** Why a charge cannot be refunded because of its dispute, or null. */
export function refundBlockedByDispute(ctx: EmulatorContext, charge: Charge): ApiError | null {
  const dispute = disputeOf(ctx, charge.id);
  // After a won dispute the charge is the merchant's again, and refundable.
  if (!dispute || dispute.is_charge_refundable || dispute.status === "won") return null;
  return invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { param: "charge", code: "charge_disputed" });
}
