import { getServerSession } from "next-auth";
import { cache } from "react";
import { AppError } from "@/lib/errors";
import { authOptions } from "./options";
import { findSessionUser } from "./users";

export type CurrentUser = { id: string; email: string; name: string; role: "customer" | "admin" };

// One read per request for the pages and layouts that ask (React's request cache);
// route handlers read once per call.
const accountNow = cache(findSessionUser);

/**
 * The signed-in user, or null. The session cookie only says who signed in and
 * under which session version: the role, name and e-mail come from the
 * database on every request, and a session older than the account's current
 * version ("sign out everywhere") or of an account that is gone counts as
 * signed out.
 */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions);
  const signedIn = session?.user;
  if (!signedIn?.id) return null;
  const account = await accountNow(signedIn.id);
  if (!account || account.sessionVersion !== (signedIn.sessionVersion ?? 0)) return null;
  return { id: account.id, email: account.email, name: account.name, role: account.role };
}

export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthenticated", "Please sign in first");
  return user;
}

/** Admin routes do not exist for anybody else: 404, not 403. The role is the database's, not the token's. */
export async function requireAdmin(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (user?.role !== "admin") throw new AppError("not_found", "Not found");
  return user;
}
