import { isIP } from "node:net";
import { env } from "@/lib/env";

/**
 * The client's address, for every per-IP limit. X-Forwarded-For lists the
 * hops a request passed, each appended by the next; only the right-most
 * TRUSTED_PROXY_HOPS entries were written by our own proxies, and the entry
 * just left of them is the client as the outermost proxy saw it. Entries
 * further left were sent by the client and prove nothing. The production
 * server (scripts/serve.mjs) writes the socket's address into the header, so
 * with no proxy (hops = 0) it is the peer itself.
 */
export function clientAddress(headers: Headers, hops: number = env().TRUSTED_PROXY_HOPS): string {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (chain.length === 0) return "unknown";
  // Fewer entries than trusted hops: the left-most is the furthest anyone vouches for.
  const entry = chain[Math.max(0, chain.length - 1 - hops)]!;
  const address = entry.startsWith("::ffff:") && isIP(entry.slice(7)) === 4 ? entry.slice(7) : entry;
  return isIP(address) ? address : "unknown";
}
