import { randomUUID } from "node:crypto";

/** The request id proxy.ts stamps on every request (or a fresh one). */
export function requestId(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
}
