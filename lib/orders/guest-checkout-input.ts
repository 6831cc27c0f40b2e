import { z } from "zod";

/**
 * `partial: true`: the shopper saw the out_of_stock answer and agreed to an
 * order of what is on the shelf (short lines cut, empty ones left out).
 */
const partial = z.boolean("partial is true or false").optional();

/** Body of POST /api/checkout for a signed-in shopper (optional: no body is a whole order). */
export const checkoutSchema = z.object({ partial });
export type CheckoutInput = z.infer<typeof checkoutSchema>;

/** Body of POST /api/checkout for a guest (no account): the address their order, its link and its e-mails go to. */
export const guestCheckoutSchema = z.object({
  email: z
    .email("Enter an e-mail address like name@example.com")
    .max(254, "An e-mail address has at most 254 characters")
    .transform((email) => email.toLowerCase()),
  partial,
});
export type GuestCheckoutInput = z.infer<typeof guestCheckoutSchema>;
