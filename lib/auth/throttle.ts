import pg from "pg";
import { RateLimiterPostgres, type RateLimiterRes } from "rate-limiter-flexible";
import { getDb } from "@/db";

// Sign-in throttling in Postgres, so it holds across app instances. Three
// limits: per account+IP (a typo-prone user from one place), per account (a
// distributed guess at one account), per IP (one source guessing many). All
// blocks expire, and a success clears the account+IP count, so an attacker can
// delay a real user for a while but never lock them out for good.

type Limiter = { limiter: RateLimiterPostgres; points: number };
let limiters: Promise<{ accountIp: Limiter; account: Limiter; ip: Limiter }> | undefined;

const MINUTE = 60;

async function create() {
  const { url } = await getDb();
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  const make = (keyPrefix: string, points: number, duration: number, blockDuration: number): Limiter => ({
    points,
    limiter: new RateLimiterPostgres({
      storeClient: pool,
      tableName: "rate_limits",
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix,
      points,
      duration,
      blockDuration,
    }),
  });
  return {
    accountIp: make("signin_account_ip", 5, 5 * MINUTE, 5 * MINUTE),
    account: make("signin_account", 20, 15 * MINUTE, 15 * MINUTE),
    ip: make("signin_ip", 50, 15 * MINUTE, 15 * MINUTE),
  };
}

const keys = (email: string, ip: string) => ({ accountIp: `${email}|${ip}`, account: email, ip });

/** Seconds to wait before the next attempt is allowed, or 0. */
export async function signInRetryAfter(email: string, ip: string): Promise<number> {
  limiters ??= create();
  const all = await limiters;
  const k = keys(email.toLowerCase(), ip);
  const states = await Promise.all([
    all.accountIp.limiter.get(k.accountIp).then((r) => [r, all.accountIp.points] as const),
    all.account.limiter.get(k.account).then((r) => [r, all.account.points] as const),
    all.ip.limiter.get(k.ip).then((r) => [r, all.ip.points] as const),
  ]);
  let wait = 0;
  for (const [res, points] of states) {
    if (res && res.consumedPoints >= points) wait = Math.max(wait, Math.ceil(res.msBeforeNext / 1000));
  }
  return wait;
}

export async function recordSignInFailure(email: string, ip: string): Promise<void> {
  limiters ??= create();
  const all = await limiters;
  const k = keys(email.toLowerCase(), ip);
  const swallow = (error: unknown) => {
    // A consume beyond the limit rejects with the limiter state: expected.
    if (error instanceof Error) throw error;
    return error as RateLimiterRes;
  };
  await Promise.all([
    all.accountIp.limiter.consume(k.accountIp).catch(swallow),
    all.account.limiter.consume(k.account).catch(swallow),
    all.ip.limiter.consume(k.ip).catch(swallow),
  ]);
}

export async function recordSignInSuccess(email: string, ip: string): Promise<void> {
  limiters ??= create();
  const all = await limiters;
  await all.accountIp.limiter.delete(keys(email.toLowerCase(), ip).accountIp);
}

export function clientIp(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "unknown";
}
