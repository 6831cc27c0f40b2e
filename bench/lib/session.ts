import { encode } from "next-auth/jwt";
import { BENCH_SECRET } from "./stack";

/** A session cookie as next-auth would set it, minted here: the real sign-in is argon2-slow on purpose. */
export async function sessionCookie(userId: string): Promise<string> {
  const email = `${userId}@test.example`;
  const token = await encode({ token: { uid: userId, role: "customer", email, name: "Test Shopper", sub: userId }, secret: BENCH_SECRET });
  return `next-auth.session-token=${token}`;
}
