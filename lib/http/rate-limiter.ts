import { createHash } from "node:crypto";
import pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { getDb } from "@/db";

// Rate limits kept in PostgreSQL (the rate_limits table), so they hold across
// app instances: rate-limiter-flexible's Postgres store, on one small pool.

let pool: Promise<pg.Pool> | undefined;
const limiters = new Map<string, Promise<RateLimiterPostgres>>();

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

/** One limiter per key prefix, made on first use. */
export function limiter(spec: LimitSpec): Promise<RateLimiterPostgres> {
  const key = `${spec.keyPrefix}/${spec.points}/${spec.duration}/${spec.blockDuration ?? 0}`;
  let made = limiters.get(key);
  if (!made) {
    pool ??= getDb().then(({ url }) => new pg.Pool({ connectionString: url, max: 3 }));
    made = pool.then(
      (storeClient) =>
        new RateLimiterPostgres({
          storeClient,
          tableName: "rate_limits",
          tableCreated: true,
          clearExpiredByTimeout: false,
          keyPrefix: spec.keyPrefix,
          points: spec.points,
          duration: spec.duration,
          blockDuration: spec.blockDuration ?? 0,
        }),
    );
    limiters.set(key, made);
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
