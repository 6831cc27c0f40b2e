import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as listRoute, POST as createRoute } from "@/app/api/admin/promotion-codes/route";
import { POST as deactivateRoute } from "@/app/api/admin/promotion-codes/[id]/deactivate/route";
import { LIMITS, take } from "@/lib/http/abuse-limits";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { stripeClient } from "@/lib/payments/stripe-client";
import { createUser, orderRow } from "@/test/fixtures";
import { emulatorControl, orderAtGateway } from "@/test/gateway";

// Operators create and deactivate promotion codes through the gateway's coupon
// and promotion-code API. The routes are called directly; only the session
// lookup is faked (it needs a live Next request), as in lib/http/fuzz.test.ts.

type SessionUser = { id: string; email: string; name: string; role: "customer" | "admin" };
const fake = vi.hoisted(() => ({ session: null as { user: SessionUser } | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => fake.session,
}));

const as = (user: SessionUser | null) => void (fake.session = user ? { user } : null);
const post = (path: string, body?: unknown, raw?: string) =>
  new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const none = { params: Promise.resolve({}) };
const list = () => listRoute(new Request("http://localhost/api/admin/promotion-codes"), none);
const create = (request: Request) => createRoute(request, none);
const nextYear = `${new Date().getUTCFullYear() + 1}-12-31`;
const unique = () => `P${Math.random().toString(36).slice(2, 10).toUpperCase()}`;

let admin: SessionUser;
let shopper: SessionUser;

async function sessionUser(role: "customer" | "admin"): Promise<SessionUser> {
  const id = await createUser(role);
  return { id, email: `${id}@test.example`, name: "Promo", role };
}

async function codesAtGateway(): Promise<number> {
  return (await stripeClient().promotionCodes.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).length;
}

beforeAll(async () => {
  admin = await sessionUser("admin");
  shopper = await sessionUser("customer");
});

afterEach(() => as(null));

describe("operators' promotion codes", () => {
  it("do not exist for shoppers or anonymous callers (404), and nothing is created", async () => {
    const before = await codesAtGateway();
    for (const user of [null, shopper]) {
      as(user);
      expect((await create(post("/api/admin/promotion-codes", { code: unique(), kind: "percent", percentOff: 10 }))).status).toBe(404);
      expect((await list()).status).toBe(404);
      expect((await deactivateRoute(post("/api/admin/promotion-codes/promo_x/deactivate"), params("promo_x"))).status).toBe(404);
    }
    expect(await codesAtGateway()).toBe(before);
  });

  it("refuse bad input with a clear 400 (or 413 for a body too big) and create nothing", async () => {
    as(admin);
    const before = await codesAtGateway();
    const bad: unknown[] = [
      {},
      { code: "no spaces", kind: "percent", percentOff: 10 },
      { code: "AB", kind: "percent", percentOff: 10 },
      { code: "X".repeat(33), kind: "percent", percentOff: 10 },
      { code: unique(), kind: "percent" },
      { code: unique(), kind: "percent", percentOff: 0 },
      { code: unique(), kind: "percent", percentOff: 101 },
      { code: unique(), kind: "percent", percentOff: 10.5 },
      { code: unique(), kind: "amount", amountOffCents: -5 },
      { code: unique(), kind: "amount", percentOff: 10 },
      { code: unique(), kind: "percent", percentOff: 10, expiresOn: "2001-01-01" },
      { code: unique(), kind: "percent", percentOff: 10, expiresOn: "tomorrow" },
      { code: unique(), kind: "percent", percentOff: 10, maxRedemptions: 0 },
      { code: unique(), kind: "percent", percentOff: 10, admin: true },
    ];
    for (const body of bad) {
      const response = await create(post("/api/admin/promotion-codes", body));
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toBeTruthy();
    }
    expect((await create(post("/api/admin/promotion-codes", undefined, "{not json"))).status).toBe(400);
    expect((await create(post("/api/admin/promotion-codes", undefined, JSON.stringify({ code: "A".repeat(20_000) })))).status).toBe(413);
    expect((await deactivateRoute(post("/api/admin/promotion-codes/x/deactivate"), params("'; drop table users; --"))).status).toBe(404);
    expect((await deactivateRoute(post("/api/admin/promotion-codes/promo_nothere/deactivate"), params("promo_nothere"))).status).toBe(404);
    expect(await codesAtGateway()).toBe(before);
  });

  it("create a code at the gateway with its terms; a second active code with the same text is refused", async () => {
    as(admin);
    const code = unique().toLowerCase();
    const response = await create(
      post("/api/admin/promotion-codes", { code, kind: "amount", amountOffCents: 300, expiresOn: nextYear, maxRedemptions: 5 }),
    );
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string; code: string };
    expect(created.code).toBe(code.toUpperCase());
    const atGateway = await stripeClient().promotionCodes.retrieve(created.id, { expand: ["promotion.coupon"] });
    expect(atGateway).toMatchObject({
      code: code.toUpperCase(),
      active: true,
      max_redemptions: 5,
      expires_at: Math.floor(Date.parse(`${nextYear}T23:59:59Z`) / 1000),
    });
    expect(atGateway.promotion.coupon).toMatchObject({ amount_off: 300, currency: "usd" });
    const again = await create(post("/api/admin/promotion-codes", { code, kind: "percent", percentOff: 50 }));
    expect(again.status).toBe(400);
    const listed = (await (await list()).json()) as {
      promotionCodes: { code: string; amountOffCents: number | null; maxRedemptions: number | null }[];
    };
    expect(listed.promotionCodes.find((c) => c.code === code.toUpperCase())).toMatchObject({ amountOffCents: 300, maxRedemptions: 5 });
  });

  it("a created code discounts a shopper's sale; once deactivated, the payment page refuses it", async () => {
    as(admin);
    const code = unique();
    const created = (await (await create(post("/api/admin/promotion-codes", { code, kind: "percent", percentOff: 20 }))).json()) as {
      id: string;
    };
    const order = await orderAtGateway({ priceCents: 2000 });
    await emulatorControl(`/_emulator/sessions/${order.sessionId}/pay`, { card: "4242424242424242", promotionCode: code });
    await reconcileSuccessReturn({ userId: order.userId, sessionId: order.sessionId });
    expect(await orderRow(order.orderId)).toMatchObject({ status: "paid", discount_cents: 400, promotion_code: code });

    expect((await deactivateRoute(post(`/api/admin/promotion-codes/${created.id}/deactivate`), params(created.id))).status).toBe(200);
    expect((await stripeClient().promotionCodes.retrieve(created.id)).active).toBe(false);
    const next = await orderAtGateway({ priceCents: 2000 });
    const refused = (await emulatorControl(`/_emulator/sessions/${next.sessionId}/pay`, {
      card: "4242424242424242",
      promotionCode: code,
    })) as { status: string };
    expect(refused.status).toBe("invalid");
    expect((await orderRow(next.orderId)).status).toBe("created");
  });

  it("are rate limited per operator (429), without touching the gateway", async () => {
    const busy = await sessionUser("admin");
    as(busy);
    // The operator used up the window already.
    for (let i = 0; i < LIMITS.promotionCodes.points; i++) await take(LIMITS.promotionCodes, busy.id);
    const before = await codesAtGateway();
    expect((await create(post("/api/admin/promotion-codes", { code: unique(), kind: "percent", percentOff: 10 }))).status).toBe(429);
    expect(await codesAtGateway()).toBe(before);
  });
});
