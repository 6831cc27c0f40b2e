import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "../context";
import { updateDetails, type CustomerInput } from "../domain/checkout-details";
import { expireIfDue } from "../domain/checkout";
import { completeMessage, paySession, type PayInput } from "../domain/pay";
import { checkoutPage, closedPage, notFoundPage, type CheckoutFormState } from "../pages/checkout-page";
import { dashboardPage } from "../pages/dashboard-page";
import type { SessionRecord } from "../store";
import { BodyTooLargeError, isLoopback, readBody, redirect, sendHtml } from "./io";
import { page } from "../pages/layout";

// The browser-facing pages: the hosted checkout (/pay/:id) and the dashboard (/).
//
// Who may post the checkout form: anyone holding the session's URL, as on
// Stripe (the id is the secret). How big: 32 kB, far above any real form.
// How often: failed promotion codes are capped per session
// (checkout-details.ts); everything else is checked field by field.

const PAGE_BODY_BYTES = 32_000;

/** Buttons named `action` change the details without paying; no action means "pay" with `method`. */
type PageAction = "update" | "apply_code" | "remove_code";
const ACTIONS = new Set<string>(["update", "apply_code", "remove_code"]);

function field(form: URLSearchParams, name: string): string {
  return form.get(name) ?? "";
}

const optional = (form: URLSearchParams, name: string) => (form.has(name) ? field(form, name) : undefined);

function formInput(form: URLSearchParams): PayInput {
  if (field(form, "method") === "none") return { method: "none" };
  if (field(form, "method") === "bank") return { method: "bank", account: field(form, "bank_account") };
  return {
    method: "card",
    number: field(form, "card_number"),
    expiry: field(form, "card_expiry"),
    cvc: field(form, "card_cvc"),
    name: field(form, "card_name"),
  };
}

/** The customer's details in the form; a code is only applied by the Apply button (or Enter). */
function formDetails(form: URLSearchParams, action: PageAction | null): CustomerInput {
  const expected = Number(field(form, "expected_total"));
  return {
    email: optional(form, "email"),
    phone: optional(form, "phone"),
    address: form.has("country")
      ? {
          name: field(form, "name"),
          line1: field(form, "line1"),
          line2: field(form, "line2"),
          city: field(form, "city"),
          state: field(form, "state"),
          postal_code: field(form, "postal_code"),
          country: field(form, "country"),
        }
      : undefined,
    shippingRate: optional(form, "shipping_rate"),
    promotionCode: action === "apply_code" ? field(form, "promotion_code") : undefined,
    removePromotionCode: action === "remove_code",
    expectedTotal: form.has("expected_total") && Number.isSafeInteger(expected) ? expected : undefined,
  };
}

function formValues(form: URLSearchParams): CheckoutFormState["values"] {
  const names = ["card_number", "card_expiry", "card_name", "bank_account", "email", "phone", "promotion_code"] as const;
  return Object.fromEntries(names.filter((n) => form.has(n)).map((n) => [n, field(form, n)]));
}

/** The page for a session that cannot take a payment any more, or null while it can. */
function closed(ctx: EmulatorContext, record: SessionRecord): { status: number; html: string } | null {
  expireIfDue(ctx, record);
  const { status, payment_status } = record.session;
  if (status === "expired")
    return { status: 410, html: closedPage(ctx, record, "This checkout session has expired. Return to the store to start again.") };
  if (status === "complete") {
    return { status: 409, html: closedPage(ctx, record, completeMessage(payment_status)) };
  }
  return null;
}

async function checkout(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, sessionId: string): Promise<void> {
  const record = ctx.state.sessions.get(sessionId);
  if (!record) return sendHtml(res, 404, notFoundPage());

  if (req.method === "GET") {
    const shut = closed(ctx, record);
    return shut ? sendHtml(res, shut.status, shut.html) : sendHtml(res, 200, checkoutPage(ctx, record));
  }

  let body: string;
  try {
    body = await readBody(req, PAGE_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    res.setHeader("connection", "close");
    return sendHtml(res, 413, page("Too large", "<h1>That form was too large</h1><p>Go back and try again.</p>"));
  }
  const form = new URLSearchParams(body);
  const actionField = field(form, "action");
  const action = ACTIONS.has(actionField) ? (actionField as PageAction) : null;
  const details = formDetails(form, action);
  const values = formValues(form);

  if (action) {
    const shut = closed(ctx, record);
    if (shut) return sendHtml(res, shut.status, shut.html);
    const { errors, rateLimited } = updateDetails(ctx, record, details, "update");
    const status = rateLimited ? 429 : Object.keys(errors).length > 0 ? 400 : 200;
    return sendHtml(res, status, checkoutPage(ctx, record, { fields: errors, values }));
  }

  const input = formInput(form);
  const outcome = paySession(ctx, record, input, details);
  if (outcome.redirectUrl) return redirect(res, outcome.redirectUrl);
  if (outcome.status === "expired" || outcome.status === "completed") {
    return sendHtml(res, outcome.httpStatus, closedPage(ctx, record, outcome.error ?? ""));
  }
  // Problems with the details are shown at their fields; payment problems by the payment form.
  const state: CheckoutFormState = outcome.fields
    ? { fields: outcome.fields, values }
    : { method: input.method === "bank" ? "bank" : "card", error: outcome.error, values };
  sendHtml(res, outcome.httpStatus, checkoutPage(ctx, record, state));
}

/** Returns false when the path is not a page, so the caller can 404. */
export async function handlePages(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const pay = /^\/pay\/([A-Za-z0-9_]+)$/.exec(url.pathname);
  if (pay && (req.method === "GET" || req.method === "POST")) {
    await checkout(ctx, req, res, pay[1]!);
    return true;
  }
  if (url.pathname === "/" && req.method === "GET") {
    // The dashboard shows every session and payment: this machine only, like the control API.
    if (!isLoopback(req)) {
      sendHtml(res, 403, "Forbidden");
      return true;
    }
    const refresh = Number(url.searchParams.get("refresh"));
    sendHtml(res, 200, dashboardPage(ctx, Number.isInteger(refresh) && refresh > 0 ? Math.min(refresh, 3600) : null));
    return true;
  }
  return false;
}
