import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { dispatch } from "@/lib/orders/dispatch";
import { placeOrder } from "@/lib/orders/place-order";
import { createBook, createUser } from "@/test/fixtures";
import { getOrderCustomer, listOrdersForAdmin } from "./admin-orders";
import { adminOrderFilterSchema, orderIdRange } from "./order-filter";

// The operator's worklist against the real database: search by e-mail, name and order number, pages past
// the newest 100, the to-ship queue, and the filter's caps.

const created: string[] = [];

afterAll(async () => {
  const { db } = await getDb();
  // Only the hand-made 2001 rows go (the real orders hold stock the conservation checks count).
  await db.execute(sql`delete from orders where id = any(${`{${created.join(",")}}`}::uuid[]) and created_at < '2002-01-01'`);
});

async function namedUser(name: string): Promise<{ userId: string; email: string }> {
  const userId = await createUser();
  const { db } = await getDb();
  await db.execute(sql`update users set name = ${name} where id = ${userId}`);
  return { userId, email: `${userId}@test.example` };
}

async function paidOrder(userId: string, bookId: number): Promise<string> {
  const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 1 }] });
  const { db } = await getDb();
  const [row] = await db.execute<{ total_cents: number }>(sql`select total_cents from orders where id = ${orderId}`);
  const paymentId = randomUUID();
  await dispatch(orderId, { type: "START_PAYMENT", paymentId }, "user", { session: { id: `cs_${paymentId}`, url: "https://pay.test" } });
  await dispatch(orderId, { type: "PAYMENT_SUCCEEDED", paymentId, amountCents: row!.total_cents, currency: "usd" }, "gateway");
  return orderId;
}

describe("the operator's order filter", () => {
  const parse = (query: Record<string, string>) => adminOrderFilterSchema.safeParse(query);

  it("caps the search and the page: too long, control characters, page 0, past 1000 or not a whole number are refused", () => {
    expect(parse({ q: "x".repeat(254) }).success).toBe(true);
    expect(parse({ q: "x".repeat(255) }).success).toBe(false);
    expect(parse({ q: "a\u0000b" }).success).toBe(false);
    expect(parse({ q: "  Ada@Example.com " })).toMatchObject({ success: true, data: { q: "Ada@Example.com" } });
    for (const page of ["0", "-1", "1001", "99999999999999999999", "1.5", "1e3", "abc", " 2", "02"]) {
      expect(parse({ page }).success, page).toBe(false);
    }
    expect(parse({ page: "1000" })).toMatchObject({ success: true, data: { page: 1000 } });
    expect(parse({ queue: "to-ship" }).success).toBe(true);
    expect(parse({ queue: "everything" }).success).toBe(false);
    expect(parse({ unknown: "ignored" })).toMatchObject({ success: true, data: {} });
  });

  it("reads an order number as the start of the id, with or without dashes, in either case", () => {
    expect(orderIdRange("1A2B3C4D")).toEqual({
      low: "1a2b3c4d-0000-0000-0000-000000000000",
      high: "1a2b3c4d-ffff-ffff-ffff-ffffffffffff",
    });
    const id = randomUUID();
    expect(orderIdRange(id)).toEqual({ low: id, high: id });
    expect(orderIdRange(id.replace(/-/g, "").toUpperCase())).toEqual({ low: id, high: id });
    expect(orderIdRange("abc")).toBeNull(); // too short to mean an order
    expect(orderIdRange("ada@example.com")).toBeNull();
    expect(orderIdRange("1a2b3c4g")).toBeNull();
  });
});

