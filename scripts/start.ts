// npm start – the one-command local store in demo mode: database, migrations, demo seed, build, emulator, app.
import { env, loadEnv } from "@/lib/env";

try {
  env();
} catch (error) {
  console.error(`npm start: refusing to start: ${(error as Error).message}`);
  process.exit(1);
}
const port = env().PORT;
// Demo mode listens on loopback only unless HOST says otherwise.
const host = env().HOST ?? "127.0.0.1";
const loopback = ["127.0.0.1", "localhost", "::1"].includes(host);
console.log(
  `Paperleaf Books in DEMO MODE (npm start): demo accounts with published passwords, dev tools and the Stripe emulator, on ${host}:${port}. Not for production: see README "Deploy".`,
);

const { closeDb, resolveDatabaseUrl, createSql } = await import("@/db");
const { migrateDatabase } = await import("@/db/migrate");
const { demoAccounts, isCatalogEmpty, seedDatabase } = await import("@/db/seed");
const { drizzle } = await import("drizzle-orm/postgres-js");
const { checkSettings } = await import("@/lib/startup-check");
const { isShuttingDown, onShutdown, shutdownOrder } = await import("@/lib/shutdown");
const { startEmulator } = await import("@/stripe-emulator/server");
const { startCarrier } = await import("@/carrier-simulator/server");
const { ensureLocalSecret } = await import("./lib/local-secret");
const { demoGatewaySecrets } = await import("./lib/demo-gateway");
const { buildIsStale, nextBin, runCommand, serverBin, startProcess, stopProcess, waitForHttp } = await import("./lib/processes");

const isDev = process.argv.includes("--dev");

/** One line on stderr and exit 1: settings that cannot work are refused before anything starts. */
function refuse(reason: string): never {
  console.error(`npm start: refusing to start: ${reason}`);
  process.exit(1);
}

// No Stripe key: the local emulator is the gateway, and the app gets the very secrets it signs and accepts with.
const useEmulator = !env().STRIPE_SECRET_KEY;
let gateway: { secretKey: string; webhookSecret: string } | undefined;
try {
  gateway = useEmulator ? demoGatewaySecrets(env()) : undefined;
} catch (error) {
  refuse((error as Error).message);
}

const appEnv: Record<string, string> = {
  PORT: String(port),
  HOST: host,
  NEXT_TELEMETRY_DISABLED: "1",
  DEMO_MODE: "true",
  DEV_TOOLS: "true",
  NEXTAUTH_URL: env().NEXTAUTH_URL ?? `http://localhost:${port}`,
  NEXTAUTH_SECRET: env().NEXTAUTH_SECRET ?? ensureLocalSecret(),
  METRICS_TOKEN: env().METRICS_TOKEN ?? ensureLocalSecret("metrics-token"),
  // Readable logs on a developer's terminal; set LOG_FORMAT=json for JSON lines.
  LOG_FORMAT: env().LOG_FORMAT ?? "pretty",
  ...(gateway ? { STRIPE_WEBHOOK_SECRET: gateway.webhookSecret, EMULATOR_SECRET_KEY: gateway.secretKey } : {}),
};
// No carrier key: the local carrier simulator ships the orders, with this installation's own key and callback secret.
const useCarrier = !env().CARRIER_API_KEY;
if (useCarrier) {
  appEnv.CARRIER_API_KEY = ensureLocalSecret("carrier-api-key", "ck_test_");
  appEnv.CARRIER_SECRET = env().CARRIER_SECRET ?? ensureLocalSecret("carrier-secret", "csec_");
}
// The app's own start check, before migrations and a build: e.g. STRIPE_SECRET_KEY without STRIPE_WEBHOOK_SECRET.
const early = checkSettings(loadEnv({ ...process.env, ...appEnv, NODE_ENV: "production" }));
if (early.refusal) refuse(early.refusal);
if (!loopback)
  console.warn(`warning: HOST=${host}: anyone who can reach this port can sign in with the demo accounts' published passwords.`);

let url: string;
try {
  url = await resolveDatabaseUrl();
} catch (error) {
  // E.g. as root in a directory the embedded server's postgres user cannot reach (db/embedded-access.ts).
  refuse((error as Error).message);
}
console.log(env().DATABASE_URL ? "database: DATABASE_URL" : `database: embedded PostgreSQL in ${env().EMBEDDED_PG_DIR}`);
await migrateDatabase(url);
const sql = createSql(url, 2);
const db = drizzle(sql);
if (await isCatalogEmpty(db)) {
  const seeded = await seedDatabase(db);
  console.log(`seeded ${seeded.booksTotal} books and the demo accounts`);
}
await sql.end();

if (!isDev && buildIsStale()) {
  console.log("building the app (first run or sources changed)…");
  const code = await runCommand("node", [nextBin, "build"], { NEXT_TELEMETRY_DISABLED: "1" });
  if (code !== 0) {
    console.error("next build failed");
    await closeDb();
    process.exit(code);
  }
}

const emulator = gateway
  ? await startEmulator({
      port: Number(new URL(env().STRIPE_API_BASE).port || 12111),
      webhookUrl: `http://localhost:${port}/api/webhooks/stripe`,
      secretKey: gateway.secretKey,
      webhookSecret: gateway.webhookSecret,
    })
  : undefined;
if (emulator) onShutdown(shutdownOrder.server + 1, () => emulator.stop());
// Parcels move by themselves, a minute per step (in transit, out for delivery, delivered).
const carrier = useCarrier
  ? await startCarrier({
      port: Number(new URL(env().CARRIER_API_BASE).port || 12112),
      callbackUrl: `http://localhost:${port}/api/webhooks/carrier`,
      secret: appEnv.CARRIER_SECRET,
      apiKey: appEnv.CARRIER_API_KEY,
      schedule: { in_transit: 60_000, out_for_delivery: 60_000, delivered: 60_000 },
    })
  : undefined;
if (carrier) onShutdown(shutdownOrder.server + 1, () => carrier.stop());

const app = startProcess("node", isDev ? [nextBin, "dev", "-p", String(port), "-H", host] : [serverBin, "-p", String(port), "-H", host], {
  ...appEnv,
  DATABASE_URL: url,
});
onShutdown(shutdownOrder.server, () => stopProcess(app));
app.on("exit", (code) => {
  if (isShuttingDown()) return;
  console.error(`the app exited (${code ?? "signal"})`);
  void closeDb().finally(() => process.exit(code ?? 1));
});

const reachable = ["0.0.0.0", "::"].includes(host) ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
await waitForHttp(`http://${reachable}:${port}/api/books?pageSize=1`, 120_000);
console.log(`\nPaperleaf Books is running at http://localhost:${port} (demo mode)\n`);
console.log("Demo accounts:");
for (const account of demoAccounts) console.log(`  ${account.role.padEnd(8)} ${account.email} / ${account.password}`);
console.log(
  emulator
    ? `\nPayments: local Stripe emulator, dashboard at ${emulator.publicUrl}/ (card 4242 4242 4242 4242 pays)`
    : "\nPayments: Stripe (STRIPE_SECRET_KEY)",
);
if (carrier) console.log(`Shipping: local carrier simulator at ${carrier.url} (parcels move a step a minute; /_carrier/* drives them)`);
console.log(
  `Operations: http://localhost:${port}/admin (admin; also the e-mail outbox at /dev/mailbox), health at /api/health, metrics at /api/metrics with "Authorization: Bearer ${appEnv.METRICS_TOKEN}"`,
);
console.log("\nPress Ctrl-C to stop everything.");
