"use client";

import { useEffect } from "react";
import { CART_UPDATED } from "./cart-api";

/**
 * Tells the header's cart count to read the cart again once this renders. The header hydrates
 * while a streamed page is still loading, so on a page that itself changed the cart (the payment
 * return: the paid order took its books out) the count it read first can be the old one.
 */
export function CartChanged() {
  useEffect(() => {
    window.dispatchEvent(new Event(CART_UPDATED));
  }, []);
  return null;
}
