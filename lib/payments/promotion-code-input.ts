import { z } from "@/lib/browser-zod";

// What an operator may ask for when creating a promotion code; shared by
// POST /api/admin/promotion-codes and the console's form (caught before the round trip).

export const PROMOTION_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{2,31}$/;

export const promotionCodeInputSchema = z
  .object({
    // Letters, digits and dashes, 3 to 32 of them; stored upper-case (shoppers type it any way: the gateway ignores case).
    code: z
      .string()
      .trim()
      .toUpperCase()
      .regex(PROMOTION_CODE_PATTERN, "Use 3 to 32 letters, digits or dashes, starting with a letter or digit."),
    kind: z.enum(["percent", "amount"]),
    percentOff: z.number().int().min(1).max(100).optional(),
    amountOffCents: z.number().int().min(1).max(1_000_000).optional(),
    /** Last day the code works (YYYY-MM-DD, through the end of that day UTC). */
    expiresOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2027-01-31.")
      .optional(),
    maxRedemptions: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.kind === "percent" && input.percentOff === undefined)
      ctx.addIssue({ code: "custom", path: ["percentOff"], message: "Enter the percentage off (1 to 100)." });
    if (input.kind === "amount" && input.amountOffCents === undefined)
      ctx.addIssue({ code: "custom", path: ["amountOffCents"], message: "Enter the amount off." });
    if (input.kind === "percent" && input.amountOffCents !== undefined)
      ctx.addIssue({ code: "custom", path: ["amountOffCents"], message: "A percentage code has no amount off." });
    if (input.kind === "amount" && input.percentOff !== undefined)
      ctx.addIssue({ code: "custom", path: ["percentOff"], message: "An amount code has no percentage off." });
    if (input.expiresOn !== undefined) {
      const end = Date.parse(`${input.expiresOn}T23:59:59Z`);
      if (Number.isNaN(end)) ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "That is not a date." });
      else if (end <= Date.now()) ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "The last day must be today or later." });
      else if (end > Date.now() + 5 * 365 * 86_400_000)
        ctx.addIssue({ code: "custom", path: ["expiresOn"], message: "At most five years ahead." });
    }
  });

export type PromotionCodeInput = z.infer<typeof promotionCodeInputSchema>;

/** A gateway promotion code id (what the deactivate route takes). */
export const promotionCodeIdSchema = z.string().regex(/^promo_[A-Za-z0-9]{1,64}$/);
