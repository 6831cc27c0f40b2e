"use client";

import { useId, useRef, useState, type FormEvent } from "react";
import { toast } from "@/components/toast/toast-store";

type AddToCartProps = { bookId: number; available: number; title: string };

type Status = { kind: "idle" } | { kind: "pending" } | { kind: "success"; message: string } | { kind: "error"; message: string };

const MAX_QUANTITY = 50;
const UNAVAILABLE = "Cart is not available yet";

function errorMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  const error = body.error;
  if (typeof error !== "object" || error === null || !("message" in error)) return undefined;
  return typeof error.message === "string" && error.message ? error.message : undefined;
}

async function addToCart(bookId: number, quantity: number): Promise<Status> {
  let response: Response;
  try {
    response = await fetch("/api/cart/items", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ bookId, quantity }),
    });
  } catch {
    return { kind: "error", message: UNAVAILABLE };
  }
  if (response.ok) {
    window.dispatchEvent(new Event("cart:updated"));
    return { kind: "success", message: "Added to cart" };
  }
  const body: unknown = await response.json().catch(() => undefined);
  const message = errorMessage(body);
  if (message) return { kind: "error", message };
  if (response.status === 404) return { kind: "error", message: UNAVAILABLE };
  return { kind: "error", message: "Could not add this book to your cart. Please try again." };
}

/** Our words for a quantity out of range (the browser's own, "Value must be 1.", says nothing useful). */
export function quantityMessage(max: number, available: number): string {
  if (available > 0 && available <= max)
    return available === 1 ? "Only 1 copy is left." : `Only ${available} copies are left: choose 1 to ${available}.`;
  return `Choose a quantity from 1 to ${max}.`;
}

export function AddToCart({ bookId, available, title }: AddToCartProps) {
  const id = useId();
  const [quantity, setQuantity] = useState("1");
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const button = useRef<HTMLButtonElement>(null);
  const soldOut = available <= 0;
  const max = Math.max(1, Math.min(MAX_QUANTITY, available));
  const pending = status.kind === "pending";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending || soldOut) return;
    const value = Number(quantity);
    if (!Number.isInteger(value) || value < 1 || value > max) {
      setStatus({ kind: "error", message: quantityMessage(max, available) });
      return;
    }
    setStatus({ kind: "pending" });
    const result = await addToCart(bookId, value);
    // Success is a toast (announced there); errors stay beside the button.
    setStatus(result.kind === "success" ? { kind: "idle" } : result);
    if (result.kind === "success")
      // The toast stays until dismissed (it has a link) and comes right after the button in the tab order.
      toast(`Added ${value === 1 ? "" : `${value} × `}“${title}” to your cart.`, {
        link: { href: "/cart", label: "View cart" },
        origin: button.current,
      });
  }

  return (
    // noValidate: our message, beside the button, instead of the browser's bubble.
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-quantity`} className="text-sm font-semibold text-ink">
            Quantity
          </label>
          <input
            id={`${id}-quantity`}
            name="quantity"
            type="number"
            inputMode="numeric"
            min={1}
            max={max}
            step={1}
            required
            disabled={soldOut}
            aria-invalid={status.kind === "error" || undefined}
            aria-describedby={`${id}-status`}
            value={quantity}
            onChange={(event) => setQuantity(event.target.value)}
            className="w-24 rounded-md border border-field bg-white px-3 py-2 text-ink tabular-nums disabled:cursor-not-allowed disabled:bg-stone-100 disabled:text-stone-600"
          />
        </div>
        <button
          ref={button}
          type="submit"
          // While adding, aria-disabled rather than disabled: a disabled button drops keyboard focus to the page.
          disabled={soldOut}
          aria-disabled={pending || undefined}
          className="min-w-36 rounded-md bg-accent px-5 py-2.5 font-semibold text-white shadow-sm hover:bg-accent-strong aria-disabled:cursor-progress disabled:cursor-not-allowed disabled:bg-stone-300 disabled:text-stone-700 disabled:shadow-none"
        >
          {soldOut ? "Out of stock" : pending ? "Adding…" : "Add to cart"}
        </button>
      </div>
      <p
        id={`${id}-status`}
        role="status"
        aria-live="polite"
        className={`min-h-6 text-sm font-medium ${status.kind === "error" ? "text-red-800" : "text-emerald-800"}`}
      >
        {status.kind === "success" || status.kind === "error" ? status.message : ""}
      </p>
    </form>
  );
}
