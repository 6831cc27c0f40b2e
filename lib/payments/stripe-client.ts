import Stripe from "stripe";
import { env } from "@/lib/env";

/** The emulator accepts this key; real Stripe needs STRIPE_SECRET_KEY. */
export const EMULATOR_SECRET_KEY = "sk_test_emulator_paperleaf";
export const EMULATOR_WEBHOOK_SECRET = "whsec_emulator_paperleaf";

let cached: { settings: string; client: Stripe } | undefined;

export function isEmulator(): boolean {
  return !env().STRIPE_SECRET_KEY;
}

/** The one Stripe SDK client: real Stripe when a key is set, else the local emulator. */
export function stripeClient(): Stripe {
  const e = env();
  // Made again when the settings change (a harness that starts a new emulator on another port).
  const settings = `${e.STRIPE_SECRET_KEY ?? ""}|${e.STRIPE_API_BASE}|${e.STRIPE_TIMEOUT_MS}`;
  if (cached?.settings === settings) return cached.client;
  const base = isEmulator() ? new URL(e.STRIPE_API_BASE) : undefined;
  const client = new Stripe(e.STRIPE_SECRET_KEY ?? EMULATOR_SECRET_KEY, {
    // Our own retry policy (lib/payments/resilience.ts) wraps every call.
    maxNetworkRetries: 0,
    timeout: e.STRIPE_TIMEOUT_MS,
    ...(base ? { host: base.hostname, port: Number(base.port || 80), protocol: base.protocol.replace(":", "") as "http" | "https" } : {}),
    appInfo: { name: "paperleaf-books" },
  });
  cached = { settings, client };
  return client;
}

export function webhookSecret(): string {
  return env().STRIPE_WEBHOOK_SECRET ?? EMULATOR_WEBHOOK_SECRET;
}
