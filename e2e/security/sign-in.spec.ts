import { randomUUID } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "../support/test";
import { client, register, signIn } from "../support/api";

// Issue #14 finding 2: the sign-in throttle counts the e-mail next-auth actually signs in with,
// whatever path or body shape carries it, and next-auth answers only the paths it defines.
// Finding 4: the per-IP limit keys on the hop our proxy vouches for, not on what the client wrote.

const randomIp = () => `198.18.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

async function csrf(api: APIRequestContext): Promise<string> {
  return ((await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string }).csrfToken;
}

/** A form body as a string, so that a field may repeat (as a hand-written attack would send it). */
const formBody = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();

test.describe("sign-in throttle bypasses", () => {
  test("next-auth paths it does not define are a 404: /callback/credentials/x neither signs in nor escapes the throttle", async () => {
    const api = await client();
    const account = await register(api);
    const token = await csrf(api);
    const response = await api.post("/api/auth/callback/credentials/x", {
      form: { email: account.email, password: account.password, csrfToken: token, json: "true" },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(404);
    expect((await response.json()).error.code).toBe("not_found");
    expect((await (await api.get("/api/auth/session")).json()).user).toBeUndefined();
    for (const path of ["/api/auth/nonsense", "/api/auth/callback/other", "/api/auth/session/x"]) {
      expect((await api.get(path)).status(), path).toBe(404);
    }
    // The paths the app uses still answer.
    for (const path of ["/api/auth/csrf", "/api/auth/session", "/api/auth/providers"]) {
      expect((await api.get(path)).status(), path).toBe(200);
    }
  });

  test("a repeated e-mail field: failures count against the e-mail next-auth reads (the last one)", async () => {
    const victim = await client();
    const account = await register(victim);
    const attacker = await client({ ip: randomIp() });
    for (let i = 0; i < 5; i++) {
      const body = formBody([
        ["email", `decoy-${randomUUID()}@example.com`],
        ["email", account.email],
        ["password", `guess-${i}`],
        ["csrfToken", await csrf(attacker)],
        ["json", "true"],
      ]);
      const response = await attacker.post("/api/auth/callback/credentials", {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        data: body,
        maxRedirects: 0,
      });
      expect(response.status()).not.toBe(429);
    }
    const blocked = await signIn(attacker, account.email, account.password);
    expect(blocked.status()).toBe(429);
    expect((await blocked.json()).error.code).toBe("rate_limited");
    expect((await (await attacker.get("/api/auth/session")).json()).user).toBeUndefined();
  });

  test("a JSON body (which next-auth also reads) counts too", async () => {
    const victim = await client();
    const account = await register(victim);
    const attacker = await client({ ip: randomIp() });
    for (let i = 0; i < 5; i++) {
      const data = { email: account.email, password: `guess-${i}`, csrfToken: await csrf(attacker), json: "true" };
      expect((await attacker.post("/api/auth/callback/credentials", { data, maxRedirects: 0 })).status()).not.toBe(429);
    }
    expect((await signIn(attacker, account.email, account.password)).status()).toBe(429);
  });

  test("per address: a client varying the X-Forwarded-For entries it writes is still one address", async () => {
    // The e2e server trusts one proxy hop (the test client plays it), so the client is the
    // right-most entry the client sends; whatever it puts before that is ignored.
    const address = randomIp();
    const api = await client({ ip: address });
    const token = await csrf(api);
    const attempt = (forged: string) =>
      api.post("/api/auth/callback/credentials", {
        form: { email: `nobody-${randomUUID()}@example.com`, password: "wrong password", csrfToken: token, json: "true" },
        headers: { "X-Forwarded-For": `${forged}, ${address}` },
        maxRedirects: 0,
      });
    for (let i = 0; i < 50; i++) expect((await attempt(`10.${i}.0.1`)).status()).not.toBe(429);
    const blocked = await attempt("10.250.0.1");
    expect(blocked.status()).toBe(429);
  });
});

test.describe("request bodies", () => {
  test("sign-in: a body over 16 KiB is a 413, by Content-Length or as sent", async () => {
    const api = await client();
    const response = await api.post("/api/auth/callback/credentials", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      data: formBody([
        ["email", "a@example.com"],
        ["password", "x".repeat(20_000)],
        ["csrfToken", await csrf(api)],
      ]),
      maxRedirects: 0,
    });
    expect(response.status()).toBe(413);
    expect((await response.json()).error.code).toBe("payload_too_large");
  });

  test("every route: a declared body over its limit is a 413, also where the route never reads one", async () => {
    const api = await client();
    for (const [path, size] of [
      ["/api/checkout", 17_000],
      ["/api/cart/items", 17_000],
      ["/api/orders/00000000-0000-4000-8000-000000000000/cancel", 17_000],
      ["/api/webhooks/stripe", 300_000],
    ] as const) {
      const response = await api.post(path, { headers: { "Content-Type": "application/json" }, data: `"${"x".repeat(size)}"` });
      expect(response.status(), path).toBe(413);
      expect((await response.json()).error.code, path).toBe("payload_too_large");
    }
  });
});
