import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { runOrderJobs } from "@/test/run-jobs";
import { resetEnvCache } from "@/lib/env";
import { LIMITS, take } from "@/lib/http/abuse-limits";
import { stripeClient } from "@/lib/payments/stripe-client";
import { createUser, eventTypes, jobKeys, orderRow, stockOf } from "@/test/fixtures";
import { paidOrderAtGateway } from "@/test/gateway";
import { POST as deliverRoute } from "@/app/api/admin/orders/[id]/deliver/route";
import { POST as receiveRoute } from "@/app/api/admin/orders/[id]/returns/[returnId]/receive/route";
import { POST as rejectRoute } from "@/app/api/admin/orders/[id]/returns/[returnId]/reject/route";
import { POST as returnRoute } from "@/app/api/orders/[id]/returns/route";
import { dispatch } from "./dispatch";
import { getOrder } from "./order-view";
import { adminDeliver, adminFulfil, adminReceiveReturn, adminRejectReturn, requestReturn } from "./user-actions";

// Returns end to end through dispatch: the shopper's request inside and
// outside the window, received with and without restock (refunded at the
// emulated gateway), rejected, expired; and who may call the routes, how
// often, with how much.

type SessionUser = { id: string; email: string; name: string; role: "customer" | "admin" };
const fake = vi.hoisted(() => ({ session: null as { user: SessionUser } | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => fake.session,
}));

afterEach(() => {
  delete process.env.RETURN_WINDOW_DAYS;
  resetEnvCache();
  fake.session = null;
});

const work = (orderId: string, tasks?: string[]) => runOrderJobs(orderId, { tasks });

async function deliveredOrder() {
  const o = await paidOrderAtGateway({ stock: 5, priceCents: 1000, quantity: 2 });
  const admin = await createUser("admin");
  await adminFulfil({ adminId: admin, orderId: o.orderId });
  const view = await adminDeliver({ adminId: admin, orderId: o.orderId });
  expect(view.status).toBe("delivered");
  return { ...o, admin };
}

/** What the shopper paid for the first `units` copies of the line: its total split evenly, the remainder on the last copy. */
async function paidForUnits(orderId: string, units: number): Promise<number> {
  const { db } = await getDb();
  const [line] = await db.execute<{ total: number; quantity: number }>(sql`
    select unit_price_cents * quantity - discount_cents + tax_cents as total, quantity from order_items where order_id = ${orderId}`);
  const each = Math.floor(line!.total / line!.quantity);
  return units === line!.quantity ? line!.total : each * units;
}

async function gatewayRefunds(orderId: string): Promise<number[]> {
  const { db } = await getDb();
  const [p] = await db.execute<{ pi: string }>(
    sql`select gateway_payment_intent_id as pi from payments where order_id = ${orderId} and status in ('paid', 'refunded')`,
  );
  const refunds = await stripeClient().refunds.list({ payment_intent: p!.pi, limit: 100 });
  return refunds.data.map((r) => r.amount).sort();
}

async function returnRows(orderId: string) {
  const { db } = await getDb();
  return db.execute<{ id: string; status: string; refund_cents: number; restocked: unknown }>(
    sql`select id, status, refund_cents, restocked from order_returns where order_id = ${orderId} order by created_at`,
  );
}

const user = (id: string, role: "customer" | "admin" = "customer") => {
  fake.session = { user: { id, email: `${id}@example.com`, name: "Reader", role } };
};
const post = (body: unknown) =>
  new Request("http://localhost/api", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });

