import type { TestProject } from "vitest/node";
import { closeDb, resolveDatabaseUrl } from "@/db";
import { randomSecret, startEmulator } from "@/stripe-emulator/server";
import { cloneTestDatabases, createTestDatabase } from "./test-database";
import { WORKER_SLOTS_ENV } from "./worker-slot";

// Vitest global setup. Test files run in parallel, one at a time per worker, and each worker
// (VITEST_POOL_ID 1…maxWorkers) has a database and a Stripe emulator of its own, so a file
// sees only its own worker's rows and emulator settings (an outage one file arms does not reach
// another). The databases are copies of one freshly migrated database, on the server in
// DATABASE_URL or on the embedded server when it is unset; test/setup-each.ts points each worker
// at its slot.
export default async function setup(project: TestProject) {
  const serverUrl = await resolveDatabaseUrl();
  const workers = project.config.maxWorkers || project.vitest.config.maxWorkers || 1;
  const template = await createTestDatabase(serverUrl, "bookstore_test");
  const databases = await cloneTestDatabases(serverUrl, template.name, workers);
  process.env.WORKER_ENABLED = "false";
  // Quiet test output: failures and alerts only (tests that read log lines capture them at debug).
  process.env.LOG_LEVEL ??= "warn";
  // Without a Stripe key, the gateway is the local emulator (webhooks off: tests deliver their own),
  // with this run's own credentials, which test workers inherit (test/webhooks.ts signs with them).
  if (!process.env.STRIPE_SECRET_KEY) {
    process.env.EMULATOR_SECRET_KEY = randomSecret("sk_test_");
    process.env.STRIPE_WEBHOOK_SECRET = randomSecret("whsec_");
  }
  const emulators = process.env.STRIPE_SECRET_KEY
    ? []
    : await Promise.all(
        databases.map(() =>
          startEmulator({
            port: 0,
            webhookUrl: "",
            asyncDelayMs: 300,
            secretKey: process.env.EMULATOR_SECRET_KEY,
            webhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
          }),
        ),
      );
  process.env[WORKER_SLOTS_ENV] = JSON.stringify(
    databases.map((database, i) => ({ databaseUrl: database.url, stripeApiBase: emulators[i]?.url })),
  );
  // Anything that reads DATABASE_URL before a slot is chosen gets the first worker's.
  process.env.DATABASE_URL = databases[0]!.url;
  console.log(`test database: ${template.name} on ${new URL(serverUrl).host}, one copy per worker (${workers})`);
  return async () => {
    await Promise.all(emulators.map((emulator) => emulator.stop()));
    if (process.env.KEEP_TEST_DB !== "1") {
      for (const database of [...databases, template]) await database.drop();
    }
    await closeDb();
  };
}
