import { z } from "zod";
import { hasControlCharacters } from "@/lib/ids";

/** The public Book shape (docs/API.md). */
export type BookView = {
  id: number;
  title: string;
  author: string;
  genre: string;
  description: string;
  priceCents: number;
  currency: string;
  available: number;
};

/** Extra fields the book page shows; not part of the API's Book. */
export type BookDetail = BookView & {
  isbn: string | null;
  publishedYear: number | null;
  pages: number | null;
};

/**
 * A page of the catalog. A search counts at most SEARCH_COUNT_CAP matches: beyond that `total` is the cap and
 * `totalCapped` is true ("1,000+ books"). `suggestion` is set when nothing matched q and the items are the books
 * of the closest spelling the catalog has ("Did you mean …").
 */
export type BookPage = {
  items: BookView[];
  page: number;
  pageSize: number;
  total: number;
  totalCapped: boolean;
  suggestion: string | null;
};

const intParam = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: "custom", message: `${name} must be an integer between ${min} and ${max}` });
        return z.NEVER;
      }
      return Number(v);
    })
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

/** Query of GET /api/books and of the catalog page; shared so both validate alike. */
export const bookQuerySchema = z.object({
  q: z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? "")
    .pipe(
      z
        .string()
        .max(100, "q must be at most 100 characters")
        .refine((v) => !hasControlCharacters(v), "q must not contain control characters"),
    ),
  genre: z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? "")
    .pipe(
      z
        .string()
        .max(50, "genre must be at most 50 characters")
        .refine((v) => !hasControlCharacters(v), "genre must not contain control characters"),
    ),
  page: intParam("page", 1, 100_000, 1),
  pageSize: intParam("pageSize", 1, 100, 24),
});

export type BookQuery = z.infer<typeof bookQuerySchema>;

export const bookIdSchema = z
  .string()
  .regex(/^\d{1,9}$/, "book id must be a positive integer")
  .transform(Number)
  .pipe(z.number().int().min(1));
