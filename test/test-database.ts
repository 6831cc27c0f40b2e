import postgres from "postgres";
import { migrateDatabase } from "@/db/migrate";

/** Replaces the database name in a connection URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A fresh, migrated database on the server of `serverUrl`, so every test run
 * starts clean and runs never see each other's rows.
 */
export async function createTestDatabase(serverUrl: string, prefix: string) {
  const name = `${prefix}_${Date.now()}_${process.pid}`.toLowerCase();
  const admin = postgres(withDatabase(serverUrl, "postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  await migrateDatabase(url);
  const drop = async () => {
    const sql = postgres(withDatabase(serverUrl, "postgres"), { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`drop database if exists ${name} with (force)`);
    } finally {
      await sql.end();
    }
  };
  return { name, url, drop };
}
