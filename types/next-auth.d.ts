import type { DefaultSession } from "next-auth";

// Module augmentation needs interfaces (types do not merge).
/* eslint-disable @typescript-eslint/consistent-type-definitions */
declare module "next-auth" {
  interface Session {
    user: { id: string; role: "customer" | "admin"; sessionVersion: number } & DefaultSession["user"];
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: "customer" | "admin";
    /** users.session_version when this session signed in (absent in tokens from before it existed: 0). */
    sv?: number;
  }
}
