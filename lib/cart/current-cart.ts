import { cookies } from "next/headers";
import { getCurrentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { throttleAnonymousCart } from "@/lib/http/abuse-limits";
import { ANONYMOUS_CART_DAYS, createCart, findAnonymousCart, findUserCart, loadCart, mergeCarts } from "./cart-store";
import type { CartView } from "./types";

export const CART_COOKIE = "cart_id";

async function setCartCookie(value: string | null): Promise<void> {
  const jar = await cookies();
  try {
    if (value === null) jar.delete(CART_COOKIE);
    else
      jar.set(CART_COOKIE, value, {
        httpOnly: true,
        sameSite: "lax",
        secure: env().NODE_ENV === "production" && !env().APP_URL?.startsWith("http://"),
        path: "/",
        maxAge: 60 * 60 * 24 * ANONYMOUS_CART_DAYS,
      });
  } catch {
    // Server components cannot set cookies; route handlers and actions can.
  }
}

/**
 * The cart of this request: the signed-in user's (an anonymous cart from the
 * cookie is merged into it first), or the anonymous one. With `create`, a cart
 * is made when there is none.
 */
export async function currentCartId(options: { create: false } | { create: true; clientAddress: string }): Promise<string | null> {
  const jar = await cookies();
  const cookieCart = jar.get(CART_COOKIE)?.value;
  const anonymous = cookieCart ? await findAnonymousCart(cookieCart) : null;
  const user = await getCurrentUser();
  if (user) {
    let userCart = await findUserCart(user.id);
    if (anonymous) {
      userCart ??= await createCart(user.id);
      await mergeCarts(anonymous, userCart);
    }
    if (cookieCart) await setCartCookie(null);
    if (!userCart && options.create) userCart = await createCart(user.id);
    return userCart;
  }
  if (anonymous) return anonymous;
  if (!options.create) return null;
  // A new anonymous cart is a row per request that never sends its cookie back: counted per client address.
  await throttleAnonymousCart(options.clientAddress);
  const created = await createCart(null);
  await setCartCookie(created);
  return created;
}

export async function currentCart(): Promise<CartView> {
  return loadCart(await currentCartId({ create: false }));
}
