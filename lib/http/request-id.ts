import { randomUUID } from "node:crypto";
import { currentContext } from "@/lib/observability/context";

/** The request id proxy.ts stamps on every request; else the one already in context; else a fresh one. */
export function requestId(request: Request): string {
  const given = request.headers.get("x-request-id");
  if (given && /^[\w-]{8,64}$/.test(given)) return given;
  return currentContext().requestId ?? randomUUID();
}
