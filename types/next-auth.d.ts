import type { DefaultSession } from "next-auth";

// Module augmentation needs interfaces (types do not merge).
/* eslint-disable @typescript-eslint/consistent-type-definitions */
declare module "next-auth" {
  interface Session {
    user: { id: string; role: "customer" | "admin" } & DefaultSession["user"];
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: "customer" | "admin";
  }
}
