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

/** Headers every response carries. No 'unsafe-eval' outside development. */
export function securityHeaders(): Record<string, string> {
  const production = env().NODE_ENV === "production";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${production ? "" : " 'unsafe-eval'"}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${production ? "" : " ws: wss:"}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    ...(production && !env().APP_URL?.startsWith("http://") ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
