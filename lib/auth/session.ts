import { getServerSession } from "next-auth";
import { AppError } from "@/lib/errors";
import { authOptions } from "./options";

export type CurrentUser = { id: string; email: string; name: string; role: "customer" | "admin" };

/** The signed-in user from the session cookie, or null. */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions);
  const user = session?.user;
  if (!user?.id) return null;
  return { id: user.id, email: user.email ?? "", name: user.name ?? "", role: user.role };
}

export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthenticated", "Please sign in first");
  return user;
}

/** Admin routes do not exist for anybody else: 404, not 403. */
export async function requireAdmin(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (user?.role !== "admin") throw new AppError("not_found", "Not found");
  return user;
}
