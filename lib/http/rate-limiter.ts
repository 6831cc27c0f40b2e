import { createHash } from "node:crypto";
import pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { getDb } from "@/db";
import { logger } from "@/lib/observability/log";

// Rate limits kept in PostgreSQL (the rate_limits table), so they hold across
// app instances: rate-limiter-flexible's Postgres store, on one small pool.

/** The pool and limiters belong to one database: a process that moves to another (closeDb, a new DATABASE_URL) gets new ones. */
let store: { url: string; pool: pg.Pool; limiters: Map<string, RateLimiterPostgres> } | undefined;

export type LimitSpec = {
  /** Names the limit in the table: "signin_ip", "register_ip", … */
  keyPrefix: string;
  /** Attempts allowed per window. */
  points: number;
  /** The window, in seconds. */
  duration: number;
  /** How long a key that went over stays blocked, in seconds (0: until the window ends). */
  blockDuration?: number;
};

/** One limiter per key prefix and database, made on first use. */
export async function limiter(spec: LimitSpec): Promise<RateLimiterPostgres> {
  const { url } = await getDb();
  if (store?.url !== url) {
    const old = store;
    const pool = new pg.Pool({ connectionString: url, max: 3 });
    // An idle connection the server closed (a restart, a dropped database) is an event, not a crash: the pool reconnects.
    pool.on("error", (error) => logger().warn({ err: error.message }, "rate-limit pool: idle connection lost"));
    store = { url, pool, limiters: new Map() };
    old?.pool.end().catch(() => undefined);
  }
  const key = `${spec.keyPrefix}/${spec.points}/${spec.duration}/${spec.blockDuration ?? 0}`;
  let made = store.limiters.get(key);
  if (!made) {
    made = new RateLimiterPostgres({
      storeClient: store.pool,
      tableName: "rate_limits",
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix: spec.keyPrefix,
      points: spec.points,
      duration: spec.duration,
      blockDuration: spec.blockDuration ?? 0,
    });
    store.limiters.set(key, made);
  }
  return made;
}

/** Keys are whatever the client sent (an e-mail, an address): long ones are hashed to fit the table's key column. */
export function limitKey(...parts: string[]): string {
  const key = parts.join("|");
  return key.length <= 160 ? key : `sha256:${createHash("sha256").update(key).digest("hex")}`;
}

/** Consumes one point; resolves to the seconds to wait when the key is over its limit, else 0. */
export async function take(spec: LimitSpec, ...keyParts: string[]): Promise<number> {
  const l = await limiter(spec);
  try {
    await l.consume(limitKey(...keyParts));
    return 0;
  } catch (rejection) {
    // Over the limit, rate-limiter-flexible rejects with its state; anything else is a real error.
    if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw rejection;
  }
}

/** "30 seconds", "2 minutes". */
export function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
