import { env } from "@/lib/env";

/** Signs development sessions when NEXTAUTH_SECRET is unset; public (it is in this file), so production refuses it. */
export const DEVELOPMENT_AUTH_SECRET = "paperleaf-development-secret-not-for-production";

/** NEXTAUTH_SECRET; required in production (checked at start by instrumentation.ts). */
export function authSecret(): string {
  const secret = env().NEXTAUTH_SECRET;
  if (secret) return secret;
  // `next build` renders pages without runtime settings; no session is read then.
  if (env().NEXT_PHASE === "phase-production-build") return DEVELOPMENT_AUTH_SECRET;
  if (env().NODE_ENV === "production") {
    throw new Error("NEXTAUTH_SECRET must be set in production (a long random string, e.g. `openssl rand -base64 32`).");
  }
  return DEVELOPMENT_AUTH_SECRET;
}
