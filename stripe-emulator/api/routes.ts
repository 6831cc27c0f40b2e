import { z } from "zod";
import type { EmulatorContext } from "../context";
import { createSession, expireSessionByApi, lineItemsList, sessionRecord, sessionView } from "../domain/checkout";
import { acceptDispute, allDisputes, retrieveDispute, updateDispute } from "../domain/disputes";
import { createRefund, retrieveRefund } from "../domain/refunds";
import { invalidRequest, resourceMissing } from "../errors";
import type { FormObject } from "../form-params";
import { expandOf, listPage, parseListParams } from "./lists";
import type { RequestInfo } from "../objects/event";
import type { Route } from "../http/io";
import { catalogRoutes } from "./catalog-routes";

// The Stripe API subset. Handlers are synchronous on purpose: the
// idempotency check, the work and storing the result happen in one turn of
// the event loop, so two concurrent requests with one key cannot both run.

export type ApiHandler = (
  ctx: EmulatorContext,
  input: { params: FormObject; path: string[]; request: RequestInfo },
) => { status: number; body: unknown };

const ok = (body: unknown) => ({ status: 200, body });
const id = "([A-Za-z0-9_]+)";

/** `type=checkout.session.*` matches a group of events, as on Stripe. */
function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes("*")) return pattern === type;
  const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`).test(type);
}

export const apiRoutes: Route<ApiHandler>[] = [
  {
    method: "POST",
    pattern: /^\/v1\/checkout\/sessions$/,
    handler: (ctx, { params }) => ok(sessionView(ctx, sessionRecord(ctx, createSession(ctx, params).id), expandOf(params))),
  },
  {
    method: "GET",
    pattern: /^\/v1\/checkout\/sessions$/,
    handler: (ctx, { params }) => {
      const p = parseListParams(
        { status: z.enum(["open", "complete", "expired"]).optional(), payment_intent: z.string().optional() },
        params,
      );
      const sessions = [...ctx.state.sessions.values()].map((record) => record.session);
      return ok(
        listPage(
          sessions,
          p,
          "/v1/checkout/sessions",
          (s) => (!p.status || s.status === p.status) && (!p.payment_intent || s.payment_intent === p.payment_intent),
        ),
      );
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/checkout/sessions/${id}$`),
    handler: (ctx, { params, path }) => ok(sessionView(ctx, sessionRecord(ctx, path[0]!), expandOf(params))),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/checkout/sessions/${id}/line_items$`),
    handler: (ctx, { params, path }) => {
      const record = sessionRecord(ctx, path[0]!);
      const p = parseListParams({}, params);
      const all = lineItemsList(ctx, record, p.expand ?? []);
      // Line items have no created time of their own: page by position, as Stripe does.
      const items = all.data.map((item, i) => ({ ...item, created: -i }));
      const page = listPage(items, { ...p, created: undefined }, all.url);
      return ok({ ...page, data: page.data.map(({ created: _created, ...item }) => item) });
    },
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/checkout/sessions/${id}/expire$`),
    handler: (ctx, { path, request }) => ok(expireSessionByApi(ctx, path[0]!, request)),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/payment_intents/${id}$`),
    handler: (ctx, { params, path }) => {
      const intent = ctx.state.paymentIntents.get(path[0]!) ?? notFound("payment_intent", path[0]!, "intent");
      const charge =
        expandOf(params).includes("latest_charge") && intent.latest_charge ? ctx.state.charges.get(intent.latest_charge) : undefined;
      return ok(charge ? { ...intent, latest_charge: charge } : intent);
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/charges/${id}$`),
    handler: (ctx, { path }) => ok(ctx.state.charges.get(path[0]!) ?? notFound("charge", path[0]!, "charge")),
  },
  { method: "POST", pattern: /^\/v1\/refunds$/, handler: (ctx, { params, request }) => ok(createRefund(ctx, params, request)) },
  {
    method: "GET",
    pattern: /^\/v1\/refunds$/,
    handler: (ctx, { params }) => {
      const p = parseListParams({ charge: z.string().optional(), payment_intent: z.string().optional() }, params);
      const wanted = (r: { charge: string; payment_intent: string }) =>
        (!p.charge || r.charge === p.charge) && (!p.payment_intent || r.payment_intent === p.payment_intent);
      return ok(listPage([...ctx.state.refunds.values()], p, "/v1/refunds", wanted));
    },
  },
  { method: "GET", pattern: new RegExp(`^/v1/refunds/${id}$`), handler: (ctx, { path }) => ok(retrieveRefund(ctx, path[0]!)) },
  {
    method: "GET",
    pattern: /^\/v1\/disputes$/,
    handler: (ctx, { params }) => {
      const p = parseListParams({ charge: z.string().optional(), payment_intent: z.string().optional() }, params);
      const wanted = (d: { charge: string; payment_intent: string | null }) =>
        (!p.charge || d.charge === p.charge) && (!p.payment_intent || d.payment_intent === p.payment_intent);
      return ok(listPage(allDisputes(ctx), p, "/v1/disputes", wanted));
    },
  },
  { method: "GET", pattern: new RegExp(`^/v1/disputes/${id}$`), handler: (ctx, { path }) => ok(retrieveDispute(ctx, path[0]!)) },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/disputes/${id}$`),
    handler: (ctx, { params, path, request }) => ok(updateDispute(ctx, path[0]!, params, request)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/disputes/${id}/close$`),
    handler: (ctx, { path, request }) => ok(acceptDispute(ctx, path[0]!, request)),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/balance_transactions/${id}$`),
    handler: (ctx, { path }) => ok(ctx.state.balanceTransactions.get(path[0]!) ?? notFound("balance_transaction", path[0]!, "id")),
  },
  {
    method: "GET",
    pattern: /^\/v1\/events$/,
    handler: (ctx, { params }) => {
      const p = parseListParams({ type: z.string().optional(), types: z.array(z.string()).max(20).optional() }, params);
      if (p.type !== undefined && p.types !== undefined) throw invalidRequest("You may only specify one of these parameters: type, types.");
      const wanted = (type: string) =>
        (p.type === undefined || typeMatches(p.type, type)) && (p.types === undefined || p.types.includes(type));
      return ok(
        listPage(
          [...ctx.state.events.values()].map((r) => r.event),
          p,
          "/v1/events",
          (event) => wanted(event.type),
        ),
      );
    },
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/events/${id}$`),
    handler: (ctx, { path }) => ok(ctx.state.events.get(path[0]!)?.event ?? notFound("event", path[0]!, "id")),
  },
  ...catalogRoutes,
];

function notFound(objectName: string, objectId: string, param: string): never {
  throw resourceMissing(objectName, objectId, param);
}
