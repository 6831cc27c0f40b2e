import { z } from "zod";

// The bounds of an operator's pause and hand shipment (routes and forms share them).

export const pauseSchema = z
  .object({ reason: z.string().trim().min(3, "Say why the order is paused (at least 3 characters)").max(500) })
  .strict();

/** Resume takes no input: an empty body or an empty object. */
export const resumeSchema = z.object({}).strict();

/** Ship by hand: the parcel's tracking number, if it has one (letters, digits, dashes). */
export const shipByHandSchema = z
  .object({
    trackingNumber: z
      .string()
      .trim()
      .min(4)
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, "A tracking number has letters, digits, spaces and dashes")
      .optional(),
  })
  .strict();
