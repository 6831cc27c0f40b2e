import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { authSecret } from "@/lib/auth/options";
import { appUrl } from "@/lib/env";
import { bodyLimitFor, declaresMoreThan } from "@/lib/http/body";
import { contentSecurityPolicy, newNonce, originAllowed, securityHeaders } from "@/lib/http/security";
import { guestCookieName } from "@/lib/orders/guest-link";

// Runs before every page and API route: request id, CSP nonce, body size,
// CSRF origin check, sign-in gate for shopper pages, admin API gate, security
// headers.

const SIGNED_IN_PAGES = ["/checkout", "/orders", "/account"];
const SIGNED_IN_API = ["/api/checkout", "/api/orders", "/api/account"];

const under = (pathname: string, prefixes: string[]) => prefixes.some((p) => pathname === p || pathname.startsWith(`${p}/`));

/**
 * Where a guest (no account) may go: the checkout itself, the payment return
 * pages, and one order's pages and API when the browser holds that order's
 * guest cookie (or follows its signed link). The route checks the token; a
 * wrong one finds no order (404).
 */
const GUEST_PATHS = ["/checkout", "/api/checkout"];
const GUEST_ORDER = /^\/(?:api\/)?orders\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\/access|\/.*)?$/i;
function guestMayPass(request: NextRequest, pathname: string): boolean {
  if (under(pathname, GUEST_PATHS)) return true;
  const order = GUEST_ORDER.exec(pathname);
  if (!order) return false;
  return order[2] === "/access" || request.cookies.has(guestCookieName(order[1]!.toLowerCase()));
}

function jsonError(status: number, code: string, message: string): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status });
}

function finish(response: NextResponse, requestId: string, nonce: string): NextResponse {
  for (const [name, value] of Object.entries(securityHeaders(nonce))) response.headers.set(name, value);
  response.headers.set("x-request-id", requestId);
  return response;
}

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  const requestId = request.headers.get("x-request-id")?.match(/^[\w-]{8,64}$/)?.[0] ?? crypto.randomUUID();
  const nonce = newNonce();
  // A body declared larger than the route accepts is refused before anyone reads it, also on
  // routes that never read one; routes that do read cap the stream too (lib/http/body.ts).
  const limit = bodyLimitFor(pathname);
  if (declaresMoreThan(request.headers, limit)) {
    return finish(jsonError(413, "payload_too_large", `The request body must be at most ${limit} bytes`), requestId, nonce);
  }
  if (!originAllowed(request.method, pathname, request.headers.get("origin"), [appUrl(), request.nextUrl.origin])) {
    return finish(jsonError(403, "forbidden", "This request must come from the store's own pages (Origin check)"), requestId, nonce);
  }
  const shopperOnly = (under(pathname, SIGNED_IN_PAGES) || under(pathname, SIGNED_IN_API)) && !guestMayPass(request, pathname);
  const needsUser = shopperOnly || under(pathname, ["/api/admin", "/admin"]);
  if (needsUser) {
    const token = await getToken({ req: request, secret: authSecret() });
    // Signed out: the admin API does not exist. Signed in: the route re-reads the role from
    // the database (requireAdmin), so a demoted operator's token decides nothing.
    if (under(pathname, ["/api/admin"]) && !token) return finish(jsonError(404, "not_found", "Not found"), requestId, nonce);
    if (!token && pathname.startsWith("/api/")) return finish(jsonError(401, "unauthenticated", "Please sign in first"), requestId, nonce);
    // Signed-out pages, the console included, go to sign-in and come back; a signed-in
    // non-operator still gets the console's 404 (app/admin/require-admin.ts).
    if (!token) {
      const signIn = new URL("/signin", request.url);
      signIn.searchParams.set("callbackUrl", `${pathname}${search}`);
      return finish(NextResponse.redirect(signIn), requestId, nonce);
    }
  }
  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);
  // Next reads the nonce from the request's CSP header and puts it on every script it renders.
  headers.set("content-security-policy", contentSecurityPolicy(nonce));
  return finish(NextResponse.next({ request: { headers } }), requestId, nonce);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt).*)"],
};
