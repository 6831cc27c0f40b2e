// Started by Playwright as its webServer: a fresh seeded database, then the production server (scripts/serve.mjs).
import { closeDb, createSql, resolveDatabaseUrl } from "@/db";
import { seedDatabase } from "@/db/seed";
import { drizzle } from "drizzle-orm/postgres-js";
import { env } from "@/lib/env";
import { onShutdown, shutdownOrder } from "@/lib/shutdown";
import { createTestDatabase } from "@/test/test-database";
import { openSync, writeFileSync } from "node:fs";
import { E2E_SERVER_LOG, lastLines } from "@/e2e/support/server-log";
import { randomSecret, startEmulator } from "@/stripe-emulator/server";
import { startCarrier } from "@/carrier-simulator/server";
import { serverBin, startProcess, stopProcess } from "./lib/processes";

const port = env().PORT;
const serverUrl = await resolveDatabaseUrl();
const database = await createTestDatabase(serverUrl, "bookstore_e2e");
const sql = createSql(database.url, 2);
await seedDatabase(drizzle(sql));
await sql.end();
// The specs read this to check rows in the database the app writes to.
writeFileSync(".data/e2e-database-url", database.url);

// The payment gateway: the local Stripe emulator, sending webhooks to this app, with this run's own credentials.
const emulator = await startEmulator({
  port: port + 1,
  webhookUrl: `http://localhost:${port}/api/webhooks/stripe`,
  publicUrl: `http://localhost:${port + 1}`,
  asyncDelayMs: 2000,
  retryBaseMs: 500,
  secretKey: randomSecret("sk_test_"),
  webhookSecret: randomSecret("whsec_"),
});
writeFileSync(".data/e2e-emulator-url", emulator.url);
// The specs read the gateway's objects as the store does (a payment intent's charge, to dispute it).
writeFileSync(".data/e2e-emulator-key", emulator.secretKey, { mode: 0o600 });

// The parcel carrier: shipments are registered with it, and the specs drive its tracking callbacks (control API).
const carrier = await startCarrier({
  port: port + 2,
  callbackUrl: `http://localhost:${port}/api/webhooks/carrier`,
  secret: randomSecret("csec_"),
  apiKey: randomSecret("ck_test_"),
  retryBaseMs: 500,
});
writeFileSync(".data/e2e-carrier-url", carrier.url);

// Quiet output: the app's log lines (the specs provoke errors on purpose) go to a file, and the
// spec fixture (e2e/support/test.ts) attaches the lines written during a test only when it fails.
writeFileSync(E2E_SERVER_LOG, "");
const log = openSync(E2E_SERVER_LOG, "a");
const app = startProcess(
  "node",
  [serverBin, "-p", String(port)],
  {
    DATABASE_URL: database.url,
    NEXT_TELEMETRY_DISABLED: "1",
    // Like npm start: demo accounts (seeded above) and dev tools.
    DEMO_MODE: "true",
    DEV_TOOLS: "true",
    STRIPE_API_BASE: emulator.url,
    STRIPE_WEBHOOK_SECRET: emulator.webhookSecret,
    EMULATOR_SECRET_KEY: emulator.secretKey,
    CARRIER_API_BASE: carrier.url,
    CARRIER_API_KEY: carrier.apiKey,
    CARRIER_SECRET: carrier.secret,
    NEXTAUTH_URL: `http://localhost:${port}`,
    NEXTAUTH_SECRET: "e2e-secret-0123456789abcdef0123456789",
    METRICS_TOKEN: "e2e-metrics-token-0123456789",
    // The specs' HTTP clients play a proxy: each sends X-Forwarded-For with an address of its
    // own (e2e/support/api.ts), so per-IP limits see many clients, as behind a real proxy.
    TRUSTED_PROXY_HOPS: "1",
    // Warnings and errors only in the test output (set LOG_LEVEL to see more).
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  },
  { output: log },
);
onShutdown(shutdownOrder.server, async () => {
  await stopProcess(app);
  await emulator.stop();
  await carrier.stop();
  await database.drop().catch(() => {});
});
app.on("exit", (code) => {
  // A server that dies (at start, or under a spec) says why where Playwright shows it.
  if (code !== 0)
    process.stderr.write(`e2e server exited with ${code}; its last log lines (${E2E_SERVER_LOG}):\n${lastLines(E2E_SERVER_LOG, 40)}\n`);
  void closeDb().finally(() => process.exit(code ?? 1));
});
