import { z } from "zod";

// The emulator's only reader of process.env: everything else receives an
// EmulatorConfig, so tests can start it in-process with plain options.

export type ChaosSettings = {
  duplicateRate: number;
  dropRate: number;
  minDelayMs: number;
  maxDelayMs: number;
  shuffle: boolean;
};

export const noChaos: ChaosSettings = { duplicateRate: 0, dropRate: 0, minDelayMs: 0, maxDelayMs: 0, shuffle: false };

const rate = z.number().min(0).max(1);
const delay = z.number().int().min(0).max(600_000);

export const chaosSchema = z
  .strictObject({
    duplicateRate: rate.default(0),
    dropRate: rate.default(0),
    minDelayMs: delay.default(0),
    maxDelayMs: delay.default(0),
    shuffle: z.boolean().default(false),
  })
  .refine((c) => c.maxDelayMs >= c.minDelayMs, { message: "maxDelayMs must be >= minDelayMs", path: ["maxDelayMs"] });

const chaosJson = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "EMULATOR_CHAOS is not valid JSON" });
      return z.NEVER;
    }
  })
  .pipe(chaosSchema);

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const envSchema = z.object({
  EMULATOR_HOST: z.string().min(1).default("127.0.0.1"),
  EMULATOR_PORT: int(0, 65_535).default(12_111),
  EMULATOR_PUBLIC_URL: z.url().optional(),
  // No defaults: a constant in the repository would be a secret everybody knows.
  // Unset, startEmulator makes random ones (npm start keeps them per install in .data/).
  EMULATOR_SECRET_KEY: z.string().min(1).optional(),
  // An empty string is meaningful here (webhooks off), so it is not "unset".
  EMULATOR_WEBHOOK_URL: z.union([z.literal(""), z.url()]).default("http://localhost:3000/api/webhooks/stripe"),
  EMULATOR_WEBHOOK_SECRET: z.string().min(1).optional(),
  EMULATOR_ASYNC_DELAY_MS: int(0, 3_600_000).default(3_000),
  EMULATOR_CHAOS: chaosJson.optional(),
  EMULATOR_RETRY_BASE_MS: int(1, 3_600_000).default(1_000),
  EMULATOR_MAX_ATTEMPTS: int(1, 100).default(8),
  // The control API (/_emulator/*) and the dashboard's buttons; "off" removes them.
  EMULATOR_CONTROL: z.enum(["on", "off"], { message: 'EMULATOR_CONTROL must be "on" or "off"' }).default("on"),
});

export type EmulatorConfig = {
  host: string;
  port: number;
  /** Origin used in session.url; undefined = http://localhost:<bound port>. */
  publicUrl: string | undefined;
  /** The only API key accepted; undefined = a random one per start. */
  secretKey: string | undefined;
  /** "" = webhooks off. */
  webhookUrl: string;
  /** Signs webhooks; undefined = a random one per start. */
  webhookSecret: string | undefined;
  asyncDelayMs: number;
  chaos: ChaosSettings;
  retryBaseMs: number;
  maxAttempts: number;
  /** The control API (/_emulator/*) exists; false removes it (EMULATOR_CONTROL=off). */
  control: boolean;
};

export function loadEmulatorConfig(source: Record<string, string | undefined> = process.env): EmulatorConfig {
  // Unset and empty mean the same, except for the webhook URL where "" turns webhooks off.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(
      ([key, value]) => key.startsWith("EMULATOR_") && value !== undefined && (value !== "" || key === "EMULATOR_WEBHOOK_URL"),
    ),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid stripe-emulator configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    host: e.EMULATOR_HOST,
    port: e.EMULATOR_PORT,
    publicUrl: e.EMULATOR_PUBLIC_URL?.replace(/\/+$/, ""),
    secretKey: e.EMULATOR_SECRET_KEY,
    webhookUrl: e.EMULATOR_WEBHOOK_URL,
    webhookSecret: e.EMULATOR_WEBHOOK_SECRET,
    asyncDelayMs: e.EMULATOR_ASYNC_DELAY_MS,
    chaos: e.EMULATOR_CHAOS ?? noChaos,
    retryBaseMs: e.EMULATOR_RETRY_BASE_MS,
    maxAttempts: e.EMULATOR_MAX_ATTEMPTS,
    control: e.EMULATOR_CONTROL === "on",
  };
}
