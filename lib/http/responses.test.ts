import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSql } from "@/db";
import { AppError } from "@/lib/errors";
import {
  DATABASE_BREAKER_MS,
  databaseBreakerOpen,
  errorResponse,
  isDatabaseUnavailable,
  isLostConnection,
  route,
  tripDatabaseBreaker,
} from "./responses";

describe("errorResponse", () => {
  it("answers 503 unavailable, with Retry-After, when the database cannot be reached", async () => {
    // Nothing listens on port 1: a real driver error, wrapped by Drizzle as in every route.
    const client = createSql("postgres://postgres@127.0.0.1:1/none", 1);
    const error = await drizzle(client)
      .execute(sql`select 1`)
      .catch((e: unknown) => e);
    await client.end({ timeout: 1 });
    expect(isDatabaseUnavailable(error)).toBe(true);
    const response = errorResponse(error);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toEqual({ error: { code: "unavailable", message: expect.stringMatching(/briefly unavailable/) } });
  });

  it("keeps typed errors as they are and hides anything else behind a plain 500", async () => {
    expect(errorResponse(new AppError("out_of_stock", "Only 1 left")).status).toBe(409);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    const response = errorResponse(new Error("secret internals"));
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain("secret internals");
  });
});

describe("the database breaker", () => {
  afterEach(() => {
    vi.useRealTimers();
    tripDatabaseBreaker(Date.now() - DATABASE_BREAKER_MS - 1); // closed for whatever runs next
  });

  it("after a failed connection, answers 503 at once for a while without calling the handler, then lets a request through", async () => {
    // The breaker's clock is frozen and moved by hand: the window is tested, not the machine's speed.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2030-01-01T00:00:00Z") });
    const start = Date.now();
    const client = createSql("postgres://postgres@127.0.0.1:1/none", 1);
    let calls = 0;
    const handler = route(async () => {
      calls++;
      await drizzle(client).execute(sql`select 1`);
      return Response.json({ ok: true });
    });
    const request = () => handler(new Request("http://localhost/api/books"), {});
    tripDatabaseBreaker(start - DATABASE_BREAKER_MS - 1); // closed, whatever the tests above did
    expect(databaseBreakerOpen()).toBe(false);
    try {
      expect((await request()).status).toBe(503);
      expect(calls).toBe(1);
      expect(databaseBreakerOpen()).toBe(true);
      // Inside the window: answered by the breaker, the handler (and the database) never called.
      for (const at of [start, start + DATABASE_BREAKER_MS - 1]) {
        vi.setSystemTime(at);
        const fast = await request();
        expect(fast.status).toBe(503);
        expect(fast.headers.get("retry-after")).toBe("5");
        expect(await fast.json()).toMatchObject({ error: { code: "unavailable" } });
        expect(calls).toBe(1);
      }
      // Past the window the next request is tried again (and, the database still away, opens it again).
      vi.setSystemTime(start + DATABASE_BREAKER_MS);
      expect((await request()).status).toBe(503);
      expect(calls).toBe(2);
      expect(databaseBreakerOpen()).toBe(true);
    } finally {
      await client.end({ timeout: 1 });
    }
    vi.setSystemTime(start + 2 * DATABASE_BREAKER_MS);
    const ok = route(async () => Response.json({ ok: true }));
    expect((await ok(new Request("http://localhost/api/books"), {})).status).toBe(200);
  });
  it("tells a lost connection (503, breaker left closed) from a failure to connect (503, breaker opened)", () => {
    const driver = (code: string) => ({ message: "failed query", cause: Object.assign(new Error(code), { code }) });
    for (const code of ["57P01", "CONNECTION_CLOSED", "ECONNRESET"]) {
      expect(isDatabaseUnavailable(driver(code)), code).toBe(true);
      expect(isLostConnection(driver(code)), code).toBe(true);
    }
    for (const code of ["ECONNREFUSED", "57P03", "CONNECT_TIMEOUT"]) {
      expect(isDatabaseUnavailable(driver(code)), code).toBe(true);
      expect(isLostConnection(driver(code)), code).toBe(false);
    }
    // Through the route's error answer: a lost connection leaves the breaker closed, a refused one opens it.
    tripDatabaseBreaker(Date.now() - DATABASE_BREAKER_MS - 1);
    expect(errorResponse(driver("57P01")).status).toBe(503);
    expect(databaseBreakerOpen()).toBe(false);
    expect(errorResponse(driver("ECONNREFUSED")).status).toBe(503);
    expect(databaseBreakerOpen()).toBe(true);
  });
});
