import type { EmulatorContext } from "../context";
import { invalidRequest, resourceMissing } from "../errors";
import type { FormObject } from "../form-params";
import { newId } from "../ids";
import { newCheckoutSession, type CheckoutSession } from "../objects/checkout-session";
import { unix } from "../objects/common";
import { noRequest, type RequestInfo } from "../objects/event";
import type { SessionRecord } from "../store";
import { emitEvent } from "./events";
import { parseSessionParams } from "./session-params";

// Checkout Sessions: create, read, expire (by API or by the clock).

export function createSession(ctx: EmulatorContext, params: FormObject): CheckoutSession {
  const p = parseSessionParams(params, unix(ctx.now()));
  const id = newId("cs_test", 58);
  const session = newCheckoutSession({
    id,
    created: unix(ctx.now()),
    url: `${ctx.config.publicUrl}/pay/${id}`,
    amountSubtotal: p.amountTotal,
    amountTotal: p.amountTotal,
    currency: p.currency,
    customerEmail: p.customerEmail,
    clientReferenceId: p.clientReferenceId,
    metadata: p.metadata,
    expiresAt: p.expiresAt,
    successUrl: p.successUrl,
    cancelUrl: p.cancelUrl,
    locale: p.locale,
    submitType: p.submitType,
    paymentMethodTypes: p.paymentMethodTypes,
  });
  const lineItems = p.lineItems.map((item) => ({ id: newId("li"), priceId: newId("price"), ...item, amount: item.unitAmount * item.quantity }));
  ctx.state.sessions.set(id, { session, lineItems, intentMetadata: p.intentMetadata, intentDescription: p.intentDescription });
  return session;
}

export function sessionRecord(ctx: EmulatorContext, id: string): SessionRecord {
  const record = ctx.state.sessions.get(id);
  if (!record) throw resourceMissing("checkout.session", id, "session");
  return record;
}

/** The session as the API returns it, with `expand[]=payment_intent|line_items` honoured. */
export function sessionView(ctx: EmulatorContext, record: SessionRecord, expand: string[] = []): Record<string, unknown> {
  const view: Record<string, unknown> = { ...record.session };
  const intentId = record.session.payment_intent;
  if (expand.includes("payment_intent") && intentId) view.payment_intent = ctx.state.paymentIntents.get(intentId) ?? intentId;
  if (expand.includes("line_items")) view.line_items = lineItemsList(record);
  return view;
}

export function lineItemsList(record: SessionRecord) {
  const { session } = record;
  return {
    object: "list" as const,
    data: record.lineItems.map((item) => ({
      id: item.id,
      object: "item" as const,
      amount_discount: 0,
      amount_subtotal: item.amount,
      amount_tax: 0,
      amount_total: item.amount,
      currency: item.currency,
      description: item.name,
      price: {
        id: item.priceId,
        object: "price" as const,
        active: false,
        currency: item.currency,
        product: { name: item.name },
        type: "one_time" as const,
        unit_amount: item.unitAmount,
      },
      quantity: item.quantity,
    })),
    has_more: false,
    url: `/v1/checkout/sessions/${session.id}/line_items`,
  };
}

function expire(ctx: EmulatorContext, record: SessionRecord, request: RequestInfo): void {
  const { session } = record;
  session.status = "expired";
  session.url = null;
  // Stripe cancels the session's unpaid PaymentIntent along with it.
  const intent = session.payment_intent ? ctx.state.paymentIntents.get(session.payment_intent) : undefined;
  if (intent && intent.status === "requires_payment_method") {
    intent.status = "canceled";
    intent.canceled_at = unix(ctx.now());
    intent.cancellation_reason = "abandoned";
    emitEvent(ctx, "payment_intent.canceled", intent, request);
  }
  emitEvent(ctx, "checkout.session.expired", session, request);
}

export function expireSessionByApi(ctx: EmulatorContext, id: string, request: RequestInfo): CheckoutSession {
  const record = sessionRecord(ctx, id);
  if (record.session.status !== "open") {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${record.session.status}\`.`,
      { param: "session" },
    );
  }
  expire(ctx, record, request);
  return record.session;
}

/** Expires the session now if its deadline has passed; true when it did. */
export function expireIfDue(ctx: EmulatorContext, record: SessionRecord): boolean {
  if (record.session.status !== "open" || record.session.expires_at * 1000 > ctx.now()) return false;
  expire(ctx, record, noRequest);
  return true;
}

/** The 500 ms sweep: like Stripe, expiry is a background job, not checked on read. */
export function expireDueSessions(ctx: EmulatorContext): void {
  for (const record of ctx.state.sessions.values()) expireIfDue(ctx, record);
}
