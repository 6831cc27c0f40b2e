import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { env, isProduction } from "@/lib/env";

export { MAX_HOOK_URL_LENGTH, urlShapeProblem } from "./url-shape";

/**
 * May endpoints point at loopback, private, link-local or shared addresses?
 * Not in production unless HOOK_ALLOW_PRIVATE_TARGETS is on (a hook must not
 * become a way to reach the store's own network); in demo mode, development
 * and tests they may (the test receiver listens on 127.0.0.1).
 */
export function privateTargetsAllowed(): boolean {
  return env().HOOK_ALLOW_PRIVATE_TARGETS ?? !isProduction();
}

function v4Private(ip: string): boolean {
  const [a, b] = ip.split(".").map(Number) as [number, number];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

/** Loopback, private, link-local, unique-local, shared, multicast or unspecified. */
export function isPrivateAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) return v4Private(ip);
  if (kind !== 6) return true;
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return v4Private(mapped[1]!);
  return lower === "::" || lower === "::1" || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || /^ff/.test(lower);
}

/**
 * Refuses a target on a private network unless allowed: the host as written
 * and every address it resolves to (checked at registration and again
 * before each attempt, as a name may be pointed elsewhere later).
 */
export async function privateTargetProblem(raw: string): Promise<string | undefined> {
  if (privateTargetsAllowed()) return undefined;
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return "points at this machine";
  const addresses = isIP(host)
    ? [host]
    : await lookup(host, { all: true }).then(
        (all) => all.map((a) => a.address),
        () => [],
      );
  if (addresses.length === 0) return "its host name does not resolve";
  if (addresses.some(isPrivateAddress)) return "points at a private or loopback address (HOOK_ALLOW_PRIVATE_TARGETS allows it)";
  return undefined;
}
