import { afterAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { createTestDatabase, withDatabase } from "@/test/test-database";
import { take } from "./rate-limiter";

// The limits live in whichever database this process talks to now. A process
// that moves to another database (the benches start one per bench, tests may
// close and reopen) must not keep counting in the first one, nor fail once it
// is gone.
describe("rate limiter storage", () => {
  const original = process.env.DATABASE_URL!;
  afterAll(async () => {
    await closeDb();
    process.env.DATABASE_URL = original;
    resetEnvCache();
  });

  it("follows the database after closeDb and a new DATABASE_URL", async () => {
    const spec = { keyPrefix: "test_follow_db", points: 5, duration: 60 };
    expect(await take(spec, "first")).toBe(0);

    const other = await createTestDatabase(withDatabase(original, "postgres"), "bookstore_ratelimit");
    try {
      await closeDb();
      process.env.DATABASE_URL = other.url;
      resetEnvCache();
      expect(await take(spec, "second")).toBe(0);
      const { sql } = await getDb();
      const rows = await sql<{ key: string }[]>`select key from rate_limits where key like 'test_follow_db:%'`;
      expect(rows.map((r) => r.key)).toEqual(["test_follow_db:second"]);
    } finally {
      await closeDb();
      process.env.DATABASE_URL = original;
      resetEnvCache();
      await other.drop();
    }
    // Back on the first database, which never saw "second".
    const { sql } = await getDb();
    const rows = await sql<{ key: string }[]>`select key from rate_limits where key like 'test_follow_db:%' order by key`;
    expect(rows.map((r) => r.key)).toEqual(["test_follow_db:first"]);
  });
});
