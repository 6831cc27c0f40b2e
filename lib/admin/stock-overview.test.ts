import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { listStock } from "./stock-overview";

// Every book here carries a token of its own, so other files' books never match.
const token = `stk${randomUUID().slice(0, 8)}`;

async function insertBook(title: string, author: string, counts: { available: number; reserved: number; sold: number }): Promise<number> {
  const { db } = await getDb();
  const received = counts.available + counts.reserved + counts.sold;
  const [row] = await db.execute<{ id: number }>(sql`
    insert into books (title, author, genre, description, price_cents, currency, stock_available, stock_reserved, stock_sold, stock_received)
    values (${title}, ${author}, 'Fiction', 'A book for the stock overview.', 999, 'usd', ${counts.available}, ${counts.reserved}, ${counts.sold}, ${received})
    returning id`);
  return row!.id;
}

let ids: Record<"charlie" | "alpha" | "bravo" | "percent", number>;

beforeAll(async () => {
  ids = {
    charlie: await insertBook(`Charlie ${token}`, "Ann Writer", { available: 0, reserved: 2, sold: 3 }),
    alpha: await insertBook(`alpha ${token}`, "Ann Writer", { available: 4, reserved: 0, sold: 1 }),
    bravo: await insertBook(`Bravo ${token}`, "Ben Writer", { available: 10, reserved: 1, sold: 0 }),
    percent: await insertBook(`100% ${token}`, `${token} Essays`, { available: 1, reserved: 0, sold: 0 }),
  };
});

describe("listStock", () => {
  it("matches title case-insensitively, orders by title and totals every match", async () => {
    const result = await listStock({ q: token.toUpperCase(), page: 1, pageSize: 50 });
    expect(result.items.map((r) => r.id)).toEqual([ids.percent, ids.alpha, ids.bravo, ids.charlie]);
    expect(result.total).toBe(4);
    expect(result.totals).toEqual({ available: 15, reserved: 3, sold: 4, received: 22 });
    expect(result.items[3]).toEqual({
      id: ids.charlie,
      title: `Charlie ${token}`,
      author: "Ann Writer",
      available: 0,
      reserved: 2,
      sold: 3,
      received: 5,
    });
  });

  it("pages through the matches while the totals stay those of all of them", async () => {
    const second = await listStock({ q: token, page: 2, pageSize: 3 });
    expect(second.items.map((r) => r.id)).toEqual([ids.charlie]);
    expect(second).toMatchObject({ total: 4, page: 2, pageSize: 3, totals: { available: 15, received: 22 } });
    const beyond = await listStock({ q: token, page: 9, pageSize: 3 });
    expect(beyond.items).toEqual([]);
    expect(beyond.total).toBe(4);
  });

  it("matches the author too, and takes % literally", async () => {
    const byAuthor = await listStock({ q: `${token} essays`, page: 1, pageSize: 10 });
    expect(byAuthor.items.map((r) => r.id)).toEqual([ids.percent]);
    const literal = await listStock({ q: `100% ${token}`, page: 1, pageSize: 10 });
    expect(literal.items.map((r) => r.id)).toEqual([ids.percent]);
  });

  it("answers zeros when nothing matches", async () => {
    const result = await listStock({ q: `${token}-nothing`, page: 1, pageSize: 10 });
    expect(result).toEqual({ items: [], total: 0, page: 1, pageSize: 10, totals: { available: 0, reserved: 0, sold: 0, received: 0 } });
  });

  it("clamps the page to 1 or more and the page size to 1..100", async () => {
    expect(await listStock({ q: token, page: 0, pageSize: 1000 })).toMatchObject({ page: 1, pageSize: 100 });
    expect(await listStock({ q: token, page: -3, pageSize: 0 })).toMatchObject({ page: 1, pageSize: 1 });
    const odd = await listStock({ q: token, page: Number.NaN, pageSize: 2.7 });
    expect(odd).toMatchObject({ page: 1, pageSize: 2 });
    expect(odd.items).toHaveLength(2);
  });

  it("without q lists every book", async () => {
    const { db } = await getDb();
    const [{ n } = { n: 0 }] = await db.execute<{ n: number }>(sql`select count(*)::int as n from books`);
    expect((await listStock({ page: 1, pageSize: 1 })).total).toBe(n);
  });
});
