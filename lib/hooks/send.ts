import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { safeErrorMessage } from "@/lib/observability/redact-error";
import { resolveTarget, systemResolver, type ResolvedAddress, type Resolver } from "./target";

export type Answer = { ok: boolean; statusCode: number | null; error: string | null };

export type SendOptions = { headers: Record<string, string>; body: string; timeoutMs: number; resolve?: Resolver };

/**
 * A lookup that answers with the address already checked, whatever the name:
 * the socket connects where the check looked, so a name that changes its
 * answer between the check and the connection (DNS rebinding) cannot steer
 * the request to a private address. TLS still checks the certificate against
 * the URL's host name (the name stays in the request; only the lookup is ours).
 */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as (error: null, addresses: ResolvedAddress[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
}

/**
 * POSTs one delivery: resolve the host once, check every address with the
 * registration's rule (lib/hooks/target.ts), connect to the first checked
 * one. A redirect is an answer, not a new target (it is not followed). The
 * answer's body is not read. Never throws.
 */
export async function postDelivery(rawUrl: string, options: SendOptions): Promise<Answer> {
  const target = await resolveTarget(rawUrl, options.resolve ?? systemResolver);
  if ("problem" in target) return { ok: false, statusCode: null, error: `refused: the URL ${target.problem}` };
  const url = new URL(rawUrl);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<Answer>((resolve) => {
    let settled = false;
    const settle = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const req = request(
      url,
      {
        method: "POST",
        headers: { ...options.headers, "content-length": String(Buffer.byteLength(options.body)) },
        lookup: pinnedLookup(target.addresses[0]!),
        // One connection per attempt: a pooled socket could still point at an earlier answer.
        agent: false,
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        response.resume();
        req.destroy();
        settle({ ok, statusCode: status, error: ok ? null : `HTTP ${status}` });
      },
    );
    const timer = setTimeout(() => {
      settle({ ok: false, statusCode: null, error: `no answer within ${options.timeoutMs} ms` });
      req.destroy();
    }, options.timeoutMs);
    req.on("error", (error) => settle({ ok: false, statusCode: null, error: safeErrorMessage(error).slice(0, 500) }));
    req.end(options.body);
  });
}
