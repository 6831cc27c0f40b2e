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

export type ResolvedAddress = { address: string; family: number };
/** Looks a host name up: every address it has. Injected in tests (lib/hooks/pinning.test.ts). */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (host) => lookup(host, { all: true });

/**
 * The addresses to connect to, or why not: the host as written and every
 * address it resolves to must pass the private-network rule unless private
 * targets are allowed (checked at registration, and again at each attempt,
 * whose connection then goes to these very addresses: lib/hooks/send.ts).
 */
export async function resolveTarget(
  raw: string,
  resolve: Resolver = systemResolver,
): Promise<{ addresses: ResolvedAddress[] } | { problem: string }> {
  const allowed = privateTargetsAllowed();
  const host = new URL(raw).hostname.replace(/^\[|\]$/g, "");
  if (!allowed && (host === "localhost" || host.endsWith(".localhost"))) return { problem: "points at this machine" };
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await resolve(host).then(
        (all) => all,
        () => [],
      );
  if (addresses.length === 0) return { problem: "its host name does not resolve" };
  if (!allowed && addresses.some((a) => isPrivateAddress(a.address))) {
    return { problem: "points at a private or loopback address (HOOK_ALLOW_PRIVATE_TARGETS allows it)" };
  }
  return { addresses };
}

/** Refuses a target on a private network unless allowed (registration's check); undefined when fine. */
export async function privateTargetProblem(raw: string, resolve: Resolver = systemResolver): Promise<string | undefined> {
  if (privateTargetsAllowed()) return undefined;
  const target = await resolveTarget(raw, resolve);
  return "problem" in target ? target.problem : undefined;
}
