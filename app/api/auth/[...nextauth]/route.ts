// GET|POST /api/auth/* – next-auth (credentials sign-in, sign-out, session, csrf), with sign-in throttling
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { clientIp, recordSignInFailure, recordSignInSuccess, signInRetryAfter } from "@/lib/auth/throttle";
import { appUrl } from "@/lib/env";
import { requestId } from "@/lib/http/request-id";
import { withContext } from "@/lib/observability/context";

const handler = NextAuth(authOptions);
type Context = { params: Promise<{ nextauth: string[] }> };

export const GET = handler;

function failed(response: Response, body: string): boolean {
  if (response.status >= 400) return true;
  const location = response.headers.get("location") ?? "";
  return location.includes("error=") || body.includes("error=");
}

// Sign-in runs in the request's context, so its span and operation-log row carry the request id.
export function POST(request: Request, context: Context): Promise<Response> {
  return withContext({ requestId: requestId(request) }, () => post(request, context));
}

async function post(request: Request, context: Context): Promise<Response> {
  const { nextauth } = await context.params;
  if (nextauth.join("/") !== "callback/credentials") return handler(request, context);
  const form = await request.clone().formData().catch(() => undefined);
  const email = String(form?.get("email") ?? "").toLowerCase().trim();
  const ip = clientIp(request.headers);
  const wait = await signInRetryAfter(email, ip);
  if (wait > 0) {
    return Response.json(
      {
        error: { code: "rate_limited", message: `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`, details: { retryAfterSeconds: wait } },
        // next-auth/react reads `url` to report the error to the sign-in form.
        url: `${appUrl()}/signin?error=RateLimited`,
      },
      { status: 429, headers: { "Retry-After": String(wait) } },
    );
  }
  const response = await handler(request, context);
  const body = await response.clone().text();
  if (failed(response, body)) await recordSignInFailure(email, ip);
  else await recordSignInSuccess(email, ip);
  return response;
}
