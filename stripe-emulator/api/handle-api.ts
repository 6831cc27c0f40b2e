import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "../context";
import { ApiError, errorJson, invalidRequest, type StripeErrorBody } from "../errors";
import { parseFormParams } from "../form-params";
import { newId } from "../ids";
import { API_VERSION } from "../objects/common";
import { BodyTooLargeError, matchRoute, readBody, sendRaw } from "../http/io";
import { sleep } from "../scheduler";
import { fingerprint, lookup, remember } from "./idempotency";
import { apiRoutes } from "./routes";

// /v1: injected latency and failures first (the "gateway" is slow or down
// before it looks at anything), then auth, then idempotency, then the route.

export type HeldResponses = Set<ServerResponse>;

function apiKeyOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1]!.trim();
  // `curl -u sk_test_…:` sends the key as the Basic username, which Stripe accepts.
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) return Buffer.from(basic[1]!, "base64").toString("utf8").split(":")[0] ?? null;
  return null;
}

function authError(key: string | null): ApiError {
  if (!key) {
    return new ApiError(401, {
      type: "invalid_request_error",
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    });
  }
  const masked = key.length > 12 ? `${key.slice(0, 8)}${"*".repeat(key.length - 12)}${key.slice(-4)}` : "****";
  return new ApiError(401, { type: "invalid_request_error", message: `Invalid API Key provided: ${masked}`, code: "api_key_invalid" });
}

export async function handleApi(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  held: HeldResponses,
): Promise<void> {
  const method = req.method ?? "GET";
  const requestId = newId("req", 14);
  const idempotencyKey = method === "POST" ? ((req.headers["idempotency-key"] as string | undefined) ?? null) : null;
  const headers: Record<string, string> = { "request-id": requestId, "stripe-version": API_VERSION, "content-type": "application/json" };
  if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
  const fail = (status: number, body: StripeErrorBody) => sendRaw(res, status, JSON.stringify(errorJson(body), null, 2), headers);

  try {
    const body = method === "POST" ? await readBody(req) : "";
    if (ctx.settings.latencyMs > 0) await sleep(ctx.settings.latencyMs);

    const failNext = ctx.settings.failNext;
    if (failNext && failNext.count > 0) {
      failNext.count -= 1;
      if (failNext.count === 0) ctx.settings.failNext = null;
      if (failNext.status === "timeout") {
        // Never answer: the client's own timeout fires. Released on reset/stop.
        held.add(res);
        res.on("close", () => held.delete(res));
        return;
      }
      return fail(failNext.status, {
        type: "api_error",
        message: `(emulated outage) The Stripe API returned ${failNext.status}. Try again later.`,
      });
    }

    const key = apiKeyOf(req);
    if (key !== ctx.config.secretKey) throw authError(key);

    const route = matchRoute(apiRoutes, method, url.pathname);
    if (!route) {
      throw invalidRequest(
        `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        {
          status: 404,
        },
      );
    }
    const params = parseFormParams(method === "POST" ? body : url.search.slice(1));

    // From here to remember(): synchronous, see routes.ts.
    const print = idempotencyKey ? fingerprint(method, url.pathname, params) : "";
    const stored = idempotencyKey ? lookup(ctx, idempotencyKey, print) : null;
    if (stored) {
      return sendRaw(res, stored.status, stored.body, { ...headers, "request-id": stored.requestId, "idempotent-replayed": "true" });
    }
    const result = route.handler(ctx, { params, path: route.params, request: { id: requestId, idempotency_key: idempotencyKey } });
    const json = JSON.stringify(result.body, null, 2);
    if (idempotencyKey && result.status < 300)
      remember(ctx, idempotencyKey, { fingerprint: print, status: result.status, body: json, requestId });
    sendRaw(res, result.status, json, headers);
  } catch (error) {
    if (error instanceof ApiError) return fail(error.status, error.body);
    if (error instanceof BodyTooLargeError) return fail(413, { type: "invalid_request_error", message: "Request body too large." });
    console.error("stripe-emulator: unexpected error", error);
    fail(500, { type: "api_error", message: "An unexpected error occurred in the Stripe emulator." });
  }
}
