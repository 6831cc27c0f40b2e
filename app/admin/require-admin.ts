import { notFound } from "next/navigation";
import { getCurrentUser, type CurrentUser } from "@/lib/auth/session";

/**
 * Admin pages do not exist for anybody but operators (404, like the admin API).
 * The layout checks too, but Next renders a page alongside its layout, so each
 * page checks before it reads anything.
 */
export async function requireAdminPage(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (user?.role !== "admin") notFound();
  return user;
}
