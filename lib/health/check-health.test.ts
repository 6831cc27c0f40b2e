import { rmSync } from "node:fs";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { afterAll, describe, expect, it } from "vitest";
import { createSql, schema } from "@/db";
import { startEmbeddedPostgres, type EmbeddedServer } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { beat } from "@/lib/worker/heartbeat";
import { checkHealth, healthResponse } from "./check-health";

// A database of its own (embedded PostgreSQL in a temporary directory) that
// this test stops and starts again: readiness follows it, with the same pool.

// Under .data (not a 0700 temp dir): as root, PostgreSQL runs as the postgres user and must reach it.
const dir = path.resolve(".data", `health-test-${process.pid}`);
let server: EmbeddedServer | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("readiness", () => {
  it("is 503 while the database is stopped and 200 again once it is back", { timeout: 120_000 }, async () => {
    server = await startEmbeddedPostgres(path.join(dir, "pg"));
    await migrateDatabase(server.url);
    const sql = createSql(server.url, 2);
    const database = { sql, db: drizzle(sql, { schema }) };
    try {
      await beat(database.db, "health-test-worker");
      const up = await checkHealth(database);
      expect(up.report).toEqual({ db: "ok", worker: "ok", workers: 1 });
      expect(healthResponse(up).status).toBe(200);

      await server.stop();
      const down = await checkHealth(database);
      expect(down.report.db).toBe("down");
      const response = healthResponse(down);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ db: "down", worker: "unknown" });
      // More failed attempts, as a busy store makes while the database is away:
      // postgres.js's own backoff would now wait 10–20 s before trying again.
      for (let i = 0; i < 8; i++) expect((await checkHealth(database)).report.db).toBe("down");

      server = await startEmbeddedPostgres(path.join(dir, "pg"), { port: Number(new URL(server.url).port) });
      const restarted = performance.now();
      await beat(database.db, "health-test-worker");
      const back = await checkHealth(database);
      expect(back.report.db).toBe("ok");
      expect(healthResponse(back).status).toBe(200);
      // db/index.ts caps the reconnect backoff at 2 s.
      expect(performance.now() - restarted).toBeLessThan(5_000);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
});
