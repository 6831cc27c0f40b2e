import { z } from "@/lib/browser-zod";
import { hasControlCharacters } from "@/lib/ids";

/** Shared by POST /api/register and the registration form. */
export const registerSchema = z.object({
  email: z
    .email("Enter a valid e-mail address")
    .max(254)
    .transform((v) => v.trim().toLowerCase()),
  password: z.string().min(8, "Use at least 8 characters").max(200, "Use at most 200 characters"),
  name: z
    .string()
    .trim()
    .min(1, "Enter your name")
    .max(100, "Use at most 100 characters")
    .refine((v) => !hasControlCharacters(v), "Use letters, spaces and punctuation only"),
});

export type RegisterInput = z.infer<typeof registerSchema>;
