import type { Metadata } from "next";
import { EmptyCart } from "@/components/cart/empty-cart";
import { PlaceOrder } from "@/components/checkout/place-order";
import { getCurrentUser } from "@/lib/auth/session";
import { currentCart } from "@/lib/cart/current-cart";
import { shippingOffer } from "@/lib/orders/shipping";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Checkout" };
export const dynamic = "force-dynamic";

export default async function CheckoutPage() {
  const [cart, user] = await Promise.all([currentCart(), getCurrentUser()]);
  return (
    <>
      <h1 className="mb-6 text-3xl font-bold tracking-tight sm:text-4xl">Checkout</h1>
      {cart.items.length === 0 ? (
        <EmptyCart message="Add some books to your cart before checking out." />
      ) : (
        <PlaceOrder
          cart={cart}
          shipping={shippingOffer(cart.totalCents)}
          freeShippingFromCents={env().FREE_SHIPPING_THRESHOLD_CENTS}
          guest={!user}
        />
      )}
    </>
  );
}
