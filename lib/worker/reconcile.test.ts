import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { runDueJobs } from "@/test/run-jobs";
import { addJob } from "@/lib/worker/jobs";
import { orderRow, stockOf } from "@/test/fixtures";
import { orderAtGateway, payAtGateway } from "@/test/gateway";

// The reconciler against the emulator with webhooks switched off (the test
// setup starts it that way): it alone must settle what the webhooks would have.

let url = "";

const pay = (sessionId: string) => payAtGateway(sessionId);
const orderWithSession = () => orderAtGateway({ stock: 3, priceCents: 999 });

/** One reconciler cycle; the orders' payments are aged first (they count as quiet after 10 s). */
async function reconcileOnce(orderIds: string[]) {
  const { db } = await getDb();
  await db.execute(
    sql`update payments set created_at = created_at - interval '1 minute' where order_id = any(${`{${orderIds.join(",")}}`}::uuid[])`,
  );
  await addJob(db, "reconcile_orders", {}, { jobKey: "reconcile_orders" });
  // The cycle alone (and what it queues), not the jobs other files left in this worker's database.
  await runDueJobs({ connectionString: url, tasks: ["reconcile_orders"] });
}

beforeAll(async () => {
  url = (await getDb()).url;
});

describe("the reconciler", () => {
  it("with no webhooks at all, every paid order becomes paid within one cycle", async () => {
    const orders = await Promise.all(Array.from({ length: 5 }, () => orderWithSession()));
    for (const o of orders) await pay(o.sessionId);
    const unpaid = await orderWithSession();
    await reconcileOnce([...orders.map((o) => o.orderId), unpaid.orderId]);
    for (const o of orders) expect((await orderRow(o.orderId)).status).toBe("paid");
    expect((await orderRow(unpaid.orderId)).status).toBe("created");
  });

  it("settles an overdue order a dead worker never timed out, and a paid one it missed", async () => {
    const overdue = await orderWithSession();
    const paidLate = await orderWithSession();
    await pay(paidLate.sessionId);
    const { db } = await getDb();
    // The worker was down: the timeout jobs never ran and the deadline passed.
    await db.execute(sql`delete from graphile_worker._private_jobs where payload->>'orderId' in (${overdue.orderId}, ${paidLate.orderId})`);
    await db.execute(sql`update orders set payment_deadline = now() - interval '1 minute',
      machine_snapshot = jsonb_set(machine_snapshot, '{context,paymentDeadline}', to_jsonb((extract(epoch from now()) * 1000 - 60000)::bigint))
      where id in (${overdue.orderId}, ${paidLate.orderId})`);
    await reconcileOnce([overdue.orderId, paidLate.orderId]);
    expect((await orderRow(overdue.orderId)).status).toBe("cancelled");
    expect(await stockOf(overdue.bookId)).toEqual({ available: 3, reserved: 0, sold: 0, received: 3 });
    expect((await orderRow(paidLate.orderId)).status).toBe("paid");
    // A second cycle changes nothing.
    await reconcileOnce([overdue.orderId, paidLate.orderId]);
    expect((await orderRow(overdue.orderId)).status).toBe("cancelled");
  });

  it("removes operation-log rows older than 7 days and keeps the rest", async () => {
    const { db } = await getDb();
    const requestId = `reconcile-retention-${randomUUID()}`;
    // Ages around the limit; this test's rows only (by request id).
    const ages = { "7 days 1 minute": "expired", "6 days 23 hours": "kept", "1 hour": "kept" } as const;
    for (const age of Object.keys(ages)) {
      await db.execute(sql`insert into operations (kind, name, outcome, duration_ms, request_id, created_at)
        values ('data_lookup', ${age}, 'success', 1, ${requestId}, now() - ${age}::interval)`);
    }
    await reconcileOnce([]);
    const left = await db.execute<{ name: string }>(sql`select name from operations where request_id = ${requestId} order by created_at`);
    const kept = Object.entries(ages)
      .filter(([, fate]) => fate === "kept")
      .map(([age]) => age);
    expect(left.map((r) => r.name)).toEqual(kept);
  });
});
