import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { MACHINE_VERSION } from "@/machines/order-machine";
import { paidOrderAtGateway } from "@/test/gateway";
import { requestPartialRefund, requestRefund } from "./user-actions";

// Migration 0011's hand-written SQL carries existing orders over: payments hold
// their existing refunds, and snapshots stored by machine v2 learn their lines'
// prices (upgradeRefundsV2 then loads them under v3).

const handSql = readFileSync("db/migrations/0011_partial_refunds.sql", "utf8")
  .split("--> statement-breakpoint")
  .map((statement) => statement.trim())
  .filter((statement) => !statement.startsWith("ALTER TABLE"));

/** The order as machine v2 stored it: lines without prices, no restocked list; payments before refunded_cents. */
async function asBeforeMigration(orderId: string) {
  const { db } = await getDb();
  await db.execute(sql`
    update orders set machine_version = 2, machine_snapshot = jsonb_set(
      machine_snapshot #- '{context,restocked}', '{context,items}',
      (select jsonb_agg(item - 'unitPriceCents') from jsonb_array_elements(machine_snapshot->'context'->'items') item))
    where id = ${orderId}`);
  await db.execute(sql`update payments set refunded_cents = 0 where order_id = ${orderId}`);
}

async function runHandSql() {
  const { db } = await getDb();
  expect(handSql).toHaveLength(2);
  for (const statement of handSql) await db.execute(sql.raw(statement));
}

describe("migration 0011 (partial refunds)", () => {
  it("a payment holds the refunds it already has", async () => {
    const o = await paidOrderAtGateway({ stock: 5, priceCents: 1100, quantity: 2 });
    await requestRefund({ userId: o.userId, orderId: o.orderId });
    await asBeforeMigration(o.orderId);
    await runHandSql();
    const { db } = await getDb();
    const [payment] = await db.execute<{ amount_cents: number; refunded_cents: number }>(
      sql`select amount_cents, refunded_cents from payments where order_id = ${o.orderId} and status = 'paid'`,
    );
    expect(payment!.refunded_cents).toBe(payment!.amount_cents);
  });

  it("a v2 order learns its lines' prices and refunds a line for what it was paid", async () => {
    const o = await paidOrderAtGateway({ stock: 5, priceCents: 1100, quantity: 2 });
    await asBeforeMigration(o.orderId);
    const { db } = await getDb();
    const before = await db.execute<{ items: unknown[] }>(
      sql`select machine_snapshot->'context'->'items' as items from orders where id = ${o.orderId}`,
    );
    expect(before[0]!.items).toEqual([{ bookId: o.bookId, quantity: 2 }]);
    await runHandSql();
    const after = await db.execute<{ items: unknown[] }>(
      sql`select machine_snapshot->'context'->'items' as items from orders where id = ${o.orderId}`,
    );
    expect(after[0]!.items).toEqual([{ bookId: o.bookId, quantity: 2, unitPriceCents: 1100 }]);
    const view = await requestPartialRefund({ userId: o.userId, orderId: o.orderId, lines: [{ bookId: o.bookId, quantity: 1 }] });
    const [line] = await db.execute<{ paid: number }>(
      sql`select (unit_price_cents * quantity - discount_cents + tax_cents)::int as paid from order_items where order_id = ${o.orderId}`,
    );
    expect(view.refunds[0]!.amountCents).toBe(Math.floor(line!.paid / 2));
    // Saved under the machine it now runs.
    const [saved] = await db.execute<{ machine_version: number }>(sql`select machine_version from orders where id = ${o.orderId}`);
    expect(saved!.machine_version).toBe(MACHINE_VERSION);
  });
});
