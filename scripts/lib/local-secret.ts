import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

/**
 * For the local `npm start` (and `npm run stripe:emulator`) only: a random
 * secret kept in .data/<name> across runs, so each installation has its own
 * and none is written in the repository.
 */
export function ensureLocalSecret(name = "nextauth-secret", prefix = ""): string {
  const file = `.data/${name}`;
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(".data", { recursive: true });
  const secret = `${prefix}${randomBytes(32).toString(prefix ? "hex" : "base64url")}`;
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** This installation's Stripe emulator credentials: its API key and its webhook signing secret. */
export function localEmulatorSecrets(): { secretKey: string; webhookSecret: string } {
  return {
    secretKey: ensureLocalSecret("emulator-secret-key", "sk_test_"),
    webhookSecret: ensureLocalSecret("emulator-webhook-secret", "whsec_"),
  };
}
