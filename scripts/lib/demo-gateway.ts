import { loadEmulatorConfig } from "@/stripe-emulator/config";
import { localEmulatorSecrets } from "./local-secret";

/**
 * The Stripe emulator's credentials for `npm start`, which hands the same ones
 * to the emulator and to the app, so that they always agree: the webhook
 * secret is STRIPE_WEBHOOK_SECRET if set (a secret left from a real-Stripe
 * setup is used by both), else EMULATOR_WEBHOOK_SECRET, else this
 * installation's own in .data/. Throws a one-line reason when two settings
 * say different things.
 */
export function demoGatewaySecrets(
  settings: { STRIPE_WEBHOOK_SECRET?: string; EMULATOR_SECRET_KEY?: string },
  source: Record<string, string | undefined> = process.env,
) {
  const emulator = loadEmulatorConfig(source);
  const app = settings.STRIPE_WEBHOOK_SECRET;
  if (app && emulator.webhookSecret && app !== emulator.webhookSecret) {
    throw new Error(
      "STRIPE_WEBHOOK_SECRET and EMULATOR_WEBHOOK_SECRET differ: the emulator would sign every webhook with a secret the app rejects (unset one; npm start gives the emulator the app's)",
    );
  }
  const local = () => localEmulatorSecrets();
  return {
    webhookSecret: app ?? emulator.webhookSecret ?? local().webhookSecret,
    secretKey: settings.EMULATOR_SECRET_KEY ?? emulator.secretKey ?? local().secretKey,
  };
}
