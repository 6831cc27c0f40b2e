import { z } from "@/lib/browser-zod";

/** What an operator may do to a book's stock; shared by POST /api/admin/books/:id/stock and the stock page's form. */
export const stockChangeSchema = z.object({
  action: z.enum(["receive", "write_off"]),
  copies: z.number().int().min(1).max(100_000),
});

export type StockChange = z.infer<typeof stockChangeSchema>;
