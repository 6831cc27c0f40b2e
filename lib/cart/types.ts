import { z } from "zod";
import { MAX_INT4 } from "@/lib/ids";
import { MAX_LINES_PER_CART, MAX_PER_LINE } from "./limits";

export { MAX_LINES_PER_CART, MAX_PER_LINE };

export type CartLine = {
  bookId: number;
  title: string;
  author: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
  /** Copies available to this shopper now (on the shelf, plus those their open order holds); the checkout reserves against this. */
  available: number;
};

/** Copies of one book, as the cart lists them beside its open order. */
export type BookCopies = { bookId: number; title: string; quantity: number };

/** The cart's order still waiting for payment (docs/PAYMENTS.md, "One open order per cart"). */
export type OpenOrder = {
  id: string;
  totalCents: number;
  currency: string;
  /** ISO time the reservation ends. */
  paymentDeadline: string;
  /** The order holds exactly the cart's lines: checking out goes to it. Otherwise checking out replaces it. */
  sameLines: boolean;
  /**
   * Only for a partial order of this very cart (sameLines, fewer copies than the cart): the copies it
   * holds, and those it left out, which are still in the cart and not ordered (docs/PAYMENTS.md).
   */
  partial?: { ordered: BookCopies[]; leftOut: BookCopies[] };
};

export type CartView = { items: CartLine[]; totalCents: number; currency: string; count: number; openOrder?: OpenOrder };

const quantity = (min: number) =>
  z
    .number({ error: "quantity must be a whole number" })
    .int("quantity must be a whole number")
    .min(min, `quantity must be at least ${min}`)
    .max(MAX_PER_LINE, `quantity must be at most ${MAX_PER_LINE}`);

/** Body of POST /api/cart/items; the book page's form sends the same. */
export const addItemSchema = z.object({
  bookId: z.number({ error: "bookId must be a number" }).int().positive().max(MAX_INT4, "bookId is not a book"),
  quantity: quantity(1),
});

/** Body of PATCH /api/cart/items/:bookId (0 removes the line). */
export const setQuantitySchema = z.object({ quantity: quantity(0) });

export const emptyCart: CartView = { items: [], totalCents: 0, currency: "usd", count: 0 };
