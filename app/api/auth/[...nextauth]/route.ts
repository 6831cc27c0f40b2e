// GET|POST /api/auth/* – next-auth (credentials sign-in, sign-out, session, csrf): only the paths
// it defines for our one provider, bodies capped, and the sign-in throttle's refusal as a 429.
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { trackSignInAttempt } from "@/lib/auth/throttle";
import { appUrl } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { MAX_JSON_BODY_BYTES, readBodyText } from "@/lib/http/body";
import { errorResponse } from "@/lib/http/responses";
import { requestId } from "@/lib/http/request-id";
import { waitText } from "@/lib/http/rate-limiter";
import { withContext } from "@/lib/observability/context";

const handler = NextAuth(authOptions);
type Context = { params: Promise<{ nextauth: string[] }> };

// next-auth reads only the first two segments (action, provider) and ignores the rest, so
// /callback/credentials/x is a sign-in too. Everything not listed here is a 404.
const DEFINED: Record<string, Set<string>> = {
  GET: new Set(["csrf", "session", "providers", "signin", "signout", "error"]),
  POST: new Set(["signin/credentials", "callback/credentials", "signout", "session", "_log"]),
};

const notFound = () => errorResponse(new AppError("not_found", "Not found"));

export async function GET(request: NextRequest, context: Context): Promise<Response> {
  const { nextauth } = await context.params;
  if (!DEFINED.GET!.has(nextauth.join("/"))) return notFound();
  return handler(request, context);
}

// Sign-in runs in the request's context, so its span and operation-log row carry the request id.
export function POST(request: NextRequest, context: Context): Promise<Response> {
  return withContext({ requestId: requestId(request) }, () => post(request, context));
}

async function post(request: NextRequest, context: Context): Promise<Response> {
  const { nextauth } = await context.params;
  if (!DEFINED.POST!.has(nextauth.join("/"))) return notFound();
  let body: string;
  try {
    body = await readBodyText(request, MAX_JSON_BODY_BYTES);
  } catch (error) {
    return errorResponse(error);
  }
  // next-auth reads the body itself: hand it the bytes already read (and counted).
  const capped = new NextRequest(request.url, { method: "POST", headers: request.headers, body });
  const { result: response, retryAfter } = await trackSignInAttempt((): Promise<Response> => handler(capped, context));
  if (retryAfter === 0) return response;
  return Response.json(
    {
      error: {
        code: "rate_limited",
        message: `Too many sign-in attempts. Try again in ${waitText(retryAfter)}.`,
        details: { retryAfterSeconds: retryAfter },
      },
      // next-auth/react reads `url` to report the error to the sign-in form.
      url: `${appUrl()}/signin?error=RateLimited`,
    },
    { status: 429, headers: { "Retry-After": String(retryAfter) } },
  );
}
