import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { withOrderTransaction } from "@/db/transaction";
import { isAppError } from "@/lib/errors";
import { createBook, createUser } from "@/test/fixtures";
import { dispatch } from "./dispatch";
import { watchOrder, watchedOrderCount, type OrderChange } from "./order-changes";
import { openOrderStream } from "./order-stream";
import { placeOrder } from "./place-order";

async function newOrder() {
  const userId = await createUser();
  const bookId = await createBook(3);
  const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 1 }] });
  return { userId, orderId };
}

/** Reads SSE frames off a stream, one `order` event at a time. */
function frames(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async next(): Promise<OrderChange> {
      for (;;) {
        const match = /event: order\ndata: (.*)\n\n/.exec(buffer);
        if (match) {
          buffer = buffer.slice(match.index + match[0].length);
          return JSON.parse(match[1]!) as OrderChange;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        buffer += decoder.decode(value, { stream: true });
      }
    },
  };
}

const within = <T>(promise: Promise<T>, ms = 5000) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms))]);

describe("live order changes (LISTEN/NOTIFY)", () => {
  it("a committed dispatch notifies the order's watchers with the new revision and status", async () => {
    const { orderId } = await newOrder();
    const seen: OrderChange[] = [];
    const stop = await watchOrder(orderId, (change) => seen.push(change));
    await dispatch(orderId, { type: "CANCEL" }, "user");
    await expect.poll(() => seen.filter((c) => c.revision > 1), { timeout: 5000 }).toEqual([{ orderId, revision: 2, status: "cancelled" }]);
    stop();
  });

  it("a rolled-back transition notifies nobody", async () => {
    const { orderId } = await newOrder();
    const seen: OrderChange[] = [];
    const stop = await watchOrder(orderId, (change) => seen.push(change));
    const { db } = await getDb();
    await withOrderTransaction(async () => {
      await dispatch(orderId, { type: "CANCEL" }, "user");
      throw new Error("roll back");
    }).catch(() => undefined);
    await dispatch(orderId, { type: "START_PAYMENT", paymentId: crypto.randomUUID() }, "user", {
      session: { id: "cs_live_1", url: "https://pay.test" },
    });
    // (The CHECKOUT notice of placeOrder may still be on its way: only later revisions count.)
    await expect.poll(() => seen.filter((c) => c.revision > 1), { timeout: 5000 }).toEqual([{ orderId, revision: 2, status: "created" }]);
    const [row] = await db.execute<{ status: string }>(sql`select status from orders where id = ${orderId}`);
    expect(row!.status).toBe("created");
    stop();
  });

  it("the SSE stream sends the current revision, then each change, and stops watching when the client leaves", async () => {
    const { userId, orderId } = await newOrder();
    const abort = new AbortController();
    const before = watchedOrderCount();
    const stream = frames(await openOrderStream({ orderId, viewer: { userId, role: "customer" }, signal: abort.signal }));
    expect(await within(stream.next())).toEqual({ orderId, revision: 1, status: "created" });
    await dispatch(orderId, { type: "CANCEL" }, "user");
    expect(await within(stream.next())).toEqual({ orderId, revision: 2, status: "cancelled" });
    expect(watchedOrderCount()).toBe(before + 1);
    abort.abort();
    expect(watchedOrderCount()).toBe(before);
  });

  it("re-reads the row on its timer, so a missed notification still arrives", async () => {
    const { userId, orderId } = await newOrder();
    const abort = new AbortController();
    const stream = frames(
      await openOrderStream({ orderId, viewer: { userId, role: "customer" }, signal: abort.signal, checkEveryMs: 200 }),
    );
    expect((await within(stream.next())).revision).toBe(1);
    // A change written without NOTIFY (as if the LISTEN connection had dropped).
    const { db } = await getDb();
    await db.execute(sql`update orders set revision = revision + 1 where id = ${orderId}`);
    expect((await within(stream.next())).revision).toBe(2);
    abort.abort();
  });

  it("another shopper's order, or a malformed id, is not found; an admin may watch any order", async () => {
    const { orderId } = await newOrder();
    const stranger = await createUser();
    const signal = new AbortController().signal;
    for (const id of [orderId, "not-an-order"]) {
      const error = await openOrderStream({ orderId: id, viewer: { userId: stranger, role: "customer" }, signal }).catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe("not_found");
    }
    const admin = new AbortController();
    const stream = frames(
      await openOrderStream({ orderId, viewer: { userId: await createUser("admin"), role: "admin" }, signal: admin.signal }),
    );
    expect((await within(stream.next())).orderId).toBe(orderId);
    admin.abort();
  });
});
