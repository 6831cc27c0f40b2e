import { expect, test } from "../support/test";
import { client, register, signIn } from "../support/api";

test.describe("accounts API", () => {
  test("register, then sign in with the documented script flow", async () => {
    const api = await client();
    const account = await register(api, { email: `Mixed.Case.${Date.now()}@Example.com` });
    expect(account.response.status()).toBe(201);
    const body = await account.response.json();
    expect(Object.keys(body).sort()).toEqual(["email", "id", "name"]);
    expect(body.email).toBe(account.email.toLowerCase());
    expect(JSON.stringify(body)).not.toContain("hash");

    const again = await register(api, { email: account.email.toUpperCase() });
    expect(again.response.status()).toBe(409);
    expect((await again.response.json()).error.code).toBe("email_taken");

    const before = (await api.storageState()).cookies.find((c) => c.name.includes("session-token"));
    expect(before).toBeUndefined();
    const signedIn = await signIn(api, account.email, account.password);
    expect(signedIn.status()).toBeLessThan(400);
    const session = await (await api.get("/api/auth/session")).json();
    expect(session.user).toMatchObject({ email: account.email.toLowerCase(), name: "Robin Reader", role: "customer" });
    const cookie = (await api.storageState()).cookies.find((c) => c.name.includes("session-token"));
    expect(cookie?.httpOnly).toBe(true);
  });

  test("a wrong password does not sign in", async () => {
    const api = await client();
    const account = await register(api);
    await signIn(api, account.email, "wrong password!");
    const session = await (await api.get("/api/auth/session")).json();
    expect(session.user).toBeUndefined();
  });

  for (const [name, data] of [
    ["short password", { email: "a@example.com", password: "short", name: "A" }],
    ["bad e-mail", { email: "not-an-email", password: "long enough pw", name: "A" }],
    ["missing name", { email: "b@example.com", password: "long enough pw" }],
    ["wrong types", { email: 42, password: ["x"], name: null }],
  ] as const) {
    test(`register rejects ${name} with 400`, async () => {
      const api = await client();
      const response = await api.post("/api/register", { data });
      expect(response.status()).toBe(400);
      expect((await response.json()).error.code).toBe("invalid_request");
    });
  }

  test("register rejects malformed JSON and a missing body", async () => {
    const api = await client();
    const malformed = await api.post("/api/register", { headers: { "Content-Type": "application/json" }, data: "{not json" });
    expect(malformed.status()).toBe(400);
    const empty = await api.post("/api/register", { headers: { "Content-Type": "application/json" }, data: "" });
    expect(empty.status()).toBe(400);
  });

  test("repeated failures get 429 for a while, from that address, without locking the account elsewhere", async () => {
    const owner = await client({ ip: "198.51.100.7" });
    const account = await register(owner);
    const attacker = await client({ ip: "203.0.113.9" });
    for (let i = 0; i < 5; i++) expect((await signIn(attacker, account.email, `guess-${i}`)).status()).not.toBe(429);
    const blocked = await signIn(attacker, account.email, account.password);
    expect(blocked.status()).toBe(429);
    expect(Number(blocked.headers()["retry-after"])).toBeGreaterThan(0);
    expect((await blocked.json()).error.code).toBe("rate_limited");
    // The real user, from their own address, still gets in.
    expect((await signIn(owner, account.email, account.password)).status()).toBeLessThan(400);
    expect((await (await owner.get("/api/auth/session")).json()).user?.email).toBe(account.email);
  });
});
