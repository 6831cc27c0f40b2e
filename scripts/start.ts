// npm start – everything a newcomer needs: database, migrations, seed, build, app.
import { closeDb, resolveDatabaseUrl, createSql } from "@/db";
import { migrateDatabase } from "@/db/migrate";
import { demoAccounts, isCatalogEmpty, seedDatabase } from "@/db/seed";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "@/db/schema";
import { env } from "@/lib/env";
import { isShuttingDown, onShutdown, shutdownOrder } from "@/lib/shutdown";
import { ensureLocalSecret } from "./lib/local-secret";
import { startEmulator } from "@/stripe-emulator/server";
import { buildIsStale, nextBin, runCommand, serverBin, startProcess, stopProcess, waitForHttp } from "./lib/processes";

const isDev = process.argv.includes("--dev");
const port = env().PORT;
const url = await resolveDatabaseUrl();
console.log(env().DATABASE_URL ? "database: DATABASE_URL" : `database: embedded PostgreSQL in ${env().EMBEDDED_PG_DIR}`);

await migrateDatabase(url);
const sql = createSql(url, 2);
const db = drizzle(sql, { schema });
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

// No Stripe key: the local emulator is the payment gateway, beside the app.
const emulator = env().STRIPE_SECRET_KEY
  ? undefined
  : await startEmulator({
      port: Number(new URL(env().STRIPE_API_BASE).port || 12111),
      webhookUrl: `http://localhost:${port}/api/webhooks/stripe`,
    });
if (emulator) onShutdown(shutdownOrder.server + 1, () => emulator.stop());

const appEnv: Record<string, string> = {
  DATABASE_URL: url,
  PORT: String(port),
  NEXT_TELEMETRY_DISABLED: "1",
  DEV_TOOLS: "true",
  NEXTAUTH_URL: env().NEXTAUTH_URL ?? `http://localhost:${port}`,
  NEXTAUTH_SECRET: env().NEXTAUTH_SECRET ?? ensureLocalSecret(),
  METRICS_TOKEN: env().METRICS_TOKEN ?? ensureLocalSecret("metrics-token"),
  // Readable logs on a developer's terminal; set LOG_FORMAT=json for JSON lines.
  LOG_FORMAT: env().LOG_FORMAT ?? "pretty",
};
const app = startProcess("node", isDev ? [nextBin, "dev", "-p", String(port)] : [serverBin, "-p", String(port)], appEnv);
onShutdown(shutdownOrder.server, () => stopProcess(app));
app.on("exit", (code) => {
  if (isShuttingDown()) return;
  console.error(`the app exited (${code ?? "signal"})`);
  void closeDb().finally(() => process.exit(code ?? 1));
});

await waitForHttp(`http://localhost:${port}/api/books?pageSize=1`, 120_000);
console.log(`\nPaperleaf Books is running at http://localhost:${port}\n`);
console.log("Demo accounts:");
for (const account of demoAccounts) console.log(`  ${account.role.padEnd(8)} ${account.email} / ${account.password}`);
console.log(emulator ? `\nPayments: local Stripe emulator, dashboard at ${emulator.publicUrl}/ (card 4242 4242 4242 4242 pays)` : "\nPayments: Stripe (STRIPE_SECRET_KEY)");
console.log(`Operations: http://localhost:${port}/admin (admin), health at /api/health, metrics at /api/metrics with "Authorization: Bearer ${appEnv.METRICS_TOKEN}"`);
console.log("\nPress Ctrl-C to stop everything.");
