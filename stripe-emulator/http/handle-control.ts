import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { EmulatorContext } from "../context";
import { settleTransfer } from "../domain/bank-transfer";
import { headlessDetailsSchema, headlessInput } from "../domain/checkout-details";
import { decideDispute, openDispute } from "../domain/disputes";
import { paySession } from "../domain/pay";
import { settleRefund } from "../domain/refunds";
import { ApiError } from "../errors";
import { settingsUpdateSchema, applySettings } from "../settings";
import { isLoopback, matchRoute, readBody, redirect, sendJson, type Route } from "./io";

// /_emulator: the test/control API. JSON in and out, no auth, loopback only,
// and not drivable from other web pages in the operator's browser (CSRF): a
// POST must be application/json (a cross-origin page cannot send that without
// a CORS preflight, which this API never grants) and carry no Origin (scripts,
// tests) or one of the emulator's own. The dashboard's forms (Redeliver, a
// dispute's Won / Lost) are the one exception to JSON, accepted only with the
// emulator's own Origin.
// EMULATOR_CONTROL=off removes the whole API.

export type ControlActions = { reset(): void; setClockOffset(ms: number): void; clockOffset(): number };

type Input = { body: unknown; path: string[]; query: URLSearchParams };
type ControlHandler = (
  ctx: EmulatorContext,
  actions: ControlActions,
  input: Input,
) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown };

const ok = (body: unknown, status = 200) => ({ status, body });
const outcomeSchema = z.strictObject({ outcome: z.enum(["succeeded", "failed"]) });
const paySchema = z.strictObject({
  card: z.string().optional(),
  expiry: z.string().default("12/34"),
  cvc: z.string().default("123"),
  name: z.string().default("Test Customer"),
  bankAccount: z.string().optional(),
  // The customer's details (address, shipping option, code…); checkout-details.ts fills in the rest.
  ...headlessDetailsSchema.shape,
});
const decideSchema = z.strictObject({ outcome: z.enum(["won", "lost"]) });
const disputeSchema = z.strictObject({
  reason: z
    .enum([
      "fraudulent",
      "product_not_received",
      "product_unacceptable",
      "duplicate",
      "subscription_canceled",
      "credit_not_processed",
      "general",
      "unrecognized",
    ])
    .default("fraudulent"),
  amount: z.number().int().min(1).optional(),
  kind: z.enum(["chargeback", "inquiry"]).default("chargeback"),
});
const clockSchema = z.strictObject({ advanceMs: z.number().int().optional(), offsetMs: z.number().int().optional() });

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ApiError(400, { type: "invalid_request_error", message: `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}` });
}

function eventsView(ctx: EmulatorContext, type: string | null) {
  const records = [...ctx.state.events.values()].filter((r) => !type || r.event.type === type);
  return { data: records.map(({ event, delivery, attempts }) => ({ event, delivery, attempts })) };
}

