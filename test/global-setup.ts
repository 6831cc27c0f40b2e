import { closeDb, resolveDatabaseUrl } from "@/db";
import { randomSecret, startEmulator } from "@/stripe-emulator/server";
import { createTestDatabase } from "./test-database";

// Vitest global setup: one fresh database for the whole run on the server in
// DATABASE_URL, or on the embedded server when it is unset. Test workers
// inherit DATABASE_URL from here.
export default async function setup() {
  const serverUrl = await resolveDatabaseUrl();
  const database = await createTestDatabase(serverUrl, "bookstore_test");
  process.env.DATABASE_URL = database.url;
  process.env.WORKER_ENABLED = "false";
  // Quiet test output: failures and alerts only (tests that read log lines capture them at debug).
  process.env.LOG_LEVEL ??= "warn";
  // Without a Stripe key, the gateway is the local emulator (webhooks off: tests deliver their own),
  // with this run's own credentials, which test workers inherit (test/webhooks.ts signs with them).
  if (!process.env.STRIPE_SECRET_KEY) {
    process.env.EMULATOR_SECRET_KEY = randomSecret("sk_test_");
    process.env.STRIPE_WEBHOOK_SECRET = randomSecret("whsec_");
  }
  const emulator = process.env.STRIPE_SECRET_KEY
    ? undefined
    : await startEmulator({ port: 0, webhookUrl: "", asyncDelayMs: 300, secretKey: process.env.EMULATOR_SECRET_KEY, webhookSecret: process.env.STRIPE_WEBHOOK_SECRET });
  if (emulator) process.env.STRIPE_API_BASE = emulator.url;
  console.log(`test database: ${database.name} on ${new URL(serverUrl).host}`);
  return async () => {
    await emulator?.stop();
    if (process.env.KEEP_TEST_DB !== "1") await database.drop();
    await closeDb();
  };
}
