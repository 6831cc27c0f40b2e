import Link from "next/link";
import type { Ref } from "react";
import { Price } from "@/components/price";
import { panelClass, primaryButtonClass, textLinkClass } from "@/components/ui-classes";
import type { CartView } from "@/lib/cart/types";

type CartSummaryProps = { cart: CartView; short: boolean; headingRef?: Ref<HTMLHeadingElement> };

export function CartSummary({ cart, short, headingRef }: CartSummaryProps) {
  return (
    <section aria-labelledby="cart-summary-heading" className={`${panelClass} lg:sticky lg:top-6`}>
      <h2 id="cart-summary-heading" ref={headingRef} tabIndex={-1} className="text-xl font-semibold">
        Summary
      </h2>
      <dl className="mt-4 flex flex-col gap-2">
        <div className="flex justify-between gap-4 text-ink-soft">
          <dt>Books</dt>
          <dd className="tabular-nums">{cart.count}</dd>
        </div>
        <div className="flex justify-between gap-4 border-t border-line pt-3 text-lg">
          <dt className="font-semibold">Total</dt>
          <dd>
            <Price cents={cart.totalCents} currency={cart.currency} className="font-bold text-ink tabular-nums" />
          </dd>
        </div>
      </dl>
      <p className="mt-1 text-sm text-ink-soft">Free delivery. Prices include tax.</p>
      {short ? (
        <>
          <span role="link" aria-disabled="true" aria-describedby="checkout-blocked" className={`${primaryButtonClass} mt-5 w-full`}>
            Check out
          </span>
          <p id="checkout-blocked" className="mt-2 text-sm font-medium text-amber-900">
            Some books don’t have enough copies in stock. Lower their quantity or remove them to check out.
          </p>
        </>
      ) : (
        <Link href="/checkout" className={`${primaryButtonClass} mt-5 w-full`}>
          Check out
        </Link>
      )}
      <p className="mt-4 text-center text-sm">
        <Link href="/" className={textLinkClass}>
          Continue shopping
        </Link>
      </p>
    </section>
  );
}
