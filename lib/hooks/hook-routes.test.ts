import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DELETE as deleteRoute, GET as endpointRoute } from "@/app/api/admin/hooks/[id]/route";
import { POST as disableRoute } from "@/app/api/admin/hooks/[id]/disable/route";
import { POST as enableRoute } from "@/app/api/admin/hooks/[id]/enable/route";
import { POST as rollRoute } from "@/app/api/admin/hooks/[id]/roll-secret/route";
import { POST as redeliverRoute } from "@/app/api/admin/hooks/deliveries/[deliveryId]/redeliver/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/admin/hooks/route";
import { getDb } from "@/db";
import { LIMITS } from "@/lib/http/abuse-limits";
import { MAX_JSON_BODY_BYTES } from "@/lib/http/body";
import { originAllowed } from "@/lib/http/security";
import { createUser } from "@/test/fixtures";
import { placedOrder } from "@/test/gateway";
import { MAX_HOOK_ENDPOINTS } from "./input";
import { signInAs } from "@/test/session";

// The admin hook routes: operators only (404 for everybody else), input
// bounded, bad input a clear 4xx that changes nothing, rate limited, CSRF by
// the Origin check every admin route has.

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (await import("@/test/session")).fakeSession.session,
}));

const as = signInAs;
const request = (body?: unknown, method = "POST") =>
  new Request("http://localhost/api/admin/hooks", {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
const params = <K extends string>(key: K, value: string) => ({ params: Promise.resolve({ [key]: value } as Record<K, string>) });
const good = { url: "http://127.0.0.1:9/hooks", eventTypes: ["OrderPaid", "OrderCancelled"] };

async function endpointCount(): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from hook_endpoints`);
  return row!.n;
}

afterEach(async () => {
  const { db } = await getDb();
  await db.execute(sql`select graphile_worker.remove_job('hook:' || id) from hook_deliveries`);
  await db.execute(sql`delete from hook_endpoints`);
});

describe("/api/admin/hooks", () => {
  it("signed out or a shopper: 404 on every route, nothing created or changed", async () => {
    as(await createUser("admin"));
    const created = (await (await createRoute(request(good), {})).json()) as { endpoint: { id: string } };
    for (const who of [null, await createUser()]) {
      as(who);
      expect((await listRoute(request(undefined, "GET"), {})).status).toBe(404);
      expect((await createRoute(request(good), {})).status).toBe(404);
      expect((await endpointRoute(request(undefined, "GET"), params("id", created.endpoint.id))).status).toBe(404);
      expect((await disableRoute(request(), params("id", created.endpoint.id))).status).toBe(404);
      expect((await enableRoute(request(), params("id", created.endpoint.id))).status).toBe(404);
      expect((await deleteRoute(request(undefined, "DELETE"), params("id", created.endpoint.id))).status).toBe(404);
      expect((await redeliverRoute(request(), params("deliveryId", "1"))).status).toBe(404);
      expect((await rollRoute(request(), params("id", created.endpoint.id))).status).toBe(404);
    }
    expect(await endpointCount()).toBe(1);
    const { db } = await getDb();
    const [row] = await db.execute<{ previous_secret: string | null }>(
      sql`select previous_secret from hook_endpoints where id = ${created.endpoint.id}`,
    );
    expect(row!.previous_secret).toBeNull();
  });

  it("a state change from another site is refused by the Origin check (CSRF)", () => {
    const own = ["http://localhost:3000"];
    expect(originAllowed("POST", "/api/admin/hooks", "https://evil.example", own)).toBe(false);
    expect(originAllowed("POST", "/api/admin/hooks/deliveries/1/redeliver", null, own)).toBe(false);
    expect(originAllowed("DELETE", "/api/admin/hooks/x", "http://localhost:3000", own)).toBe(true);
    expect(originAllowed("DELETE", "/api/admin/hooks/x", "https://evil.example", own)).toBe(false);
    expect(originAllowed("POST", "/api/admin/hooks/x/roll-secret", "https://evil.example", own)).toBe(false);
  });

  it("registers an endpoint: 201 with its whsec_ secret once; the list never shows it", async () => {
    as(await createUser("admin"));
    const response = await createRoute(request({ ...good, description: "warehouse" }), {});
    expect(response.status).toBe(201);
    const body = (await response.json()) as { secret: string; endpoint: { id: string; eventTypes: string[]; enabled: boolean } };
    expect(body.secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(body.endpoint).toMatchObject({ eventTypes: ["OrderPaid", "OrderCancelled"], enabled: true });
    const all = await (await createRoute(request({ url: "https://example.com/h", eventTypes: ["*", "OrderPaid"] }), {})).json();
    expect(all.endpoint.eventTypes).toEqual(["*"]);
    const list = await (await listRoute(request(undefined, "GET"), {})).text();
    expect(list).toContain(body.endpoint.id);
    expect(list).not.toContain("whsec_");
    const one = await (await endpointRoute(request(undefined, "GET"), params("id", body.endpoint.id))).text();
    expect(one).not.toContain("whsec_");
  });

  it("bad input is 400 (or 413, 415) and creates nothing", async () => {
    as(await createUser("admin"));
    const bad: unknown[] = [
      {},
      { url: "http://127.0.0.1/x" },
      { ...good, url: "" },
      { ...good, url: "ftp://example.com/x" },
      { ...good, url: "javascript:alert(1)" },
      { ...good, url: "https://user:secret@example.com/" },
      { ...good, url: `https://example.com/${"a".repeat(2048)}` },
      { ...good, eventTypes: [] },
      { ...good, eventTypes: ["OrderPaid", "OrderPaid"] },
      { ...good, eventTypes: ["NoSuchEvent"] },
      { ...good, eventTypes: "OrderPaid" },
      { ...good, description: "x".repeat(201) },
      { ...good, secret: "whsec_mine" },
      "not json",
    ];
    for (const body of bad) expect((await createRoute(request(body), {})).status, JSON.stringify(body).slice(0, 80)).toBe(400);
    const huge = await createRoute(request({ ...good, description: "x".repeat(MAX_JSON_BODY_BYTES) }), {});
    expect(huge.status).toBe(413);
    const form = new Request("http://localhost/api/admin/hooks", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "url=x",
    });
    expect((await createRoute(form, {})).status).toBe(415);
    for (const id of ["nope", "00000000-0000-0000-0000-000000000000"]) {
      expect((await enableRoute(request(), params("id", id))).status).toBe(404);
      expect((await rollRoute(request(), params("id", id))).status).toBe(404);
      expect((await endpointRoute(request(undefined, "GET"), params("id", id))).status).toBe(404);
    }
    for (const id of ["0", "-1", "1e3", "99999999999999999999", "abc"]) {
      expect((await redeliverRoute(request(), params("deliveryId", id))).status).toBe(404);
    }
    expect(await endpointCount()).toBe(0);
  });

  it("any JSON body (fuzzed) is a 4xx with the error shape, or a valid endpoint: never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.record({
            url: fc.oneof(fc.webUrl(), fc.string()),
            eventTypes: fc.array(fc.string(), { maxLength: 3 }),
            description: fc.string(),
          }),
        ),
        async (body) => {
          as(await createUser("admin"));
          const response = await createRoute(request(JSON.stringify(body) ?? "null"), {});
          if (response.status === 201) return;
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(((await response.json()) as { error: { code: string } }).error.code).toBeTypeOf("string");
        },
      ),
      { numRuns: 100 },
    );
  });

  it("rolls a secret: 200 with the new whsec_ secret once (no-store) and the old one's end of grace; the endpoint's view never shows it", async () => {
    as(await createUser("admin"));
    const created = (await (await createRoute(request(good), {})).json()) as { secret: string; endpoint: { id: string } };
    const response = await rollRoute(request(), params("id", created.endpoint.id));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const rolled = (await response.json()) as { secret: string; previousSecretExpiresAt: string };
    expect(rolled.secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(rolled.secret).not.toBe(created.secret);
    expect(new Date(rolled.previousSecretExpiresAt).getTime()).toBeGreaterThan(Date.now());
    const one = await (await endpointRoute(request(undefined, "GET"), params("id", created.endpoint.id))).text();
    expect(one).not.toContain("whsec_");
    expect(JSON.parse(one).endpoint.previousSecretExpiresAt).toBe(rolled.previousSecretExpiresAt);
  });

  it(`keeps at most ${MAX_HOOK_ENDPOINTS} endpoints (409 after that)`, async () => {
    as(await createUser("admin"));
    for (let i = 0; i < MAX_HOOK_ENDPOINTS; i++) expect((await createRoute(request(good), {})).status).toBe(201);
    // A second operator: the cap is the store's, not the operator's rate limit.
    as(await createUser("admin"));
    expect((await createRoute(request(good), {})).status).toBe(409);
    expect(await endpointCount()).toBe(MAX_HOOK_ENDPOINTS);
  });

  it("disable, enable, roll, delete, redeliver: each answers and is rate limited per operator (429 after the limit)", async () => {
    const admin = await createUser("admin");
    as(admin);
    const { endpoint } = (await (await createRoute(request({ ...good, eventTypes: ["*"] }), {})).json()) as { endpoint: { id: string } };
    const o = await placedOrder();
    const { db } = await getDb();
    const [delivery] = await db.execute<{ id: string }>(sql`select id::text from hook_deliveries where order_id = ${o.orderId}`);
    expect((await disableRoute(request(), params("id", endpoint.id))).status).toBe(200);
    expect((await redeliverRoute(request(), params("deliveryId", delivery!.id))).status).toBe(409);
    const enabled = await enableRoute(request(), params("id", endpoint.id));
    expect(((await enabled.json()) as { endpoint: { enabled: boolean } }).endpoint.enabled).toBe(true);
    expect((await redeliverRoute(request(), params("deliveryId", delivery!.id))).status).toBe(202);
    const detail = (await (await endpointRoute(request(undefined, "GET"), params("id", endpoint.id))).json()) as {
      deliveries: { id: number; eventType: string }[];
    };
    expect(detail.deliveries.map((d) => d.eventType)).toEqual(["OrderCreated"]);
    expect((await rollRoute(request(), params("id", endpoint.id))).status).toBe(200);
    // 1 create + 5 changes so far; the rest of the budget, then 429.
    for (let i = 6; i < LIMITS.hookChanges.points; i++) expect((await disableRoute(request(), params("id", endpoint.id))).status).toBe(200);
    const limited = await enableRoute(request(), params("id", endpoint.id));
    expect(limited.status).toBe(429);
    expect((await rollRoute(request(), params("id", endpoint.id))).status).toBe(429);
    const [row] = await db.execute<{ enabled: boolean }>(sql`select enabled from hook_endpoints where id = ${endpoint.id}`);
    expect(row!.enabled).toBe(false);
    expect((await createRoute(request(good), {})).status).toBe(429);
    // Another operator has their own budget.
    as(await createUser("admin"));
    expect((await deleteRoute(request(undefined, "DELETE"), params("id", endpoint.id))).status).toBe(200);
    expect(await endpointCount()).toBe(0);
  });
});
