import type { EmulatorContext } from "../context";
import { createSession, expireSessionByApi, lineItemsList, sessionRecord, sessionView } from "../domain/checkout";
import { createRefund, retrieveRefund } from "../domain/refunds";
import { resourceMissing } from "../errors";
import type { FormObject, FormValue } from "../form-params";
import type { RequestInfo } from "../objects/event";
import type { Route } from "../http/io";

// The Stripe API subset. Handlers are synchronous on purpose: the
// idempotency check, the work and storing the result happen in one turn of
// the event loop, so two concurrent requests with one key cannot both run.

export type ApiHandler = (ctx: EmulatorContext, input: { params: FormObject; path: string[]; request: RequestInfo }) => { status: number; body: unknown };

const ok = (body: unknown) => ({ status: 200, body });
const id = "([A-Za-z0-9_]+)";

function expandOf(params: FormObject): string[] {
  const value: FormValue | undefined = params.expand;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function listOf<T extends { created: number }>(items: T[], params: FormObject, url: string) {
  const limit = Math.min(Math.max(Number(params.limit ?? 10) || 10, 1), 100);
  // Newest first; among equal timestamps the later-recorded one first.
  const sorted = [...items].reverse().sort((a, b) => b.created - a.created);
  return { object: "list", data: sorted.slice(0, limit), has_more: sorted.length > limit, url };
}

export const apiRoutes: Route<ApiHandler>[] = [
  {
    method: "POST",
    pattern: /^\/v1\/checkout\/sessions$/,
    handler: (ctx, { params }) => ok(sessionView(ctx, sessionRecord(ctx, createSession(ctx, params).id), expandOf(params))),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/checkout/sessions/${id}$`),
    handler: (ctx, { params, path }) => ok(sessionView(ctx, sessionRecord(ctx, path[0]!), expandOf(params))),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/checkout/sessions/${id}/line_items$`),
    handler: (ctx, { path }) => ok(lineItemsList(sessionRecord(ctx, path[0]!))),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v1/checkout/sessions/${id}/expire$`),
    handler: (ctx, { path, request }) => ok(expireSessionByApi(ctx, path[0]!, request)),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/payment_intents/${id}$`),
    handler: (ctx, { path }) => ok(ctx.state.paymentIntents.get(path[0]!) ?? notFound("payment_intent", path[0]!, "intent")),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/charges/${id}$`),
    handler: (ctx, { path }) => ok(ctx.state.charges.get(path[0]!) ?? notFound("charge", path[0]!, "charge")),
  },
  { method: "POST", pattern: /^\/v1\/refunds$/, handler: (ctx, { params, request }) => ok(createRefund(ctx, params, request)) },
  { method: "GET", pattern: new RegExp(`^/v1/refunds/${id}$`), handler: (ctx, { path }) => ok(retrieveRefund(ctx, path[0]!)) },
  {
    method: "GET",
    pattern: /^\/v1\/events$/,
    handler: (ctx, { params }) => ok(listOf([...ctx.state.events.values()].map((r) => r.event), params, "/v1/events")),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v1/events/${id}$`),
    handler: (ctx, { path }) => ok(ctx.state.events.get(path[0]!)?.event ?? notFound("event", path[0]!, "id")),
  },
];

function notFound(objectName: string, objectId: string, param: string): never {
  throw resourceMissing(objectName, objectId, param);
}
