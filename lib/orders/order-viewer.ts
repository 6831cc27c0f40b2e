import { cookies } from "next/headers";
import { getCurrentUser, type CurrentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { GUEST_COOKIE_MAX_AGE_SECONDS, guestCookieName, guestToken, verifyGuestToken } from "./guest-link";
import type { OrderViewer } from "./store";

/** Who is asking about one order: the signed-in shopper and/or the holder of its guest link. */
export type RequestViewer = OrderViewer & { user: CurrentUser | null };

/**
 * The viewer of `orderId` in this request. A signed-in shopper sees their own
 * orders; the order's guest cookie (set by its signed link) opens that one
 * order. With neither: unauthenticated (sign in, or follow the e-mail's link).
 * A cookie whose token is wrong opens nothing: the order is then not_found,
 * exactly like a stranger's.
 */
export async function orderViewer(orderId: string): Promise<RequestViewer> {
  const user = await getCurrentUser();
  const jar = await cookies();
  const token = jar.get(guestCookieName(orderId))?.value;
  const guest = verifyGuestToken(orderId, token);
  if (!user && !token) throw new AppError("unauthenticated", "Please sign in first, or open the link in your order e-mail");
  return { user, userId: user?.id ?? null, guestOrderId: guest ? orderId : null };
}

/** Puts an order's guest token into its httpOnly cookie (route handlers and actions only). */
export async function rememberGuestOrder(orderId: string): Promise<void> {
  const jar = await cookies();
  jar.set(guestCookieName(orderId), guestToken(orderId), {
    httpOnly: true,
    sameSite: "lax",
    secure: env().NODE_ENV === "production" && !env().APP_URL?.startsWith("http://"),
    path: "/",
    maxAge: GUEST_COOKIE_MAX_AGE_SECONDS,
  });
}
