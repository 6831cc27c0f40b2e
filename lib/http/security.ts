import { env } from "@/lib/env";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * CSRF defence for cookie-authenticated routes: a state-changing request must
 * come from our own origin. The webhook route is exempt (its signature
 * protects it).
 */
export function originAllowed(method: string, pathname: string, origin: string | null, ownOrigins: string[]): boolean {
  if (!STATE_CHANGING.has(method.toUpperCase())) return true;
  if (pathname.startsWith("/api/webhooks/")) return true;
  if (!origin) return false;
  return ownOrigins.includes(origin.replace(/\/$/, ""));
}

/** A fresh nonce for one response's scripts: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The Content-Security-Policy for one response. Scripts run only from our own
 * origin or with this response's nonce (Next puts it on every script tag it
 * renders, reading it from this header on the request), so an injected inline
 * script does not run. Styles keep 'unsafe-inline': React's `style`
 * attributes (and Next's route announcer) are inline styles a nonce cannot
 * cover, and a nonce in style-src would switch 'unsafe-inline' off. Injected
 * CSS cannot run code. No 'unsafe-eval' outside development.
 */
export function contentSecurityPolicy(nonce: string): string {
  const production = env().NODE_ENV === "production";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${production ? "" : " 'unsafe-eval'"}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${production ? "" : " ws: wss:"}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers every response carries, the CSP with this response's nonce. */
export function securityHeaders(nonce: string): Record<string, string> {
  const production = env().NODE_ENV === "production";
  return {
    "Content-Security-Policy": contentSecurityPolicy(nonce),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    ...(production && !env().APP_URL?.startsWith("http://") ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
