import { z } from "zod";

// What a partial refund request may say (the routes' bodies). Bounds: an order
// holds at most 100 lines of at most 50 copies; amounts are whole cents below
// ten million; a reason is short text. The machine then checks the rest
// against the order (machines/line-amounts.ts partialRefundProblem).

export const MAX_REFUND_CENTS = 10_000_000;

const line = z.object({ bookId: z.number().int().positive().max(2_147_483_647), quantity: z.number().int().min(1).max(50) }).strict();
const lines = z
  .array(line)
  .max(100)
  .refine((l) => new Set(l.map((x) => x.bookId)).size === l.length, "each book at most once");
const cents = z.number().int().min(0).max(MAX_REFUND_CENTS);
const reason = z.string().trim().max(500).optional();

/** A shopper's request: lines only. */
export const shopperPartialRefundSchema = z.object({ lines: lines.min(1), reason }).strict();

/** An operator's: lines, shipping and an amount (goodwill); something to refund. */
export const adminPartialRefundSchema = z
  .object({ lines: lines.optional(), shippingCents: cents.optional(), amountCents: cents.optional(), reason })
  .strict()
  .refine(
    (b) => (b.lines?.length ?? 0) > 0 || (b.shippingCents ?? 0) > 0 || (b.amountCents ?? 0) > 0,
    "name lines, shipping or an amount to refund",
  );
