// Every cookieless POST /api/cart/items makes a new anonymous cart (a carts row
// and its line). A security audit found no limit: a script that drops the
// cart_id cookie (and sends the store's Origin, which only browsers are held
// to) grew the database without bound. Now LIMITS.anonymousCart per client
// address; this test failed before.
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { POST as addItemRoute } from "@/app/api/cart/items/route";
import { getDb } from "@/db";
import { ANONYMOUS_CART_DAYS, addCartItem, createCart } from "@/lib/cart/cart-store";
import { LIMITS } from "@/lib/http/abuse-limits";
import { createBook, createUser } from "@/test/fixtures";
import { placedGuestOrder } from "@/test/gateway";
import { reconcileOnce } from "@/test/late-webhooks";

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => null,
}));

// A client that never sends a cookie back.
vi.mock("next/headers", () => import("@/test/cookies").then((m) => m.noCookies));

async function anonymousCarts(): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from carts where user_id is null`);
  return row!.n;
}

describe("anonymous carts", () => {
  it("one client address makes at most LIMITS.anonymousCart.points new carts in its window, then 429; another address is not held up", async () => {
    const bookId = await createBook(5);
    const add = (address: string) =>
      addItemRoute(
        new Request("http://localhost/api/cart/items", {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": address, origin: "http://localhost" },
          body: JSON.stringify({ bookId, quantity: 1 }),
        }),
        undefined,
      );
    const address = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const before = await anonymousCarts();
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.anonymousCart.points + 20; i++) statuses.push((await add(address)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMITS.anonymousCart.points);
    expect(statuses.slice(LIMITS.anonymousCart.points).every((s) => s === 429)).toBe(true);
    expect((await anonymousCarts()) - before).toBe(LIMITS.anonymousCart.points);
    const refused = await add(address);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await add(`198.51.100.${Math.floor(Math.random() * 250) + 1}`)).status).toBe(200);
  });
});

// A security audit's find: nothing deleted an anonymous cart, so every browser that ever added a book
// left a row for good. The reconciler now purges those whose cookie has expired.
describe("abandoned anonymous carts", () => {
  it("are purged by the reconciler once their cookie has expired, with their lines; a guest order's cart, a newer one and an account's stay", async () => {
    const bookId = await createBook(5);
    const { db } = await getDb();
    const old = await createCart(null);
    await addCartItem(old, bookId, 1);
    const fresh = await createCart(null);
    const ordered = (await placedGuestOrder()).cartId;
    const account = await createCart(await createUser());
    const aged = [old, ordered, account];
    await db.execute(sql`update carts set created_at = now() - make_interval(days => ${ANONYMOUS_CART_DAYS + 1})
      where id = any(${`{${aged.join(",")}}`}::uuid[])`);
    await reconcileOnce();
    const left = await db.execute<{ id: string }>(
      sql`select id from carts where id = any(${`{${[old, fresh, ordered, account].join(",")}}`}::uuid[])`,
    );
    expect(left.map((r) => r.id).sort()).toEqual([fresh, ordered, account].sort());
    const [lines] = await db.execute<{ n: number }>(sql`select count(*)::int as n from cart_items where cart_id = ${old}`);
    expect(lines!.n).toBe(0);
  });
});
