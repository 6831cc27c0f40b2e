import { z } from "zod";

// The bounds of return requests and decisions (routes and forms share them).

const line = z.object({ bookId: z.number().int().positive().max(2_147_483_647), quantity: z.number().int().min(1).max(50) }).strict();

export const returnRequestSchema = z
  .object({
    lines: z.array(line).min(1).max(50),
    reason: z.string().trim().min(3, "Please tell us why (at least 3 characters)").max(500),
  })
  .strict();

export const receiveReturnSchema = z
  .object({ restock: z.array(line.extend({ quantity: z.number().int().min(0).max(50) })).max(50) })
  .strict();

export const rejectReturnSchema = z.object({ note: z.string().trim().min(3).max(500) }).strict();
