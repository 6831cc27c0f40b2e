// Started by Playwright as its webServer: a fresh seeded database, then `next start`.
import { closeDb, createSql, resolveDatabaseUrl } from "@/db";
import { seedDatabase } from "@/db/seed";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "@/db/schema";
import { env } from "@/lib/env";
import { onShutdown, shutdownOrder } from "@/lib/shutdown";
import { createTestDatabase } from "@/test/test-database";
import { writeFileSync } from "node:fs";
import { nextBin, startProcess, stopProcess } from "./lib/processes";

const port = env().PORT;
const serverUrl = await resolveDatabaseUrl();
const database = await createTestDatabase(serverUrl, "bookstore_e2e");
const sql = createSql(database.url, 2);
await seedDatabase(drizzle(sql, { schema }));
await sql.end();
// The specs read this to check rows in the database the app writes to.
writeFileSync(".data/e2e-database-url", database.url);

const app = startProcess("node", [nextBin, "start", "-p", String(port)], {
  DATABASE_URL: database.url,
  NEXT_TELEMETRY_DISABLED: "1",
  NEXTAUTH_URL: `http://localhost:${port}`,
  NEXTAUTH_SECRET: "e2e-secret-0123456789abcdef0123456789",
});
onShutdown(shutdownOrder.server, async () => {
  await stopProcess(app);
  await database.drop().catch(() => {});
});
app.on("exit", (code) => void closeDb().finally(() => process.exit(code ?? 1)));
