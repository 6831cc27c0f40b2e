import { z } from "@/lib/browser-zod";

// Shared by the password reset routes and their forms (lib/auth/password-reset.ts).

/** base64url of 32 random bytes. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const forgotPasswordSchema = z.object({
  email: z
    .email("Enter a valid e-mail address")
    .max(254)
    .transform((v) => v.trim().toLowerCase()),
});

export const resetPasswordSchema = z.object({
  token: z.string().regex(TOKEN_PATTERN, "This link is not complete: open it from the e-mail again"),
  password: z.string().min(8, "Use at least 8 characters").max(200, "Use at most 200 characters"),
});

export type ResetPasswordInput = z.infer<typeof resetPasswordSchema>;

/** What POST /api/password-reset answers for every address, account or not. */
export const PASSWORD_RESET_ANSWER = {
  sent: true,
  message: "If an account uses this address, we have e-mailed it a link to choose a new password.",
} as const;
