import { AsyncLocalStorage } from "node:async_hooks";
import { limiter, limitKey, take, type LimitSpec } from "@/lib/http/rate-limiter";

// Sign-in throttling in Postgres, so it holds across app instances. Three
// limits: per account+IP (a typo-prone user from one place), per account (a
// distributed guess at one account), per IP (one source guessing many). All
// blocks expire, and a success clears the account+IP count, so an attacker can
// delay a real user for a while but never lock them out for good.
//
// They run inside next-auth's authorize() (lib/auth/options.ts), on the
// e-mail next-auth parsed from whatever body it accepted, and the address from
// lib/http/client-address.ts: no other path or body shape reaches a password
// check.

const MINUTE = 60;
const LIMITS = {
  accountIp: { keyPrefix: "signin_account_ip", points: 5, duration: 5 * MINUTE, blockDuration: 5 * MINUTE },
  account: { keyPrefix: "signin_account", points: 20, duration: 15 * MINUTE, blockDuration: 15 * MINUTE },
  ip: { keyPrefix: "signin_ip", points: 50, duration: 15 * MINUTE, blockDuration: 15 * MINUTE },
} satisfies Record<string, LimitSpec>;

type Kind = keyof typeof LIMITS;
const KINDS = Object.keys(LIMITS) as Kind[];

const keys = (email: string, ip: string): Record<Kind, string> => {
  const account = email.toLowerCase().trim();
  return { accountIp: limitKey(account, ip), account: limitKey(account), ip: limitKey(ip) };
};

/**
 * Takes one attempt from all three limits before a password is checked, and
 * answers the seconds to wait when any of them is spent (then no password may
 * be checked), or 0. Taking first, not checking the counts and recording the
 * failure afterwards: each take is one atomic increment in PostgreSQL, so
 * attempts sent at once cannot all pass a check made before any of them was
 * counted (a security audit sent 40 at once, and 40 passwords were checked).
 */
export async function takeSignInAttempt(email: string, ip: string): Promise<number> {
  const k = keys(email, ip);
  const waits = await Promise.all(KINDS.map((kind) => take(LIMITS[kind], k[kind])));
  return Math.max(0, ...waits);
}

/** A successful sign-in was no failure: the account+IP count starts again, and the other two get their attempt back. */
export async function recordSignInSuccess(email: string, ip: string): Promise<void> {
  const k = keys(email, ip);
  await Promise.all([
    (await limiter(LIMITS.accountIp)).delete(k.accountIp),
    (await limiter(LIMITS.account)).reward(k.account, 1),
    (await limiter(LIMITS.ip)).reward(k.ip, 1),
  ]);
}

// authorize() can only tell next-auth "no"; the sign-in route needs to know it
// was "not now", and for how long, to answer 429 with Retry-After.
const attempt = new AsyncLocalStorage<{ retryAfter: number }>();

/** Runs a sign-in request; `retryAfter` > 0 when authorize() refused it for the throttle. */
export async function trackSignInAttempt<T>(run: () => Promise<T>): Promise<{ result: T; retryAfter: number }> {
  const state = { retryAfter: 0 };
  const result = await attempt.run(state, run);
  return { result, retryAfter: state.retryAfter };
}

export function noteSignInThrottled(seconds: number): void {
  const state = attempt.getStore();
  if (state) state.retryAfter = seconds;
}
