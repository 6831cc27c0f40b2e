import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { AppError, isAppError } from "@/lib/errors";
import { instrument } from "@/lib/observability/operations";
import { clientAddress } from "@/lib/http/client-address";
import { findUserByEmail } from "./users";
import { verifyPassword } from "./password";
import { noteSignInThrottled, recordSignInSuccess, takeSignInAttempt } from "./throttle";

/** The error authorize() throws when the throttle refuses; next-auth passes it on as ?error=RateLimited. */
export const SIGN_IN_RATE_LIMITED = "RateLimited";

// In its own module so that processes without next-auth (the worker's start check) can read it.
import { authSecret } from "./secret";
export { authSecret };

export const credentialsSchema = z.object({
  email: z
    .email("Enter a valid e-mail address")
    .max(254)
    .transform((v) => v.toLowerCase().trim()),
  password: z.string().min(1, "Enter your password").max(200),
});

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
  pages: { signIn: "/signin", error: "/signin" },
  // A getter: `next build` imports this module without runtime settings.
  get secret() {
    return authSecret();
  },
  providers: [
    CredentialsProvider({
      name: "E-mail and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      // Every password check goes through here, whatever path or body shape carried it, so the
      // throttle sits here too: on the e-mail next-auth parsed and the client's real address.
      async authorize(credentials, req) {
        const email = String(credentials?.email ?? "")
          .toLowerCase()
          .trim();
        const ip = clientAddress(new Headers(req?.headers as Record<string, string> | undefined));
        // Every attempt counts as a failure until it succeeds (recordSignInSuccess gives it back).
        const wait = await takeSignInAttempt(email, ip);
        if (wait > 0) {
          noteSignInThrottled(wait);
          throw new Error(SIGN_IN_RATE_LIMITED);
        }
        const parsed = credentialsSchema.safeParse(credentials ?? {});
        if (!parsed.success) return null;
        const signIn = instrument("user_login", { name: "credentials" }, async () => {
          const user = await findUserByEmail(parsed.data.email);
          // Verify even for unknown e-mails, so timing does not reveal accounts.
          const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, parsed.data.password);
          if (!user || !ok) throw new AppError("unauthenticated", "Wrong e-mail or password");
          return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
        });
        const user = await signIn.catch((error: unknown) => {
          if (isAppError(error) && error.code === "unauthenticated") return null;
          throw error;
        });
        if (user) await recordSignInSuccess(email, ip);
        return user;
      },
    }),
  ],
  callbacks: {
    // The token names the account and the session version it signed in under. Its role
    // is a hint for proxy.ts only: lib/auth/session.ts re-reads role and version from the
    // database on every request, so a demotion or "sign out everywhere" counts at once.
    async jwt({ token, user }) {
      if (user) {
        const signedIn = user as { role?: "customer" | "admin"; sessionVersion?: number };
        token.uid = user.id;
        token.role = signedIn.role ?? "customer";
        token.sv = signedIn.sessionVersion ?? 0;
      }
      return token;
    },
    async session({ session, token }) {
      if (session.user && token.uid) {
        session.user.id = token.uid;
        session.user.role = token.role ?? "customer";
        session.user.sessionVersion = token.sv ?? 0;
      }
      return session;
    },
  },
};

// argon2id hash of a random string nobody knows.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$qOAEPWjc9aLIwaA81pBv8A$EiTwqfCA9kCOhuh9A7dgU62AwvjemsiuJQxbn19LbII";
