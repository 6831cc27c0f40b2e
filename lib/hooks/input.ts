import { z } from "@/lib/browser-zod";
import { ALL_EVENTS, hookEventTypes } from "./event-types";
import { MAX_HOOK_URL_LENGTH, urlShapeProblem } from "./url-shape";

/** The most endpoints the store keeps (each event is sent to every one subscribed). */
export const MAX_HOOK_ENDPOINTS = 20;

/** POST /api/admin/hooks: the URL, an optional note, the event types (or "*"). */
export const hookEndpointInputSchema = z
  .object({
    url: z
      .string()
      .trim()
      .min(1, "Enter the endpoint's URL")
      .max(MAX_HOOK_URL_LENGTH, `At most ${MAX_HOOK_URL_LENGTH} characters`)
      .superRefine((url, ctx) => {
        const problem = urlShapeProblem(url);
        if (problem) ctx.addIssue({ code: "custom", message: `The URL ${problem}` });
      }),
    description: z.string().trim().max(200, "At most 200 characters").optional(),
    eventTypes: z
      .array(z.enum([ALL_EVENTS, ...hookEventTypes]))
      .min(1, "Choose at least one event type, or all")
      .max(hookEventTypes.length + 1)
      .refine((types) => new Set(types).size === types.length, "Each event type once"),
  })
  .strict();

export type HookEndpointInput = z.infer<typeof hookEndpointInputSchema>;
