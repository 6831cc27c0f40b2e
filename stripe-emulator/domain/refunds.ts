import { z } from "zod";
import type { EmulatorContext } from "../context";
import { invalidRequest, resourceMissing } from "../errors";
import type { FormObject } from "../form-params";
import { newId } from "../ids";
import type { Charge } from "../objects/charge";
import { unix } from "../objects/common";
import { noRequest, type RequestInfo } from "../objects/event";
import { newRefund, type Refund } from "../objects/refund";
import { formatMoney as money } from "../pages/layout";
import { refundBlockedByDispute } from "./disputes";
import { emitEvent } from "./events";
import { integer, metadataSchema, parseParams } from "./params";

// Refunds against a PaymentIntent's successful charge. The outcome is set by
// the control API (settings.refundOutcome): succeeded now, pending (settles
// after asyncDelayMs or on /_emulator/refunds/:id/settle), or failed.

const schema = z.strictObject({
  payment_intent: z.string().optional(),
  charge: z.string().optional(),
  amount: integer(1).optional(),
  metadata: metadataSchema.optional(),
  reason: z.enum(["duplicate", "fraudulent", "requested_by_customer"]).optional(),
  expand: z.array(z.string()).optional(),
});

function chargeToRefund(ctx: EmulatorContext, p: z.output<typeof schema>): Charge {
  if (p.charge !== undefined) {
    const charge = ctx.state.charges.get(p.charge);
    if (!charge) throw resourceMissing("charge", p.charge, "charge");
    if (charge.status !== "succeeded")
      throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be refunded.`, {
        param: "charge",
        code: "charge_not_refundable",
      });
    return charge;
  }
  if (p.payment_intent === undefined)
    throw invalidRequest("One of `charge` or `payment_intent` is required.", { param: "payment_intent", code: "parameter_missing" });
  const intent = ctx.state.paymentIntents.get(p.payment_intent);
  if (!intent) throw resourceMissing("payment_intent", p.payment_intent, "payment_intent");
  const charge = intent.latest_charge ? ctx.state.charges.get(intent.latest_charge) : undefined;
  if (intent.status !== "succeeded" || !charge || charge.status !== "succeeded") {
    throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, {
      param: "payment_intent",
      code: "charge_not_refundable",
    });
  }
  return charge;
}

/** Keeps charge.refunds (newest first) and the refunded totals in step with the refunds. */
function syncCharge(ctx: EmulatorContext, charge: Charge): void {
  const refunds = [...ctx.state.refunds.values()].filter((r) => r.charge === charge.id).reverse();
  charge.refunds.data = structuredClone(refunds);
  charge.amount_refunded = refunds.filter((r) => r.status === "succeeded").reduce((sum, r) => sum + r.amount, 0);
  charge.refunded = charge.amount_refunded >= charge.amount;
}

function unrefunded(ctx: EmulatorContext, charge: Charge): number {
  // Pending refunds hold their amount: refunding it twice must not be possible.
  const held = [...ctx.state.refunds.values()]
    .filter((r) => r.charge === charge.id && (r.status === "succeeded" || r.status === "pending"))
    .reduce((sum, r) => sum + r.amount, 0);
  return charge.amount - held;
}

export function createRefund(ctx: EmulatorContext, params: FormObject, request: RequestInfo): Refund {
  const p = parseParams(schema, params);
  const charge = chargeToRefund(ctx, p);
  const disputed = refundBlockedByDispute(ctx, charge);
  if (disputed) throw disputed;
  const remaining = unrefunded(ctx, charge);
  if (remaining <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: "charge_already_refunded" });
  const amount = p.amount ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`,
      {
        param: "amount",
        code: "amount_too_large",
      },
    );
  }
  const refund: Refund = newRefund({
    id: newId("re"),
    created: unix(ctx.now()),
    amount,
    currency: charge.currency,
    charge: charge.id,
    paymentIntent: charge.payment_intent,
    paymentMethod: charge.payment_method,
    metadata: p.metadata ?? {},
    reason: p.reason ?? null,
    bank: charge.payment_method_details.type === "us_bank_account",
  });
  ctx.state.refunds.set(refund.id, refund);
  const outcome = ctx.settings.refundOutcome;
  if (outcome !== "pending") applyOutcome(refund, outcome);
  syncCharge(ctx, charge);
  emitEvent(ctx, "refund.created", refund, request);
  if (outcome === "pending") {
    const cancel = ctx.scheduler.after(ctx.settings.asyncDelayMs, () => {
      if (ctx.state.pendingRefunds.has(refund.id)) settleRefund(ctx, refund.id, "succeeded");
    });
    ctx.state.pendingRefunds.set(refund.id, cancel);
  } else {
    announce(ctx, refund, charge, request);
  }
  return refund;
}

function applyOutcome(refund: Refund, outcome: "succeeded" | "failed"): void {
  refund.status = outcome;
  if (outcome === "succeeded") {
    refund.balance_transaction = newId("txn");
  } else {
    refund.failure_reason = "declined";
    refund.failure_balance_transaction = newId("txn");
  }
}

/** The events Stripe sends when a refund reaches its final state. */
function announce(ctx: EmulatorContext, refund: Refund, charge: Charge, request: RequestInfo, previous?: Record<string, unknown>): void {
  if (refund.status === "succeeded") {
    emitEvent(ctx, "charge.refunded", charge, request);
    emitEvent(ctx, "refund.updated", refund, request, previous);
  } else {
    emitEvent(ctx, "refund.updated", refund, request, previous);
    emitEvent(ctx, "refund.failed", refund, request);
  }
}

export function retrieveRefund(ctx: EmulatorContext, id: string): Refund {
  const refund = ctx.state.refunds.get(id);
  if (!refund) throw resourceMissing("refund", id, "refund");
  return refund;
}

/** Settles a pending refund now (control API, or its timer). */
export function settleRefund(ctx: EmulatorContext, id: string, outcome: "succeeded" | "failed"): Refund {
  const refund = retrieveRefund(ctx, id);
  const cancel = ctx.state.pendingRefunds.get(id);
  const charge = ctx.state.charges.get(refund.charge);
  if (!cancel || refund.status !== "pending" || !charge)
    throw invalidRequest(`Refund ${id} is ${refund.status}, not pending.`, { status: 409 });
  cancel();
  ctx.state.pendingRefunds.delete(id);
  applyOutcome(refund, outcome);
  syncCharge(ctx, charge);
  announce(ctx, refund, charge, noRequest, { status: "pending" });
  return refund;
}
