import { isRecord } from "@/components/api-client";

/** An in-stock book offered instead of a short line (out_of_stock details, docs/API.md). */
export type AlternativeBook = { bookId: number; title: string; author: string; priceCents: number; currency: string; sameAuthor: boolean };

/** A short line of a refused checkout: asked for, on the shelf, and what else there is. */
export type Shortage = { bookId: number; requested: number; available: number; alternatives?: AlternativeBook[] };

function parseAlternatives(value: unknown): AlternativeBook[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (a): a is AlternativeBook =>
      isRecord(a) &&
      typeof a.bookId === "number" &&
      typeof a.title === "string" &&
      typeof a.author === "string" &&
      typeof a.priceCents === "number" &&
      typeof a.currency === "string",
  );
}

/** The short lines of an out_of_stock answer, by book. */
export function parseShortages(details: unknown): Record<number, Shortage> {
  const out: Record<number, Shortage> = {};
  if (!Array.isArray(details)) return out;
  for (const d of details) {
    if (isRecord(d) && typeof d.bookId === "number" && typeof d.requested === "number" && typeof d.available === "number") {
      out[d.bookId] = { bookId: d.bookId, requested: d.requested, available: d.available, alternatives: parseAlternatives(d.alternatives) };
    }
  }
  return out;
}
