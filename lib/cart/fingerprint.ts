import { createHash } from "node:crypto";

/** The cart's lines in a few bytes: equal carts (books and quantities, in any order) have equal fingerprints. */
export function cartFingerprint(items: { bookId: number; quantity: number }[]): string {
  const canonical = [...items]
    .sort((a, b) => a.bookId - b.bookId)
    .map((i) => `${i.bookId}x${i.quantity}`)
    .join(",");
  return createHash("sha256").update(canonical).digest("hex").slice(0, 32);
}
