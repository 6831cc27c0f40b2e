import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { POST as stockRoute } from "@/app/api/admin/books/[id]/stock/route";
import { POST as deliverRoute } from "@/app/api/admin/orders/[id]/deliver/route";
import { POST as refundRoute } from "@/app/api/admin/orders/[id]/refund/route";
import { POST as paidOutsideRoute } from "@/app/api/admin/orders/[id]/refund-paid-outside/route";
import { POST as receiveRoute } from "@/app/api/admin/orders/[id]/returns/[returnId]/receive/route";
import { POST as rejectRoute } from "@/app/api/admin/orders/[id]/returns/[returnId]/reject/route";
import { getDb } from "@/db";
import { LIMITS } from "@/lib/http/abuse-limits";
import { adminFulfil } from "@/lib/orders/user-actions";
import { createBook, createUser, stockOf } from "@/test/fixtures";
import { paidOrderAtGateway } from "@/test/gateway";
import { signInAs } from "@/test/session";

// How often one operator may change orders and stock by hand: full refunds, deliveries, returns received
// or rejected and refunds recorded as paid outside the gateway share one limit; receiving and writing off copies another. Past it: 429 with Retry-After,
// and nothing changes; another operator is not held back. Refused requests (an order in the wrong state,
// an unknown return) count too: each one read the order.

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (await import("@/test/session")).fakeSession.session,
}));

const asAdmin = (id: string) => signInAs(id, "admin", "test.example");
const post = (body?: unknown) =>
  new Request("http://localhost/api/x", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const order = (id: string) => ({ params: Promise.resolve({ id }) });
const aReturn = (id: string, returnId: string) => ({ params: Promise.resolve({ id, returnId }) });

/** What a refused change must leave alone: the order's row, its events, its refunds. */
async function fingerprint(orderId: string) {
  const { db } = await getDb();
  const [row] = await db.execute(sql`
    select status, revision,
      (select count(*) from order_events where order_id = ${orderId})::int as events,
      (select count(*) from refunds r join payments p on p.id = r.payment_id where p.order_id = ${orderId})::int as refunds
    from orders where id = ${orderId}`);
  return row;
}

async function expectLimited(response: Response) {
  expect(response.status).toBe(429);
  expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
}

describe(`refunds, deliveries and returns by hand: at most ${LIMITS.orderChangesAdmin.points} per operator in ${LIMITS.orderChangesAdmin.duration / 60} minutes`, () => {
  it("the next one of any of the five is a 429 and changes nothing; another operator is not held back", async () => {
    const admin = await createUser("admin");
    const shipped = await paidOrderAtGateway({ quantity: 1 });
    await adminFulfil({ adminId: admin, orderId: shipped.orderId });
    const refundable = await paidOrderAtGateway({ quantity: 1 });
    asAdmin(admin);
    // One that does something, then refused ones (not shipped yet, no such return): all count.
    expect((await deliverRoute(post(), order(shipped.orderId))).status).toBe(200);
    const noReturn = randomUUID();
    for (let i = 1; i < LIMITS.orderChangesAdmin.points; i++) {
      const [call, refusedWith] = (
        [
          [() => deliverRoute(post(), order(refundable.orderId)), 409],
          [() => receiveRoute(post({ restock: [] }), aReturn(refundable.orderId, noReturn)), 409],
          [() => rejectRoute(post({ note: "Never arrived" }), aReturn(refundable.orderId, noReturn)), 409],
          [() => paidOutsideRoute(post({ refundId: noReturn, reference: "Bank transfer 1" }), order(refundable.orderId)), 409],
        ] as const
      )[i % 4]!;
      expect((await call()).status).toBe(refusedWith);
    }
    const before = await fingerprint(refundable.orderId);
    await expectLimited(await refundRoute(post({ reason: "one more" }), order(refundable.orderId)));
    await expectLimited(await deliverRoute(post(), order(refundable.orderId)));
    await expectLimited(await receiveRoute(post({ restock: [] }), aReturn(refundable.orderId, noReturn)));
    await expectLimited(await rejectRoute(post({ note: "Never arrived" }), aReturn(refundable.orderId, noReturn)));
    await expectLimited(await paidOutsideRoute(post({ refundId: noReturn, reference: "Bank transfer 1" }), order(refundable.orderId)));
    expect(await fingerprint(refundable.orderId)).toEqual(before);
    expect(before).toMatchObject({ status: "paid", refunds: 0 });

    asAdmin(await createUser("admin"));
    expect((await refundRoute(post({ reason: "my turn" }), order(refundable.orderId))).status).toBe(202);
    expect((await fingerprint(refundable.orderId))!.refunds).toBe(1);
  });

  it("a body refused as too big or malformed does not count (it is refused before the order is read)", async () => {
    const admin = await createUser("admin");
    const o = await paidOrderAtGateway({ quantity: 1 });
    asAdmin(admin);
    for (let i = 0; i < LIMITS.orderChangesAdmin.points + 5; i++) {
      expect((await refundRoute(post({ reason: "x".repeat(501) }), order(o.orderId))).status).toBe(400);
    }
    expect((await refundRoute(post({ reason: "damaged" }), order(o.orderId))).status).toBe(202);
  });
});

describe(`stock received or written off: at most ${LIMITS.stockChangesAdmin.points} changes per operator in ${LIMITS.stockChangesAdmin.duration / 60} minutes`, () => {
  it("the next one is a 429 and no counter moves; another operator is not held back", async () => {
    const admin = await createUser("admin");
    const bookId = await createBook(10);
    asAdmin(admin);
    for (let i = 0; i < LIMITS.stockChangesAdmin.points; i++) {
      const action = i % 2 === 0 ? "receive" : "write_off";
      expect((await stockRoute(post({ action, copies: 1 }), order(String(bookId)))).status).toBe(200);
    }
    const before = await stockOf(bookId);
    expect(before).toMatchObject({ available: 10 });
    await expectLimited(await stockRoute(post({ action: "receive", copies: 5 }), order(String(bookId))));
    await expectLimited(await stockRoute(post({ action: "write_off", copies: 1 }), order(String(bookId))));
    expect(await stockOf(bookId)).toEqual(before);

    asAdmin(await createUser("admin"));
    expect((await stockRoute(post({ action: "receive", copies: 5 }), order(String(bookId)))).status).toBe(200);
    expect((await stockOf(bookId)).available).toBe(15);
  });
});