const routes: Route<ControlHandler>[] = [
  {
    method: "POST",
    pattern: /^\/_emulator\/reset$/,
    handler: (_ctx, actions) => {
      actions.reset();
      return ok({ reset: true });
    },
  },
  { method: "GET", pattern: /^\/_emulator\/config$/, handler: (ctx) => ok(ctx.settings) },
  {
    method: "POST",
    pattern: /^\/_emulator\/config$/,
    handler: (ctx, _a, { body }) => {
      applySettings(ctx.settings, parse(settingsUpdateSchema, body));
      return ok(ctx.settings);
    },
  },
  { method: "GET", pattern: /^\/_emulator\/events$/, handler: (ctx, _a, { query }) => ok(eventsView(ctx, query.get("type"))) },
  {
    method: "POST",
    pattern: /^\/_emulator\/events\/([A-Za-z0-9_]+)\/redeliver$/,
    handler: async (ctx, _a, { path }) => {
      const record = ctx.state.events.get(path[0]!);
      if (!record) return ok({ error: `No such event: ${path[0]}` }, 404);
      if (!ctx.settings.webhookUrl) return ok({ error: "No webhook URL is configured." }, 409);
      return ok({ attempt: await ctx.webhooks.redeliver(record) });
    },
  },
  {
    method: "POST",
    pattern: /^\/_emulator\/sessions\/([A-Za-z0-9_]+)\/pay$/,
    handler: (ctx, _a, { body, path }) => {
      const record = ctx.state.sessions.get(path[0]!);
      if (!record) return ok({ status: "not_found", error: `No such checkout.session: ${path[0]}` }, 404);
      const p = parse(paySchema, body);
      if ((p.card === undefined) === (p.bankAccount === undefined))
        throw new ApiError(400, { type: "invalid_request_error", message: "Send exactly one of card or bankAccount." });
      const outcome = paySession(
        ctx,
        record,
        p.card !== undefined
          ? { method: "card", number: p.card, expiry: p.expiry, cvc: p.cvc, name: p.name }
          : { method: "bank", account: p.bankAccount ?? "" },
        headlessInput(record, p, p.name),
      );
      const { httpStatus, ...rest } = outcome;
      return ok({ ...rest, session: record.session }, httpStatus === 303 ? 200 : httpStatus);
    },
  },
  {
    method: "POST",
    pattern: /^\/_emulator\/sessions\/([A-Za-z0-9_]+)\/settle$/,
    handler: (ctx, _a, { body, path }) => ok({ session: settleTransfer(ctx, path[0]!, parse(outcomeSchema, body).outcome).session }),
  },
  {
    method: "POST",
    pattern: /^\/_emulator\/refunds\/([A-Za-z0-9_]+)\/settle$/,
    handler: (ctx, _a, { body, path }) => ok({ refund: settleRefund(ctx, path[0]!, parse(outcomeSchema, body).outcome) }),
  },
  {
    method: "POST",
    pattern: /^\/_emulator\/charges\/([A-Za-z0-9_]+)\/dispute$/,
    handler: (ctx, _a, { body, path }) => {
      const charge = ctx.state.charges.get(path[0]!);
      if (!charge) return ok({ error: `No such charge: ${path[0]}` }, 404);
      const p = parse(disputeSchema, body);
      return ok({ dispute: openDispute(ctx, charge, p.reason, p.amount, p.kind) });
    },
  },
  {
    method: "POST",
    pattern: /^\/_emulator\/disputes\/([A-Za-z0-9_]+)\/close$/,
    handler: (ctx, _a, { body, path }) => ok({ dispute: decideDispute(ctx, path[0]!, parse(decideSchema, body).outcome) }),
  },
  { method: "GET", pattern: /^\/_emulator\/clock$/, handler: (ctx, actions) => ok({ now: ctx.now(), offsetMs: actions.clockOffset() }) },
  {
    method: "POST",
    pattern: /^\/_emulator\/clock$/,
    handler: (ctx, actions, { body }) => {
      const p = parse(clockSchema, body);
      actions.setClockOffset(p.offsetMs ?? actions.clockOffset() + (p.advanceMs ?? 0));
      return ok({ now: ctx.now(), offsetMs: actions.clockOffset() });
    },
  },
];

/** The origins the emulator's own pages are served from. */
export function ownOrigins(ctx: EmulatorContext): string[] {
  const { port, publicUrl } = ctx.config;
  return [publicUrl, `http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`].filter((o): o is string => Boolean(o));
}

/** Why a POST may not drive the control API, or null when it may. */
function postRefusal(ctx: EmulatorContext, req: IncomingMessage): { status: number; error: string } | null {
  const origin = req.headers.origin;
  if (origin !== undefined && !ownOrigins(ctx).includes(origin)) {
    return { status: 403, error: "The control API answers only the emulator's own pages and clients that send no Origin." };
  }
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/json")) return null;
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return origin === undefined ? { status: 403, error: "Forms are accepted from the emulator's dashboard only." } : null;
  }
  return { status: 415, error: "Send the control API a JSON body (Content-Type: application/json)." };
}

export async function handleControl(
  ctx: EmulatorContext,
  actions: ControlActions,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (!ctx.config.control)
    return sendJson(res, 404, {
      error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${url.pathname}).` },
    });
  if (!isLoopback(req)) return sendJson(res, 403, { error: "The control API only answers requests from this machine." });
  const route = matchRoute(routes, req.method ?? "GET", url.pathname);
  if (!route) return sendJson(res, 404, { error: `Unknown control route ${req.method} ${url.pathname}` });
  const refusal = req.method === "POST" ? postRefusal(ctx, req) : null;
  if (refusal) return sendJson(res, refusal.status, { error: refusal.error });
  // The dashboard's buttons post plain forms; send the browser back to the dashboard.
  const fromForm = (req.headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");
  try {
    const raw = req.method === "POST" ? await readBody(req) : "";
    // The dashboard's forms carry their few fields (a dispute's outcome) as form fields.
    let body: unknown = fromForm ? Object.fromEntries(new URLSearchParams(raw)) : {};
    if (raw && !fromForm) {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        return sendJson(res, 400, { error: "Body is not valid JSON." });
      }
    }
    const result = await route.handler(ctx, actions, { body, path: route.params, query: url.searchParams });
    if (fromForm) return redirect(res, "/");
    sendJson(res, result.status, result.body);
  } catch (error) {
    if (error instanceof ApiError)
      return sendJson(res, error.status, { error: error.body.message, ...(error.body.code ? { code: error.body.code } : {}) });
    throw error;
  }
}
