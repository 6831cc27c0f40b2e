import { createHmac, timingSafeEqual } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";
import { appUrl } from "@/lib/env";
import { isUuid } from "@/lib/ids";

// A guest follows their order through a signed link (docs/SECURITY.md, "Guest
// orders"): HMAC-SHA256 over the order id with the server secret. It names one
// order and opens only that one; it does not expire (the order is theirs), and
// a new server secret voids every link. After the first visit it lives in an
// httpOnly cookie named after the order, so it leaves the address bar.

const PURPOSE = "paperleaf guest order v1";
/** A token is 43 base64url characters (32 bytes). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The guest token of an order. */
export function guestToken(orderId: string, secret: string = authSecret()): string {
  return createHmac("sha256", secret).update(`${PURPOSE}:${orderId}`).digest("base64url");
}

/** True when `token` is this order's guest token (constant-time compare). */
export function verifyGuestToken(orderId: string, token: string | null | undefined, secret: string = authSecret()): boolean {
  if (!token || !TOKEN_PATTERN.test(token) || !isUuid(orderId)) return false;
  const expected = Buffer.from(guestToken(orderId, secret), "base64url");
  const given = Buffer.from(token, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The cookie that carries one order's guest token after the link was followed. */
export function guestCookieName(orderId: string): string {
  return `guest_order_${orderId}`;
}

/** The link in a guest's e-mails: it sets the cookie and opens the order page. */
export function guestOrderLink(orderId: string): string {
  return `${appUrl()}/orders/${orderId}/access?token=${guestToken(orderId)}`;
}

/** How long the browser keeps a guest order's cookie. */
export const GUEST_COOKIE_MAX_AGE_SECONDS = 60 * 60 * 24 * 90;
