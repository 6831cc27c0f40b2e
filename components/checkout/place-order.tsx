"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { apiRequest, isRecord } from "@/components/api-client";
import { setLineQuantity } from "@/components/cart/cart-api";
import { FormField } from "@/components/form-field";
import { Price } from "@/components/price";
import { panelClass, primaryButtonClass, secondaryButtonClass, textLinkClass } from "@/components/ui-classes";
import type { CartView } from "@/lib/cart/types";
import type { ShippingOption } from "@/machines/order-types";
import { newIdempotencyKey } from "./idempotency-key";
import { OpenOrderNote } from "./open-order-note";
import { ReviewLine } from "./review-line";
import { parseShortages, type Shortage } from "./shortages";

/** guest: nobody is signed in; the order is placed for the e-mail address typed here. */
type PlaceOrderProps = { cart: CartView; shipping: ShippingOption[]; freeShippingFromCents: number; guest?: boolean };

type Status =
  | { kind: "idle" }
  | { kind: "pending" }
  | { kind: "paying" }
  | { kind: "info"; message: string }
  | { kind: "error"; message: string; link?: { href: string; label: string } };

/**
 * Review of the cart plus "Place order and pay": places the order, then opens
 * the payment page in the same action. One Idempotency-Key per mount, so
 * retries never double-order.
 */
