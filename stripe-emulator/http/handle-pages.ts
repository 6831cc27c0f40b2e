import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "../context";
import { expireIfDue } from "../domain/checkout";
import { paySession, type PayInput } from "../domain/pay";
import { checkoutPage, closedPage, notFoundPage } from "../pages/checkout-page";
import { dashboardPage } from "../pages/dashboard-page";
import { isLoopback, readBody, redirect, sendHtml } from "./io";

// The browser-facing pages: the hosted checkout (/pay/:id) and the dashboard (/).

function field(form: URLSearchParams, name: string): string {
  return form.get(name) ?? "";
}

function formInput(form: URLSearchParams): PayInput {
  if (field(form, "method") === "bank") return { method: "bank", account: field(form, "bank_account") };
  return { method: "card", number: field(form, "card_number"), expiry: field(form, "card_expiry"), cvc: field(form, "card_cvc"), name: field(form, "card_name") };
}

async function checkout(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, sessionId: string): Promise<void> {
  const record = ctx.state.sessions.get(sessionId);
  if (!record) return sendHtml(res, 404, notFoundPage());

  if (req.method === "GET") {
    expireIfDue(ctx, record);
    const { status, payment_status } = record.session;
    if (status === "expired") return sendHtml(res, 410, closedPage(record, ctx.merchantName, "This checkout session has expired. Return to the store to start again."));
    if (status === "complete") {
      const message = payment_status === "paid" ? "This checkout session has already been paid." : "This checkout session is complete; its bank transfer is processing.";
      return sendHtml(res, 409, closedPage(record, ctx.merchantName, message));
    }
    return sendHtml(res, 200, checkoutPage(record, ctx.merchantName));
  }

  const form = new URLSearchParams(await readBody(req));
  const input = formInput(form);
  const outcome = paySession(ctx, record, input);
  if (outcome.redirectUrl) return redirect(res, outcome.redirectUrl);
  if (outcome.status === "expired" || outcome.status === "completed") {
    return sendHtml(res, outcome.httpStatus, closedPage(record, ctx.merchantName, outcome.error ?? ""));
  }
  const values = { card_number: field(form, "card_number"), card_expiry: field(form, "card_expiry"), card_name: field(form, "card_name"), bank_account: field(form, "bank_account") };
  sendHtml(res, outcome.httpStatus, checkoutPage(record, ctx.merchantName, { method: input.method, error: outcome.error, values }));
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
