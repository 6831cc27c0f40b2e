import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { Logger, runMigrations } from "graphile-worker";
import postgres from "postgres";
import { registerJobTasks } from "@/lib/worker/jobs";
import { postgresAt } from "./connection-target";

export const migrationsFolder = path.resolve(process.cwd(), "db/migrations");

/** Applies our Drizzle migrations and graphile-worker's own schema. Safe to run repeatedly. */
export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgresAt(url, { max: 1, onnotice: () => {} });
  try {
    // Serialise concurrent migrators (two app instances starting together).
    await sql`select pg_advisory_lock(727274)`;
    await migrate(drizzle(sql), { migrationsFolder });
    await runMigrations({ connectionString: url, logger: silentLogger() });
    await registerJobTasks(sql);
  } finally {
    await sql`select pg_advisory_unlock(727274)`.catch(() => {});
    await sql.end({ timeout: 5 });
  }
}

/** Number of migration files not yet applied; readiness fails while it is above 0. */
let migrationHashes: string[] | undefined;

export async function pendingMigrationCount(sql: postgres.Sql): Promise<number> {
  if (!migrationHashes) {
    const { readMigrationFiles } = await import("drizzle-orm/migrator");
    migrationHashes = readMigrationFiles({ migrationsFolder }).map((file) => file.hash);
  }
  // No migrations table yet means nothing applied; any other error (the database is down) is not "pending".
  const applied = await sql<{ hash: string }[]>`select hash from drizzle.__drizzle_migrations`.catch((error: { code?: string }) => {
    if (error.code === "42P01" || error.code === "3F000") return [] as { hash: string }[];
    throw error;
  });
  const hashes = new Set(applied.map((row) => row.hash));
  return migrationHashes.filter((hash) => !hashes.has(hash)).length;
}

function silentLogger(): Logger {
  return new Logger(() => () => {});
}
