import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
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

/**
 * Where a hook may not go (node:net's BlockList). IPv4: this network, private,
 * loopback, shared (CGNAT), link-local (cloud metadata), multicast and
 * reserved. IPv6: everything outside global unicast (2000::/3: loopback,
 * unspecified, IPv4-compatible, NAT64, unique-local, link-local, multicast),
 * and inside it Teredo and 6to4, which carry an IPv4 address. BlockList checks
 * an IPv4-mapped address (::ffff:7f00:1, however it is written) against the
 * IPv4 rules: URL parsing rewrites [::ffff:127.0.0.1] to [::ffff:7f00:1], which
 * a pattern on the dotted form missed (a security audit's find).
 */
const privateNetworks = (() => {
  const list = new BlockList();
  const v4: [string, number][] = [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.168.0.0", 16],
    ["224.0.0.0", 3],
  ];
  for (const [network, prefix] of v4) list.addSubnet(network, prefix, "ipv4");
  list.addRange("::", "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ipv6");
  list.addRange("4000::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ipv6");
  list.addSubnet("2001::", 32, "ipv6");
  list.addSubnet("2002::", 16, "ipv6");
  return list;
})();

/** Loopback, private, link-local, unique-local, shared, multicast, unspecified, or an IPv4 address inside IPv6; anything not an address too. */
export function isPrivateAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 0) return true;
  return privateNetworks.check(ip, kind === 4 ? "ipv4" : "ipv6");
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