export function PlaceOrder({ cart, shipping, freeShippingFromCents, guest = false }: PlaceOrderProps) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [emailError, setEmailError] = useState<string | undefined>();
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [shortages, setShortages] = useState<Record<number, Shortage>>({});
  const [fixing, setFixing] = useState<number | null>(null);
  const key = useRef<string | null>(null);
  const busy = useRef(false);
  const pending = status.kind === "pending" || status.kind === "paying";

  /** partial: the shopper agreed to order what is on the shelf; the rest stays in the cart. */
  async function placeOrder(partial = false) {
    if (busy.current) return;
    if (guest && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setEmailError("Enter the e-mail address we should send your order to, like name@example.com.");
      return;
    }
    setEmailError(undefined);
    busy.current = true;
    key.current ??= newIdempotencyKey();
    setStatus({ kind: "pending" });
    const result = await apiRequest("/api/checkout", {
      method: "POST",
      headers: { "Idempotency-Key": key.current },
      ...(guest ? { body: { email: email.trim(), ...(partial ? { partial } : {}) } } : partial ? { body: { partial } } : {}),
    });
    if (result.ok && isRecord(result.data) && typeof result.data.id === "string") {
      // One step: the order is placed, now straight to the payment page. If the
      // payment cannot start, the order page is where the shopper pays, cancels or follows it.
      const orderId = result.data.id;
      setStatus({ kind: "paying" });
      const payment = await apiRequest(`/api/orders/${orderId}/payments`, { method: "POST" });
      if (payment.ok && isRecord(payment.data) && typeof payment.data.checkoutUrl === "string") {
        window.location.assign(payment.data.checkoutUrl);
      } else {
        router.push(`/orders/${orderId}`);
      }
      return; // stays busy until the next page shows
    }
    busy.current = false;
    if (result.ok) {
      setStatus({
        kind: "error",
        message: "Your order was placed, but we couldn’t open it.",
        link: { href: "/orders", label: "See your orders" },
      });
    } else if (result.code === "out_of_stock") {
      setShortages(parseShortages(result.details));
      setStatus({
        kind: "error",
        message:
          "Some books no longer have enough copies. Change the quantities below, or place the order without the missing copies: they stay in your cart.",
      });
    } else if (result.code === "duplicate_checkout") {
      const orderId = isRecord(result.details) && typeof result.details.orderId === "string" ? result.details.orderId : "";
      setStatus({
        kind: "error",
        message: result.message,
        link: { href: orderId ? `/orders/${orderId}` : "/orders", label: "View your order" },
      });
    } else if (result.code === "too_many_unpaid_orders" || result.code === "too_many_reserved_copies") {
      setStatus({ kind: "error", message: result.message, ...(guest ? {} : { link: { href: "/orders", label: "See your orders" } }) });
    } else if (result.code === "invalid_request" && guest) {
      setEmailError(result.message);
      setStatus({ kind: "idle" });
    } else if (result.code === "unauthenticated") {
      setStatus({ kind: "error", message: result.message, link: { href: "/signin?callbackUrl=%2Fcheckout", label: "Sign in" } });
    } else {
      setStatus({ kind: "error", message: result.message });
      if (result.code === "empty_cart") router.refresh();
    }
  }

  async function fix(shortage: Shortage, title: string) {
    if (fixing !== null) return;
    setFixing(shortage.bookId);
    const result = await setLineQuantity(shortage.bookId, shortage.available);
    setFixing(null);
    if (!result.ok) {
      setStatus({ kind: "error", message: result.message });
      return;
    }
    setShortages(({ [shortage.bookId]: _fixed, ...rest }) => rest);
    setStatus({
      kind: "info",
      message: shortage.available === 0 ? `Removed “${title}” from your order.` : `Changed “${title}” to ${shortage.available}.`,
    });
    router.refresh();
  }

  const shortageFor = (bookId: number, quantity: number, available: number): Shortage | undefined =>
    shortages[bookId] ?? (quantity > available ? { bookId, requested: quantity, available } : undefined);
  const inCart = new Set(cart.items.map((line) => line.bookId));
  // After a refused checkout: an order of what is on the shelf, if anything is (the server checks again under its locks).
  const canOrderPart =
    Object.keys(shortages).length > 0 &&
    cart.items.some(
      (line) => Math.min(line.quantity, shortageFor(line.bookId, line.quantity, line.available)?.available ?? line.quantity) > 0,
    );

  return (
    <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem] lg:gap-8">
      <section aria-labelledby="review-heading" className={panelClass}>
        <h2 id="review-heading" className="text-xl font-semibold">
          Review your order
        </h2>
        <ul className="mt-2 divide-y divide-line">
          {cart.items.map((line) => (
            <ReviewLine
              key={line.bookId}
              line={line}
              currency={cart.currency}
              shortage={shortageFor(line.bookId, line.quantity, line.available)}
              fixing={fixing === line.bookId}
              onFix={fix}
              inCart={inCart}
            />
          ))}
        </ul>
        <p className="mt-2 flex justify-between border-t border-line pt-4 text-lg">
          <span className="font-semibold">Books</span>
          <Price cents={cart.totalCents} currency={cart.currency} className="font-bold text-ink tabular-nums" />
        </p>
        <h3 className="mt-4 text-sm font-semibold">Shipping, chosen on the payment page</h3>
        <ul className="mt-1 space-y-1 text-sm text-ink-soft" data-testid="shipping-offer">
          {shipping.map((option) => (
            <li key={option.method} className="flex justify-between gap-3">
              <span>
                {option.method === "express" ? "Express" : "Standard"} ({option.minDays}–{option.maxDays} business days)
              </span>
              {option.amountCents === 0 ? (
                <span className="font-medium text-emerald-800">Free</span>
              ) : (
                <Price cents={option.amountCents} currency={cart.currency} className="tabular-nums" />
              )}
            </li>
          ))}
        </ul>
        {freeShippingFromCents > 0 && cart.totalCents < freeShippingFromCents ? (
          <p className="mt-1 text-xs text-ink-soft">
            Standard shipping is free on books from <Price cents={freeShippingFromCents} currency={cart.currency} />.
          </p>
        ) : null}
        <p className="mt-4 text-sm">
          <Link href="/cart" className={textLinkClass}>
            Edit your cart
          </Link>
        </p>
      </section>

      <section aria-labelledby="place-heading" className={`${panelClass} lg:sticky lg:top-6`}>
        <h2 id="place-heading" className="text-xl font-semibold">
          Place your order
        </h2>
        {guest ? (
          <div className="mt-3" data-testid="guest-checkout">
            <FormField
              id="guest-email"
              name="email"
              label="Your e-mail address"
              type="email"
              autoComplete="email"
              value={email}
              onChange={setEmail}
              error={emailError}
              hint="No account needed: we send the order and a link to follow it here."
            />
            <p className="mt-2 text-xs text-ink-soft">
              Have an account?{" "}
              <Link href="/signin?callbackUrl=%2Fcheckout" className={textLinkClass}>
                Sign in
              </Link>
            </p>
          </div>
        ) : null}
        <p className="mt-2 text-sm text-ink-soft">
          We reserve these books for you and take you to the secure payment page, where you enter the delivery address, choose standard or
          express shipping and may add a promotion code; tax is worked out there. If you don’t pay in time the order is cancelled and the
          books go back on the shelves. Your order page lets you pay again, cancel or follow it.
        </p>
        {cart.openOrder ? <OpenOrderNote order={cart.openOrder} guest={guest} /> : null}
        <button type="button" onClick={() => void placeOrder()} disabled={pending} className={`${primaryButtonClass} mt-5 w-full`}>
          {status.kind === "paying"
            ? "Opening the payment page…"
            : pending
              ? "Placing order…"
              : cart.openOrder?.sameLines
                ? "Pay for your order"
                : "Place order and pay"}
        </button>
        {canOrderPart ? (
          <button
            type="button"
            onClick={() => void placeOrder(true)}
            disabled={pending}
            className={`${secondaryButtonClass} mt-3 w-full`}
            data-testid="place-partial-order"
          >
            Place the order without the missing copies
          </button>
        ) : null}
        <div
          role="status"
          aria-live="polite"
          className={`mt-3 min-h-6 text-sm font-medium ${status.kind === "error" ? "text-red-800" : "text-emerald-800"}`}
        >
          {status.kind === "error" || status.kind === "info" ? (
            <p>
              {status.message}{" "}
              {status.kind === "error" && status.link ? (
                <Link href={status.link.href} className={textLinkClass}>
                  {status.link.label}
                </Link>
              ) : null}
            </p>
          ) : null}
        </div>
      </section>
    </div>
  );
}
