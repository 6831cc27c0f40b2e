import { ZodError } from "zod";
import { AppError, errorBody } from "@/lib/errors";
import { withContext } from "@/lib/observability/context";
import { logger } from "@/lib/observability/log";
import { safeErrorMessage } from "@/lib/observability/redact-error";
import { requestId } from "./request-id";

export function json(data: unknown, init?: ResponseInit): Response {
  return Response.json(data, init);
}

/** Maps any thrown value to a JSON error response; never leaks internals. */
export function errorResponse(error: unknown): Response {
  if (error instanceof ZodError) return errorResponse(invalidRequest(error));
  if (error instanceof AppError) {
    const headers =
      error.code === "rate_limited" && typeof error.details === "object" && error.details && "retryAfterSeconds" in error.details
        ? { "Retry-After": String((error.details as { retryAfterSeconds: number }).retryAfterSeconds) }
        : undefined;
    return Response.json(errorBody(error), { status: error.status, headers });
  }
  if (isDatabaseUnavailable(error)) {
    logger().error({ reason: safeErrorMessage(error).slice(0, 200), codes: errorCodes(error) }, "database unavailable");
    // A connection that broke is one connection: the pool opens a fresh one for the next request.
    // Only a failure to connect means the next requests would wait for nothing.
    if (!isLostConnection(error)) tripDatabaseBreaker();
    return unavailable();
  }
  logger().error({ err: error }, "unhandled error in route");
  return Response.json(
    { error: { code: "internal_error", message: "Something went wrong on our side. Please try again." } },
    { status: 500 },
  );
}

function unavailable(): Response {
  return Response.json(
    { error: { code: "unavailable", message: "The store is briefly unavailable. Please try again in a moment." } },
    { status: 503, headers: { "Retry-After": "5" } },
  );
}

/**
 * Once a request has found the database unreachable, the requests of the
 * next few seconds are answered 503 at once, instead of each waiting up to
 * connect_timeout (5 s) for a connection that will not come. The first
 * request after the window goes through: it either closes the breaker by
 * succeeding or opens it again. Requests already running are not cut short:
 * answering for them early could report a failure for a transaction that
 * then commits.
 */
export const DATABASE_BREAKER_MS = 2_000;
const breaker = ((globalThis as typeof globalThis & { __bookstoreDbBreaker?: { openUntil: number } }).__bookstoreDbBreaker ??= {
  openUntil: 0,
});

export function tripDatabaseBreaker(now = Date.now()): void {
  breaker.openUntil = now + DATABASE_BREAKER_MS;
}

export function databaseBreakerOpen(now = Date.now()): boolean {
  return now < breaker.openUntil;
}

// postgres.js connection failures and PostgreSQL's "shutting down / starting up" (57P01, 57P03, class 08).
const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01",
  "57P02",
  "57P03",
]);

// A connection the server ended (shutdown, administrator command) or that broke under us. After a
// restart the pool still holds such connections; each fails once and is replaced. Tripping the
// breaker for each would hold every request back 2 s per stale connection.
const LOST_CONNECTION = new Set(["ECONNRESET", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "57P01", "57P02"]);

/** The driver's and PostgreSQL's codes along the error's cause chain, for the log (e.g. "ECONNREFUSED", "57P03"). */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string") codes.push(e.code);
  }
  return codes;
}

/** The error is a connection that was lost, not a failure to connect (which opens the breaker). */
export function isLostConnection(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string" && LOST_CONNECTION.has(e.code)) return true;
  }
  return false;
}

/** The database cannot be reached right now (Drizzle wraps the driver's error in `cause`). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string" && (UNAVAILABLE.has(e.code) || e.code.startsWith("08"))) return true;
  }
  return false;
}

export function invalidRequest(error: ZodError): AppError {
  const details = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const first = details[0];
  const message = first ? `Invalid request: ${first.path ? `${first.path}: ` : ""}${first.message}` : "Invalid request";
  return new AppError("invalid_request", message, details);
}

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * Wraps a route handler: everything it does runs with the request id in its
 * context (log lines, spans, operations, dispatch), and every thrown error
 * becomes the API's JSON error shape.
 */
export function route<C>(handler: Handler<C>): Handler<C> {
  return (request, context) =>
    withContext({ requestId: requestId(request) }, async () => {
      if (databaseBreakerOpen()) return unavailable();
      try {
        return await handler(request, context);
      } catch (error) {
        return errorResponse(error);
      }
    });
}

/** First value of each query parameter, as a plain object for zod. */
export function searchParamsObject(url: string | URL): Record<string, string> {
  const params = new URL(url).searchParams;
  const out: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in out)) out[key] = value;
  return out;
}
