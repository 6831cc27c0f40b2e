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
  const address = plainAddress(chain[Math.max(0, chain.length - 1 - hops)]!);
  return isIP(address) ? address : "unknown";
}

/** Some proxies write "1.2.3.4:5678" or "[2001:db8::1]:5678"; IPv4 may come mapped into IPv6. */
function plainAddress(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  const address = bracketed?.[1] ?? withPort?.[1] ?? entry;
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
