import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { AppError, isAppError } from "@/lib/errors";
import { instrument } from "@/lib/observability/operations";
import { findUserByEmail } from "./users";
import { verifyPassword } from "./password";
import { authSecret } from "./secret";

// In its own module so that processes without next-auth (the worker's start check) can read it.
export { authSecret } from "./secret";

export const credentialsSchema = z.object({
  email: z.email("Enter a valid e-mail address").max(254).transform((v) => v.toLowerCase().trim()),
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
      async authorize(credentials) {
        const parsed = credentialsSchema.safeParse(credentials ?? {});
        if (!parsed.success) return null;
        const signIn = instrument("user_login", { name: "credentials" }, async () => {
          const user = await findUserByEmail(parsed.data.email);
          // Verify even for unknown e-mails, so timing does not reveal accounts.
          const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, parsed.data.password);
          if (!user || !ok) throw new AppError("unauthenticated", "Wrong e-mail or password");
          return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
        });
        return signIn.catch((error: unknown) => {
          if (isAppError(error) && error.code === "unauthenticated") return null;
          throw error;
        });
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
