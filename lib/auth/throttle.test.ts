import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { authOptions, SIGN_IN_RATE_LIMITED } from "./options";
import { recordSignInSuccess, takeSignInAttempt } from "./throttle";
import { registerUser } from "./users";

const randomIp = (prefix: string) => `${prefix}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe("sign-in throttling (Postgres store)", () => {
  it("lets 5 attempts through per account+IP, then makes the next wait a while; a success starts the count again", async () => {
    const email = `${randomUUID()}@example.com`;
    const ip = randomIp("10.0");
    for (let i = 0; i < 5; i++) expect(await takeSignInAttempt(email, ip)).toBe(0);
    const wait = await takeSignInAttempt(email, ip);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(5 * 60);
    // The real user elsewhere is not blocked by failures from another address.
    expect(await takeSignInAttempt(email, randomIp("10.3"))).toBe(0);
    await recordSignInSuccess(email, ip);
    expect(await takeSignInAttempt(email, ip)).toBe(0);
  });

  it("blocks an account guessed at from many addresses, temporarily", async () => {
    const email = `${randomUUID()}@example.com`;
    for (let i = 0; i < 20; i++) expect(await takeSignInAttempt(email, `10.1.0.${i}`)).toBe(0);
    const wait = await takeSignInAttempt(email, "10.9.9.9");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(15 * 60);
  });

  it("blocks one address guessing many accounts; a success there gives its attempt back", async () => {
    const ip = randomIp("10.2");
    for (let i = 0; i < 49; i++) expect(await takeSignInAttempt(`${randomUUID()}@example.com`, ip)).toBe(0);
    const user = `${randomUUID()}@example.com`;
    expect(await takeSignInAttempt(user, ip)).toBe(0);
    await recordSignInSuccess(user, ip);
    expect(await takeSignInAttempt(`${randomUUID()}@example.com`, ip)).toBe(0);
    expect(await takeSignInAttempt(`${randomUUID()}@example.com`, ip)).toBeGreaterThan(0);
  });

  // A security audit's find: the counts were read before the password check and the
  // failure written after it, so 40 attempts sent at once were all checked.
  it("checks at most 5 passwords of 40 wrong ones sent at once from one address; the rest are refused as rate limited", async () => {
    const email = `${randomUUID()}@example.com`;
    await registerUser({ email, password: "the-right-password-1", name: "Someone" });
    type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
    const provider = authOptions.providers[0] as unknown as { options: { authorize: Authorize } };
    const ip = randomIp("10.77");
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        provider.options.authorize({ email, password: `guess-${i}` }, { headers: { "x-forwarded-for": ip } }).then(
          (user) => (user ? "signed in" : "checked"),
          (error: Error) => (error.message === SIGN_IN_RATE_LIMITED ? "throttled" : `error: ${error.message}`),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "checked")).toHaveLength(5);
    expect(outcomes.filter((o) => o === "throttled")).toHaveLength(35);
  });
});
