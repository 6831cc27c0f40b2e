import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";

/** A customer row (password hash is a placeholder: these users never sign in). */
export async function createUser(role: "customer" | "admin" = "customer"): Promise<string> {
  const { db } = await getDb();
  const id = randomUUID();
  await db.execute(sql`insert into users (id, email, password_hash, name, role)
    values (${id}, ${`${id}@test.example`}, 'not-a-hash', 'Test Shopper', ${role})`);
  return id;
}

/** A fresh book with `stock` copies received, so each test owns its counters. */
/** A book with `stock` copies; `about` names its title, author and genre (alternatives are found by them). */
export async function createBook(
  stock: number,
  priceCents = 1299,
  about: { title?: string; author?: string; genre?: string } = {},
): Promise<number> {
  const { db } = await getDb();
  const title = about.title ?? `Test Book ${randomUUID().slice(0, 8)}`;
  const rows = await db.execute<{ id: number }>(sql`
    insert into books (title, author, genre, description, price_cents, currency, stock_available, stock_received)
    values (${title}, ${about.author ?? "Test Author"}, ${about.genre ?? "Fiction"}, 'A book for tests.', ${priceCents}, 'usd', ${stock}, ${stock})
    returning id`);
  return rows[0]!.id;
}

export type StockCounters = { available: number; reserved: number; sold: number; received: number };

export async function stockOf(bookId: number): Promise<StockCounters> {
  const { db } = await getDb();
  const rows = await db.execute<StockCounters>(sql`
    select stock_available as available, stock_reserved as reserved, stock_sold as sold, stock_received as received
    from books where id = ${bookId}`);
  return rows[0]!;
}

export async function orderRow(orderId: string) {
  const { db } = await getDb();
  const rows = await db.execute<{
    status: string;
    revision: number;
    needs_attention: boolean;
    tracking_number: string | null;
    subtotal_cents: number;
    discount_cents: number;
    shipping_cents: number;
    tax_cents: number;
    total_cents: number;
    shipping_method: string | null;
    shipping_country: string | null;
    promotion_code: string | null;
  }>(sql`
    select status, revision, needs_attention, tracking_number, subtotal_cents, discount_cents, shipping_cents, tax_cents, total_cents,
      shipping_method, shipping_country, promotion_code
    from orders where id = ${orderId}`);
  return rows[0]!;
}

export async function eventTypes(orderId: string): Promise<string[]> {
  const { db } = await getDb();
  const rows = await db.execute<{ type: string }>(sql`select type from order_events where order_id = ${orderId} order by id`);
  return rows.map((r) => r.type);
}

export async function jobKeys(orderId: string): Promise<string[]> {
  const { db } = await getDb();
  const rows = await db.execute<{ key: string }>(sql`
    select key from graphile_worker._private_jobs where payload->>'orderId' = ${orderId} order by key`);
  return rows.map((r) => r.key);
}

/** The order's refunds, oldest first. */
export async function refundRows(orderId: string) {
  const { db } = await getDb();
  return db.execute<{
    id: string;
    payment_id: string;
    status: string;
    reason: string;
    amount_cents: number;
    gateway_refund_id: string | null;
    outside: boolean;
    outside_reference: string | null;
  }>(
    sql`select id, payment_id, status, reason, amount_cents, gateway_refund_id, outside, outside_reference
      from refunds where order_id = ${orderId} order by created_at, id`,
  );
}
