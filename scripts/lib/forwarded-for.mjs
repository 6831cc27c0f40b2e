// The production server's half of the client address (issue #14, finding 4).
// Plain JavaScript: scripts/serve.mjs runs without a TypeScript loader.
//
// The app takes the client's address from X-Forwarded-For, counting
// TRUSTED_PROXY_HOPS entries from the right as our own proxies
// (lib/http/client-address.ts). So that a client cannot write that header
// itself, the server rewrites it before Next sees the request: with no
// trusted proxy it is replaced by the socket's address; behind N proxies the
// socket's address (the nearest proxy) is appended to what they sent.

/** TRUSTED_PROXY_HOPS: an integer 0..10, default 0. Throws a message naming the setting. */
export function parseTrustedProxyHops(value) {
  if (value === undefined || value === "") return 0;
  if (!/^\d{1,2}$/.test(value) || Number(value) > 10) {
    throw new Error(`TRUSTED_PROXY_HOPS must be a whole number from 0 to 10 (the proxies in front of the app), not "${value}"`);
  }
  return Number(value);
}

/** Rewrites X-Forwarded-For on a node:http request from its socket; drops X-Real-IP, which nothing sets for us. */
export function setForwardedFor(req, hops) {
  const socketAddress = req.socket.remoteAddress ?? "";
  const sent = req.headers["x-forwarded-for"];
  const prior = Array.isArray(sent) ? sent.join(", ") : sent;
  req.headers["x-forwarded-for"] = hops > 0 && prior ? `${prior}, ${socketAddress}` : socketAddress;
  delete req.headers["x-real-ip"];
}
