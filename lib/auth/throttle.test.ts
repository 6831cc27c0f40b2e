import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { recordSignInFailure, recordSignInSuccess, signInRetryAfter } from "./throttle";

describe("sign-in throttling (Postgres store)", () => {
  it("blocks an account+IP after 5 failures, for a while, and a success clears it", async () => {
    const email = `${randomUUID()}@example.com`;
    for (let i = 0; i < 4; i++) await recordSignInFailure(email, "10.0.0.1");
    expect(await signInRetryAfter(email, "10.0.0.1")).toBe(0);
    await recordSignInFailure(email, "10.0.0.1");
    const wait = await signInRetryAfter(email, "10.0.0.1");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(5 * 60);
    // The real user elsewhere is not blocked by failures from another address.
    expect(await signInRetryAfter(email, "10.0.0.2")).toBe(0);
    await recordSignInSuccess(email, "10.0.0.1");
    expect(await signInRetryAfter(email, "10.0.0.1")).toBe(0);
  });

  it("blocks an account guessed at from many addresses, temporarily", async () => {
    const email = `${randomUUID()}@example.com`;
    for (let i = 0; i < 20; i++) await recordSignInFailure(email, `10.1.0.${i}`);
    const wait = await signInRetryAfter(email, "10.9.9.9");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(15 * 60);
  });

  it("blocks one address guessing many accounts", async () => {
    const ip = `10.2.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 50; i++) await recordSignInFailure(`${randomUUID()}@example.com`, ip);
    expect(await signInRetryAfter(`${randomUUID()}@example.com`, ip)).toBeGreaterThan(0);
  });
});
