import { AsyncLocalStorage } from "node:async_hooks";
import { limiter, limitKey, type LimitSpec } from "@/lib/http/rate-limiter";

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

/** Seconds to wait before the next attempt is allowed, or 0. */
export async function signInRetryAfter(email: string, ip: string): Promise<number> {
  const k = keys(email, ip);
  const waits = await Promise.all(
    KINDS.map(async (kind) => {
      const state = await (await limiter(LIMITS[kind])).get(k[kind]);
      return state && state.consumedPoints >= LIMITS[kind].points ? Math.ceil(state.msBeforeNext / 1000) : 0;
    }),
  );
  return Math.max(0, ...waits);
}

export async function recordSignInFailure(email: string, ip: string): Promise<void> {
  const k = keys(email, ip);
  await Promise.all(
    KINDS.map(async (kind) =>
      (await limiter(LIMITS[kind])).consume(k[kind]).catch((rejection: unknown) => {
        // A consume beyond the limit rejects with the limiter state: expected.
        if (rejection instanceof Error) throw rejection;
      }),
    ),
  );
}

export async function recordSignInSuccess(email: string, ip: string): Promise<void> {
  await (await limiter(LIMITS.accountIp)).delete(keys(email, ip).accountIp);
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
