import { closeDb, resolveDatabaseUrl } from "@/db";
import { createTestDatabase } from "./test-database";

// Vitest global setup: one fresh database for the whole run on the server in
// DATABASE_URL, or on the embedded server when it is unset. Test workers
// inherit DATABASE_URL from here.
export default async function setup() {
  const serverUrl = await resolveDatabaseUrl();
  const database = await createTestDatabase(serverUrl, "bookstore_test");
  process.env.DATABASE_URL = database.url;
  process.env.WORKER_ENABLED = "false";
  console.log(`test database: ${database.name} on ${new URL(serverUrl).host}`);
  return async () => {
    if (process.env.KEEP_TEST_DB !== "1") await database.drop();
    await closeDb();
  };
}
