import Stripe from "stripe";
import { env, type Env } from "@/lib/env";

let cached: { settings: string; client: Stripe } | undefined;

export function isEmulator(): boolean {
  return !env().STRIPE_SECRET_KEY;
}

/** The one Stripe SDK client: real Stripe when a key is set, else the local emulator. */
export function stripeClient(): Stripe {
  const e = env();
  // Made again when the settings change (a harness that starts a new emulator on another port).
  const settings = `${e.STRIPE_SECRET_KEY ?? ""}|${e.EMULATOR_SECRET_KEY ?? ""}|${e.STRIPE_API_BASE}|${e.STRIPE_TIMEOUT_MS}`;
  if (cached?.settings === settings) return cached.client;
  const base = isEmulator() ? new URL(e.STRIPE_API_BASE) : undefined;
  const client = new Stripe(apiKey(), {
    // Our own retry policy (lib/payments/resilience.ts) wraps every call.
    maxNetworkRetries: 0,
    timeout: e.STRIPE_TIMEOUT_MS,
    ...(base ? { host: base.hostname, port: Number(base.port || 80), protocol: base.protocol.replace(":", "") as "http" | "https" } : {}),
    appInfo: { name: "paperleaf-books" },
  });
  cached = { settings, client };
  return client;
}

/** Tests that change the Stripe settings in-process start a new client. */
export function resetStripeClient(): void {
  cached = undefined;
}

const MISSING_EMULATOR_KEY =
  "EMULATOR_SECRET_KEY is not set: with no STRIPE_SECRET_KEY the app needs the Stripe emulator's API key (npm start hands it over)";
const MISSING_WEBHOOK_SECRET = {
  emulator: "STRIPE_WEBHOOK_SECRET is not set: the app needs the secret the Stripe emulator signs webhooks with (npm start hands it over)",
  stripe:
    "STRIPE_WEBHOOK_SECRET is not set: with STRIPE_SECRET_KEY, set it to the endpoint's signing secret (whsec_…, e.g. printed by `stripe listen`)",
};

function apiKey(): string {
  const e = env();
  const key = e.STRIPE_SECRET_KEY ?? e.EMULATOR_SECRET_KEY;
  if (!key) throw new Error(MISSING_EMULATOR_KEY);
  return key;
}

/**
 * The secret every webhook must be signed with. There is no fallback: the
 * emulator's secret is this installation's own (npm start passes the same one
 * to both), and with real Stripe it is the endpoint's `whsec_…`.
 */
export function webhookSecret(): string {
  const secret = env().STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new Error(MISSING_WEBHOOK_SECRET[isEmulator() ? "emulator" : "stripe"]);
  return secret;
}

/** The payment settings' first problem, or undefined: checked at start, in every mode. */
export function paymentConfigurationProblem(e: Env = env()): string | undefined {
  if (!e.STRIPE_WEBHOOK_SECRET) return MISSING_WEBHOOK_SECRET[e.STRIPE_SECRET_KEY ? "stripe" : "emulator"];
  if (!e.STRIPE_SECRET_KEY && !e.EMULATOR_SECRET_KEY) return MISSING_EMULATOR_KEY;
  return undefined;
}