describe("returns through dispatch", () => {
  it("received with restock: the copy is back on the shelf and what was paid for it is refunded at the gateway", async () => {
    const o = await deliveredOrder();
    const asked = await requestReturn({
      userId: o.userId,
      orderId: o.orderId,
      lines: [{ bookId: o.bookId, quantity: 1 }],
      reason: "Arrived damaged",
    });
    const ret = asked.returns[0]!;
    expect(ret).toMatchObject({ status: "requested", reason: "Arrived damaged", lines: [{ bookId: o.bookId, quantity: 1 }] });
    expect(await jobKeys(o.orderId)).toContain(`return-expiry:${ret.id}`);
    const before = await stockOf(o.bookId);
    const received = await adminReceiveReturn({
      adminId: o.admin,
      orderId: o.orderId,
      returnId: ret.id,
      restock: [{ bookId: o.bookId, quantity: 1 }],
    });
    const expected = await paidForUnits(o.orderId, 1);
    expect(received.returns[0]).toMatchObject({
      status: "received",
      refundCents: expected,
      restocked: [{ bookId: o.bookId, quantity: 1 }],
    });
    expect(await stockOf(o.bookId)).toEqual({ ...before, available: before.available + 1, sold: before.sold - 1 });
    expect(await jobKeys(o.orderId)).not.toContain(`return-expiry:${ret.id}`);
    await work(o.orderId);
    const view = await getOrder(o.orderId);
    expect(view.status).toBe("delivered");
    expect(view.refunds).toEqual([expect.objectContaining({ status: "succeeded", amountCents: expected, reason: "returned" })]);
    expect(view.payments.find((p) => p.status === "paid")).toBeTruthy();
    expect(await gatewayRefunds(o.orderId)).toEqual([expected]);
    expect(await eventTypes(o.orderId)).toEqual(
      expect.arrayContaining(["OrderDelivered", "ReturnRequested", "ReturnReceived", "RefundRequested", "PaymentRefunded"]),
    );
    // Each step sent its e-mail.
    await work(o.orderId, ["send_email"]);
    const { db } = await getDb();
    const mails = await db.execute<{ subject: string }>(sql`select subject from emails where order_id = ${o.orderId} order by created_at`);
    const subjects = mails.map((m) => m.subject).join(" | ");
    for (const s of ["was delivered", "Return requested", "We received your return", "is refunded"]) expect(subjects).toContain(s);
  });

  it("received without restock: stock stays sold (written off), still refunded; then the other copy: the refunds add up to the line", async () => {
    const o = await deliveredOrder();
    const first = (
      await requestReturn({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookId, quantity: 1 }], reason: "Wrong book" })
    ).returns[0]!;
    const before = await stockOf(o.bookId);
    await adminReceiveReturn({ adminId: o.admin, orderId: o.orderId, returnId: first.id, restock: [] });
    expect(await stockOf(o.bookId)).toEqual(before);
    await work(o.orderId);
    const second = (
      await requestReturn({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookId, quantity: 1 }], reason: "Also wrong" })
    ).returns[1]!;
    await adminReceiveReturn({ adminId: o.admin, orderId: o.orderId, returnId: second.id, restock: [{ bookId: o.bookId, quantity: 1 }] });
    await work(o.orderId);
    const total = await paidForUnits(o.orderId, 2);
    const refunds = await gatewayRefunds(o.orderId);
    expect(refunds.reduce((a, b) => a + b, 0)).toBe(total);
    // Nothing is left to return.
    await expect(
      requestReturn({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookId, quantity: 1 }], reason: "Again" }),
    ).rejects.toMatchObject({ code: "invalid_transition" });
  });

  it("outside the window, before delivery, or for more copies than bought: 409 and nothing changes", async () => {
    const o = await deliveredOrder();
    await expect(
      requestReturn({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookId, quantity: 3 }], reason: "Too many" }),
    ).rejects.toMatchObject({ code: "invalid_transition" });
    process.env.RETURN_WINDOW_DAYS = "0";
    resetEnvCache();
    await new Promise((r) => setTimeout(r, 5));
    const revision = (await orderRow(o.orderId)).revision;
    await expect(
      requestReturn({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookId, quantity: 1 }], reason: "Late" }),
    ).rejects.toMatchObject({ code: "invalid_transition" });
    expect((await orderRow(o.orderId)).revision).toBe(revision);
    expect(await returnRows(o.orderId)).toEqual([]);
    const shipped = await paidOrderAtGateway({ stock: 2, priceCents: 900 });
    await adminFulfil({ adminId: o.admin, orderId: shipped.orderId });
    await expect(
      requestReturn({
        userId: shipped.userId,
        orderId: shipped.orderId,
        lines: [{ bookId: shipped.bookId, quantity: 1 }],
        reason: "Not yet",
      }),
    ).rejects.toMatchObject({ code: "invalid_transition" });
  });

  it("rejected: the operator's note, no refund, no expiry job; the copies may be asked for again", async () => {
    const o = await deliveredOrder();
    const ret = (
      await requestReturn({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookId, quantity: 2 }], reason: "Changed my mind" })
    ).returns[0]!;
    const view = await adminRejectReturn({ adminId: o.admin, orderId: o.orderId, returnId: ret.id, note: "Opened and read" });
    expect(view.returns[0]).toMatchObject({ status: "rejected", note: "Opened and read" });
    expect(view.refunds).toEqual([]);
    expect(await jobKeys(o.orderId)).not.toContain(`return-expiry:${ret.id}`);
    await expect(adminRejectReturn({ adminId: o.admin, orderId: o.orderId, returnId: ret.id, note: "Again" })).resolves.toBeTruthy();
    expect((await getOrder(o.orderId)).allowedActions).toEqual(["return"]);
  });

  it("expired: the timer job closes a return whose parcel never came", async () => {
    const o = await deliveredOrder();
    const ret = (
      await requestReturn({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookId, quantity: 1 }], reason: "Lost it" })
    ).returns[0]!;
    // Too early: the machine refuses, nothing changes.
    expect((await dispatch(o.orderId, { type: "RETURN_EXPIRED", returnId: ret.id }, "timer")).outcome).toBe("ignored");
    const { db } = await getDb();
    await db.execute(
      sql`update orders set machine_snapshot = jsonb_set(machine_snapshot, '{context,returns,0,expiresAt}', '0'::jsonb) where id = ${o.orderId}`,
    );
    await work(o.orderId, ["return_expiry"]);
    expect((await getOrder(o.orderId)).returns[0]).toMatchObject({ status: "expired" });
    expect(await eventTypes(o.orderId)).toContain("ReturnExpired");
    await expect(adminReceiveReturn({ adminId: o.admin, orderId: o.orderId, returnId: ret.id, restock: [] })).rejects.toMatchObject({
      code: "invalid_transition",
    });
  });
});

