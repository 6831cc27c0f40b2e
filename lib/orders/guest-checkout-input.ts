import { z } from "zod";

/** Body of POST /api/checkout for a guest (no account): the address their order, its link and its e-mails go to. */
export const guestCheckoutSchema = z.object({
  email: z
    .email("Enter an e-mail address like name@example.com")
    .max(254, "An e-mail address has at most 254 characters")
    .transform((email) => email.toLowerCase()),
});
export type GuestCheckoutInput = z.infer<typeof guestCheckoutSchema>;
