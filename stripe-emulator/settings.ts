import { z } from "zod";
import { chaosSchema, noChaos, type ChaosSettings, type EmulatorConfig } from "./config";

// Behaviour that tests change at run time through POST /_emulator/config.
// Starts from the process configuration; reset() returns to it.

export type RefundOutcome = "succeeded" | "pending" | "failed";
export type FailNext = { count: number; status: number | "timeout" };

export type RuntimeSettings = {
  webhookUrl: string;
  webhooksEnabled: boolean;
  chaos: ChaosSettings;
  refundOutcome: RefundOutcome;
  failNext: FailNext | null;
  latencyMs: number;
  asyncDelayMs: number;
  retryBaseMs: number;
  maxAttempts: number;
  /** Event types sent to the webhook endpoint; ["*"] = all (Stripe's enabled_events). */
  enabledEvents: string[];
};

export function initialSettings(config: EmulatorConfig): RuntimeSettings {
  return {
    webhookUrl: config.webhookUrl,
    webhooksEnabled: config.webhookUrl !== "",
    chaos: { ...config.chaos },
    refundOutcome: "succeeded",
    failNext: null,
    latencyMs: 0,
    asyncDelayMs: config.asyncDelayMs,
    retryBaseMs: config.retryBaseMs,
    maxAttempts: config.maxAttempts,
    enabledEvents: ["*"],
  };
}

const ms = z.number().int().min(0).max(3_600_000);

export const settingsUpdateSchema = z.strictObject({
  webhookUrl: z.union([z.literal(""), z.url()]).optional(),
  webhooksEnabled: z.boolean().optional(),
  chaos: chaosSchema.nullable().optional(),
  refundOutcome: z.enum(["succeeded", "pending", "failed"]).optional(),
  failNext: z
    .strictObject({
      count: z.number().int().min(0).max(10_000).default(1),
      status: z.union([z.number().int().min(400).max(599), z.literal("timeout")]).default(500),
    })
    .nullable()
    .optional(),
  latencyMs: ms.optional(),
  asyncDelayMs: ms.optional(),
  retryBaseMs: z.number().int().min(1).max(3_600_000).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  enabledEvents: z.array(z.string().min(1)).optional(),
});

export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

export function applySettings(settings: RuntimeSettings, update: SettingsUpdate): void {
  const { chaos, failNext, ...rest } = update;
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) Object.assign(settings, { [key]: value });
  }
  // Setting a URL is a request to deliver there; an empty URL turns delivery off.
  if (update.webhookUrl !== undefined && update.webhooksEnabled === undefined) settings.webhooksEnabled = update.webhookUrl !== "";
  if (chaos !== undefined) settings.chaos = chaos ?? { ...noChaos };
  if (failNext !== undefined) settings.failNext = failNext && failNext.count > 0 ? failNext : null;
}