describe("listOrdersForAdmin", () => {
  it("finds orders by e-mail (any case, any part), by the customer's name and by order number; shows name and e-mail", async () => {
    const name = `Ada Searchable ${randomUUID().slice(0, 6)}`;
    const { userId, email } = await namedUser(name);
    const other = await namedUser("Someone Else");
    const bookId = await createBook(10, 1000);
    const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 1 }] });
    const { orderId: otherOrder } = await placeOrder({ userId: other.userId, items: [{ bookId, quantity: 1 }] });
    const ids = async (q: string) => (await listOrdersForAdmin({ q })).items.map((o) => o.id);

    expect(await ids(email.toUpperCase())).toEqual([orderId]);
    expect(await ids(email.slice(0, 13))).toEqual([orderId]);
    expect(await ids(name.toLowerCase())).toEqual([orderId]);
    expect(await ids(orderId.slice(0, 8).toUpperCase())).toContain(orderId);
    expect(await ids(orderId.slice(0, 8).toUpperCase())).not.toContain(otherOrder);
    expect(await ids(orderId)).toEqual([orderId]);
    expect(await ids(`no-such-${randomUUID()}`)).toEqual([]);
    // LIKE's wildcards are plain characters here.
    expect(await ids("%")).not.toContain(orderId);
    const [row] = (await listOrdersForAdmin({ q: orderId })).items;
    expect(row).toMatchObject({ id: orderId, email, name, isGuest: false, status: "created", paidAt: null, isHeldByDispute: false });
    expect(await getOrderCustomer(orderId)).toMatchObject({ name, email, isGuest: false, orderCount: 1 });
    expect(await getOrderCustomer(randomUUID())).toBeNull();
  });

  it("pages past the newest 100: 50 a page, newest first, no order twice or missed, and an empty page past the end", async () => {
    const { db } = await getDb();
    const { userId, email } = await namedUser("Paging Shopper");
    const inserted: string[] = [];
    for (let i = 0; i < 120; i++) {
      const id = randomUUID();
      inserted.push(id);
      created.push(id);
      const at = new Date(Date.UTC(2001, 5, 1) + i * 60_000).toISOString();
      await db.execute(sql`
        insert into orders (id, user_id, status, machine_snapshot, machine_version, payment_deadline, subtotal_cents, total_cents, currency, created_at, updated_at)
        values (${id}, ${userId}, 'cancelled', '{}'::jsonb, 1, ${at}::timestamptz, 100, 100, 'usd', ${at}::timestamptz, ${at}::timestamptz)`);
    }
    const filter = { q: email, from: "2001-06-01", to: "2001-06-01" };
    const pages = await Promise.all([1, 2, 3, 4].map((page) => listOrdersForAdmin({ ...filter, page })));
    expect(pages.map((p) => [p.items.length, p.hasMore])).toEqual([
      [50, true],
      [50, true],
      [20, false],
      [0, false],
    ]);
    expect(pages.flatMap((p) => p.items.map((o) => o.id))).toEqual([...inserted].reverse());
  });

  it("the to-ship queue: paid orders not shipped yet, oldest payment first; shipped and unpaid ones are not on it", async () => {
    const { userId, email } = await namedUser("Queue Shopper");
    const bookId = await createBook(10, 1000);
    const first = await paidOrder(userId, bookId);
    const second = await paidOrder(userId, bookId);
    const shipped = await paidOrder(userId, bookId);
    expect(
      (
        await dispatch(
          shipped,
          { type: "FULFIL", trackingNumber: `PL${randomUUID().slice(0, 8)}`, estimatedDelivery: "2030-01-01" },
          "admin",
        )
      ).status,
    ).toBe("fulfilled");
    await placeOrder({ userId, items: [{ bookId, quantity: 1 }] }); // unpaid
    const queue = await listOrdersForAdmin({ queue: "to-ship", q: email });
    expect(queue.items.map((o) => o.id)).toEqual([first, second]);
    expect(queue.items.every((o) => o.status === "paid" && o.paidAt !== null)).toBe(true);
    // The whole queue, unsearched, holds them too, in payment order.
    const all = (await listOrdersForAdmin({ queue: "to-ship", pageSize: 1000 })).items.map((o) => o.id);
    expect(all.indexOf(first)).toBeLessThan(all.indexOf(second));
    expect(all).not.toContain(shipped);
  });
});
