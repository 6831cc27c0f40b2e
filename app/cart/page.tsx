import type { Metadata } from "next";
import { CartView } from "@/components/cart/cart-view";
import { currentCart } from "@/lib/cart/current-cart";

export const metadata: Metadata = { title: "Your cart" };
export const dynamic = "force-dynamic";

export default async function CartPage() {
  const cart = await currentCart();
  return (
    <>
      <h1 className="mb-2 text-3xl font-bold tracking-tight sm:text-4xl">Your cart</h1>
      <CartView initialCart={cart} />
    </>
  );
}
