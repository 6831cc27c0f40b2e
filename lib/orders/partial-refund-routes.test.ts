import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { POST as adminRoute } from "@/app/api/admin/orders/[id]/partial-refund/route";
import { POST as shopperRoute } from "@/app/api/orders/[id]/partial-refund/route";
import { getDb } from "@/db";
import { LIMITS } from "@/lib/http/abuse-limits";
import { createUser } from "@/test/fixtures";
import { paidOrderAtGateway } from "@/test/gateway";
import { signInAs } from "@/test/session";

// The partial refund routes: who may call them, how big the input may be, how
// often; bad input is a clear 4xx and changes nothing.

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (await import("@/test/session")).fakeSession.session,
}));

const as = signInAs;
const post = (body: unknown) =>
  new Request("http://localhost/api/x", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

async function refundsOf(orderId: string): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from refunds where order_id = ${orderId}`);
  return row!.n;
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe("POST /api/orders/:id/partial-refund (shoppers)", () => {
  it("signed out: 401; another shopper's order: 404; nothing changes", async () => {
    const o = await paidOrderAtGateway({ stock: 5, priceCents: 1100, quantity: 2 });
    const body = { lines: [{ bookId: o.bookId, quantity: 1 }] };
    as(null);
    expect((await shopperRoute(post(body), params(o.orderId))).status).toBe(401);
    as(await createUser());
    expect((await shopperRoute(post(body), params(o.orderId))).status).toBe(404);
    expect(await refundsOf(o.orderId)).toBe(0);
  });

  it("input out of bounds is 400 and changes nothing; lines only", async () => {
    const o = await paidOrderAtGateway({ stock: 5, priceCents: 1100, quantity: 2 });
    as(o.userId);
    const bad = [
      {},
      { lines: [] },
      { lines: [{ bookId: o.bookId, quantity: 0 }] },
      { lines: [{ bookId: o.bookId, quantity: 51 }] },
      { lines: [{ bookId: o.bookId, quantity: 1.5 }] },
      { lines: [{ bookId: "1", quantity: 1 }] },
      {
        lines: [
          { bookId: o.bookId, quantity: 1 },
          { bookId: o.bookId, quantity: 1 },
        ],
      },
      { lines: Array.from({ length: 101 }, (_, i) => ({ bookId: i + 1, quantity: 1 })) },
      { lines: [{ bookId: o.bookId, quantity: 1 }], amountCents: 100 },
      { lines: [{ bookId: o.bookId, quantity: 1 }], shippingCents: 100 },
      { lines: [{ bookId: o.bookId, quantity: 1 }], reason: "x".repeat(501) },
    ];
    for (const body of bad) {
      const response = await shopperRoute(post(body), params(o.orderId));
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect(await refundsOf(o.orderId)).toBe(0);
  });

  it("accepts a line (202), then refuses the same copies with a clear 409", async () => {
    const o = await paidOrderAtGateway({ stock: 5, priceCents: 1100, quantity: 2 });
    as(o.userId);
    const ok = await shopperRoute(post({ lines: [{ bookId: o.bookId, quantity: 2 }], reason: "gift" }), params(o.orderId));
    expect(ok.status).toBe(202);
    expect(((await ok.json()) as { displayStatus: string }).displayStatus).toBe("partially_refunded");
    const again = await shopperRoute(post({ lines: [{ bookId: o.bookId, quantity: 1 }] }), params(o.orderId));
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toMatch(/0 of 2 copies are left to refund/);
    expect(await refundsOf(o.orderId)).toBe(1);
  });

  it(`at most ${LIMITS.partialRefundUser.points} requests per shopper in ${LIMITS.partialRefundUser.duration / 60} minutes: then 429`, async () => {
    const o = await paidOrderAtGateway({ stock: 5, priceCents: 1100, quantity: 2 });
    as(o.userId);
    // Books not on the order: refused (409), but each counts.
    for (let i = 0; i < LIMITS.partialRefundUser.points; i++) {
      expect((await shopperRoute(post({ lines: [{ bookId: 2_000_000_000, quantity: 1 }] }), params(o.orderId))).status).toBe(409);
    }
    const limited = await shopperRoute(post({ lines: [{ bookId: o.bookId, quantity: 1 }] }), params(o.orderId));
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe("rate_limited");
    expect(await refundsOf(o.orderId)).toBe(0);
  });
});

describe("POST /api/admin/orders/:id/partial-refund (operators)", () => {
  it("a shopper, even the order's own, gets 404; signed out too", async () => {
    const o = await paidOrderAtGateway({ stock: 5, priceCents: 1100, quantity: 2 });
    as(o.userId);
    expect((await adminRoute(post({ amountCents: 100 }), params(o.orderId))).status).toBe(404);
    as(null);
    expect((await adminRoute(post({ amountCents: 100 }), params(o.orderId))).status).toBe(404);
    expect(await refundsOf(o.orderId)).toBe(0);
  });

  it("bounds: nothing named, negative, fractional or huge amounts, unknown keys are 400; more than captured is 409", async () => {
    const o = await paidOrderAtGateway({ stock: 5, priceCents: 1100, quantity: 2 });
    as(await createUser("admin"), "admin");
    for (const body of [
      {},
      { amountCents: 0 },
      { amountCents: -1 },
      { amountCents: 10.5 },
      { amountCents: 10_000_001 },
      { shippingCents: -5 },
      { amountCents: 100, sneaky: true },
      { lines: [{ bookId: o.bookId, quantity: 1, unitPriceCents: 1 }] },
    ]) {
      expect((await adminRoute(post(body), params(o.orderId))).status, JSON.stringify(body)).toBe(400);
    }
    const { db } = await getDb();
    const [paid] = await db.execute<{ amount: number }>(
      sql`select amount_cents as amount from payments where order_id = ${o.orderId} and status = 'paid'`,
    );
    const over = await adminRoute(post({ amountCents: paid!.amount + 1 }), params(o.orderId));
    expect(over.status).toBe(409);
    expect((await errorOf(over)).message).toMatch(new RegExp(`more than the ${paid!.amount} left of what was captured`));
    expect(await refundsOf(o.orderId)).toBe(0);
    const ok = await adminRoute(
      post({ lines: [{ bookId: o.bookId, quantity: 1 }], amountCents: 100, reason: "scuffed" }),
      params(o.orderId),
    );
    expect(ok.status).toBe(202);
    // One of two copies: half of what the line was paid (no discount or tax on this sale), and the goodwill.
    const [line] = await db.execute<{ paid: number }>(
      sql`select (unit_price_cents * quantity - discount_cents + tax_cents)::int as paid from order_items where order_id = ${o.orderId}`,
    );
    expect(((await ok.json()) as { refunds: { amountCents: number }[] }).refunds[0]!.amountCents).toBe(Math.floor(line!.paid / 2) + 100);
  });
});