describe("return and delivery routes: who, how often, how much", () => {
  it("POST /api/orders/:id/returns: the order's shopper only; bounded body; clear 4xx; rate-limited", async () => {
    const o = await deliveredOrder();
    const body = { lines: [{ bookId: o.bookId, quantity: 1 }], reason: "Damaged" };
    expect((await returnRoute(post(body), params({ id: o.orderId }))).status).toBe(401);
    user(await createUser());
    expect((await returnRoute(post(body), params({ id: o.orderId }))).status).toBe(404);
    user(o.userId);
    const bad = [
      { lines: [], reason: "Damaged" },
      { lines: [{ bookId: o.bookId, quantity: 0 }], reason: "Damaged" },
      { lines: [{ bookId: o.bookId, quantity: 1 }], reason: "" },
      { lines: [{ bookId: o.bookId, quantity: 1 }], reason: "x".repeat(501) },
      { lines: [{ bookId: o.bookId, quantity: 1, price: 1 }], reason: "Damaged" },
      "{nope",
    ];
    for (const b of bad) expect((await returnRoute(post(b), params({ id: o.orderId }))).status).toBe(400);
    expect((await returnRoute(post({ ...body, pad: "x".repeat(20_000) }), params({ id: o.orderId }))).status).toBe(413);
    expect(await returnRows(o.orderId)).toEqual([]);
    const ok = await returnRoute(post(body), params({ id: o.orderId }));
    expect(ok.status).toBe(202);
    for (let i = 1; i < LIMITS.returnRequests.points; i++) await take(LIMITS.returnRequests, o.userId);
    expect((await returnRoute(post(body), params({ id: o.orderId }))).status).toBe(429);
    expect(await returnRows(o.orderId)).toHaveLength(1);
  });

  it("operator routes are not there for shoppers (404); bad bodies are 400; an operator delivers, receives and rejects", async () => {
    const o = await paidOrderAtGateway({ stock: 4, priceCents: 800, quantity: 2 });
    const admin = await createUser("admin");
    await adminFulfil({ adminId: admin, orderId: o.orderId });
    user(o.userId);
    expect((await deliverRoute(post({}), params({ id: o.orderId }))).status).toBe(404);
    user(admin, "admin");
    expect((await deliverRoute(post({}), params({ id: o.orderId }))).status).toBe(200);
    expect((await deliverRoute(post({}), params({ id: o.orderId }))).status).toBe(200); // a repeat is a duplicate, not an error
    const ret = (
      await requestReturn({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookId, quantity: 2 }], reason: "Damaged" })
    ).returns[0]!;
    const ids = params({ id: o.orderId, returnId: ret.id });
    user(o.userId);
    expect((await receiveRoute(post({ restock: [] }), ids)).status).toBe(404);
    expect((await rejectRoute(post({ note: "No" }), ids)).status).toBe(404);
    user(admin, "admin");
    expect((await receiveRoute(post({ restock: [{ bookId: o.bookId, quantity: -1 }] }), ids)).status).toBe(400);
    expect((await rejectRoute(post({ note: "" }), ids)).status).toBe(400);
    expect((await receiveRoute(post({ restock: [{ bookId: o.bookId, quantity: 3 }] }), ids)).status).toBe(409);
    expect((await returnRows(o.orderId))[0]!.status).toBe("requested");
    const received = await receiveRoute(post({ restock: [{ bookId: o.bookId, quantity: 2 }] }), ids);
    expect(received.status).toBe(202);
    // Already received: it cannot be rejected any more.
    expect((await rejectRoute(post({ note: "Too late" }), ids)).status).toBe(409);
  });
});
