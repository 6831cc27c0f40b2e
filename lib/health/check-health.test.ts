import { rmSync } from "node:fs";
import path from "node:path";
import { sql as raw } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSql, type Db, type Sql } from "@/db";
import { startEmbeddedPostgres, type EmbeddedServer } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { DATABASE_BREAKER_MS, tripDatabaseBreaker } from "@/lib/http/responses";
import { beat, HEARTBEAT_STALE_SECONDS, liveWorkerCount } from "@/lib/worker/heartbeat";
import { checkHealth, healthResponse } from "./check-health";

// A database of its own (embedded PostgreSQL in a temporary directory) that
// this file stops and starts again: readiness follows it, with the same pool.
// Its heartbeat table holds this file's rows only, so counts are exact.

// Under .data (not a 0700 temp dir): as root, PostgreSQL runs as the postgres user and must reach it.
const dir = path.resolve(".data", `health-test-${process.pid}`);
const WORKER = "health-test-worker";
let server: EmbeddedServer | undefined;
let sql: Sql;
let database: { sql: Sql; db: Db };

beforeAll(async () => {
  server = await startEmbeddedPostgres(path.join(dir, "pg"));
  await migrateDatabase(server.url);
  sql = createSql(server.url, 2);
  database = { sql, db: drizzle(sql) };
}, 120_000);

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("readiness", () => {
  it(`counts a worker live while its last beat is younger than ${HEARTBEAT_STALE_SECONDS} s, and is 503 without one`, async () => {
    await beat(database.db, WORKER);
    const up = await checkHealth(database);
    expect(up.report).toEqual({ db: "ok", worker: "ok", workers: 1 });
    expect(healthResponse(up).status).toBe(200);

    // The threshold exactly: inside one transaction now() does not move, so the ages are exact.
    const age = (seconds: number) =>
      raw`update worker_heartbeats set last_seen_at = now() - make_interval(secs => ${seconds}) where worker_id = ${WORKER}`;
    await database.db.transaction(async (tx) => {
      await tx.execute(age(HEARTBEAT_STALE_SECONDS - 0.001));
      expect(await liveWorkerCount(tx)).toBe(1);
      await tx.execute(age(HEARTBEAT_STALE_SECONDS));
      expect(await liveWorkerCount(tx)).toBe(0);
    });

    // A worker that stopped beating a minute ago: the store is not ready.
    await database.db.execute(age(60));
    const stale = await checkHealth(database);
    expect(stale.report).toEqual({ db: "ok", worker: "down", workers: 0 });
    const response = healthResponse(stale);
    expect(response.status).toBe(503);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("is 503 while the database is stopped and 200 again once it is back, with the same pool", { timeout: 120_000 }, async () => {
    await beat(database.db, WORKER);
    expect((await checkHealth(database)).report).toEqual({ db: "ok", worker: "ok", workers: 1 });

    await server!.stop();
    const down = await checkHealth(database);
    expect(down.report.db).toBe("down");
    const response = healthResponse(down);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ db: "down", worker: "unknown" });
    // More failed attempts, as a busy store makes while the database is away.
    for (let i = 0; i < 8; i++) expect((await checkHealth(database)).report.db).toBe("down");

    server = await startEmbeddedPostgres(path.join(dir, "pg"), { port: Number(new URL(server!.url).port) });
    // The pool reconnects by itself: the next statement waits for it, no restart of anything.
    await beat(database.db, WORKER);
    const back = await checkHealth(database);
    expect(back.report).toEqual({ db: "ok", worker: "ok", workers: 1 });
    expect(healthResponse(back).status).toBe(200);
  });

  it("is 503 at once while the database breaker is open, and follows the database again when it closes", async () => {
    await beat(database.db, WORKER);
    tripDatabaseBreaker();
    try {
      // The database is up: only the breaker can say down.
      const open = await checkHealth(database);
      expect(open.report).toEqual({ db: "down", worker: "unknown" });
      expect(healthResponse(open).status).toBe(503);
    } finally {
      tripDatabaseBreaker(Date.now() - DATABASE_BREAKER_MS); // closed now
    }
    expect((await checkHealth(database)).report).toEqual({ db: "ok", worker: "ok", workers: 1 });
  });

  it("retries a lost database at most 2 s apart, however many attempts failed (postgres.js's own backoff grows to 10–20 s)", () => {
    const { backoff } = createSql("postgres://postgres@127.0.0.1:1/none", 1).options;
    expect(typeof backoff).toBe("function");
    const delays = Array.from({ length: 40 }, (_, retries) => (backoff as (n: number) => number)(retries));
    expect(Math.max(...delays)).toBeLessThanOrEqual(2);
    expect(Math.min(...delays.slice(10))).toBeGreaterThanOrEqual(1); // capped, not dropped to nothing
  });
});
