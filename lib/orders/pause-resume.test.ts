import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { runDueJobs } from "@/test/run-jobs";
import { listShipByHandQueue, listStuckOrders } from "@/lib/admin/order-overview";
import { env } from "@/lib/env";
import { armFault, disarmFaults } from "@/lib/faults";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { createBook, createUser, eventTypes, jobKeys, orderRow, stockOf } from "@/test/fixtures";
import { orderAtGateway, paidOrderAtGateway, payAtGateway } from "@/test/gateway";
import { dispatch } from "./dispatch";
import { getOrder, getOrderForViewer, listOrdersForUser } from "./order-view";
import { placeOrder } from "./place-order";
import { overdueOrderIds } from "./store";
import { adminFulfil, adminPause, adminRefund, adminResume } from "./user-actions";

// Pause and resume, auto-pause and the "ship by hand" queue (issue #21), through
// dispatch and the real worker tasks (graphile-worker's runOnce) on the test
// database and the Stripe emulator. Faults are armed for one order only.

let url = "";
let admin = "";

const work = () => runDueJobs({ connectionString: url });

/** Makes every job of the order due now (retries wait with backoff otherwise). */
async function dueNow(orderId: string): Promise<void> {
  const { db } = await getDb();
  await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where payload->>'orderId' = ${orderId}`);
}

async function automation(orderId: string) {
  const { db } = await getDb();
  const [row] = await db.execute<{ paused_by: string | null; pause_reason: string | null; ship_by_hand: boolean; attention: boolean }>(sql`
    select paused_by, pause_reason, ship_by_hand_at is not null as ship_by_hand, needs_attention as attention from orders where id = ${orderId}`);
  return row!;
}

/** Events the machine refused for the order, by type: a job that ran against a paused order would leave one. */
async function refused(orderId: string, type: string): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from ignored_events where order_id = ${orderId} and event_type = ${type}`,
  );
  return row!.n;
}

/** How many transactions wrote the order's audit rows of these types (xmin: the writing transaction's id). */
async function transactionsOf(orderId: string, types: string[]): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<{ n: number }>(sql`
    select count(distinct xmin::text)::int as n from order_events
    where order_id = ${orderId} and type in ${types}`);
  return row!.n;
}

async function failedFulfilRuns(orderId: string): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from job_runs where order_id = ${orderId} and task = 'fulfil_order' and outcome = 'failed'`,
  );
  return row!.n;
}

/** Runs the order's (failing) fulfilment job `times` times, each failure written before the next run. */
async function failFulfilment(orderId: string, times: number): Promise<void> {
  const { db } = await getDb();
  const start = await failedFulfilRuns(orderId);
  for (let i = 1; i <= times; i++) {
    await dueNow(orderId);
    await work();
    await expect.poll(() => failedFulfilRuns(orderId), { timeout: 5_000 }).toBe(start + i);
    // graphile-worker writes the failure (and unlocks the job) just after the task threw.
    await expect
      .poll(
        async () =>
          (
            await db.execute<{ locked: boolean }>(sql`
              select locked_at is not null as locked from graphile_worker._private_jobs j
              join graphile_worker._private_tasks t on t.id = j.task_id
              where j.payload->>'orderId' = ${orderId} and t.identifier = 'fulfil_order'`)
          ).some((j) => j.locked),
        { timeout: 5_000 },
      )
      .toBe(false);
  }
}

beforeAll(async () => {
  url = (await getDb()).url;
  admin = await createUser("admin");
});

afterEach(() => {
  disarmFaults();
});

describe("pause and resume through dispatch and the worker", () => {
  it("the payment timeout waits while paused (job, reconciler, a direct TIMEOUT); resume cancels the overdue order at once", async () => {
    const userId = await createUser();
    const bookId = await createBook(5, 1299);
    // Placed an hour ago: its payment window has closed and the timeout job is due.
    const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 2 }], now: Date.now() - 3_600_000 });
    const view = await adminPause({ adminId: admin, orderId, reason: "customer paying by phone" });
    expect(view.status).toBe("created");
    expect(await automation(orderId)).toMatchObject({ paused_by: "admin", pause_reason: "customer paying by phone" });

    await dueNow(orderId);
    await work();
    expect((await orderRow(orderId)).status).toBe("created");
    // The job found the order paused and left it: gone, for RESUME to enqueue again.
    await expect.poll(async () => (await jobKeys(orderId)).includes(`payment-timeout:${orderId}`), { timeout: 5_000 }).toBe(false);
    // It did not even try: no TIMEOUT reached the machine (nor the gateway).
    expect(await refused(orderId, "TIMEOUT")).toBe(0);
    expect(await overdueOrderIds(10_000)).not.toContain(orderId);
    expect((await dispatch(orderId, { type: "TIMEOUT" }, "reconciler")).outcome).toBe("ignored");
    expect(await stockOf(bookId)).toMatchObject({ available: 3, reserved: 2 });
    // A second pause (a double click) is a duplicate: it changes nothing, the first reason stays.
    await adminPause({ adminId: admin, orderId, reason: "again" });
    expect(await automation(orderId)).toMatchObject({ paused_by: "admin", pause_reason: "customer paying by phone" });

    await adminResume({ adminId: admin, orderId });
    expect(await automation(orderId)).toMatchObject({ paused_by: null, pause_reason: null });
    expect(await jobKeys(orderId)).toContain(`payment-timeout:${orderId}`);
    await work();
    await expect.poll(async () => (await orderRow(orderId)).status, { timeout: 5_000 }).toBe("cancelled");
    expect(await stockOf(bookId)).toMatchObject({ available: 5, reserved: 0 });
    expect(await eventTypes(orderId)).toEqual(["OrderCreated", "OrderPaused", "OrderResumed", "PaymentTimedOut", "OrderCancelled"]);
    // Resuming again is a duplicate too; pausing the cancelled order is still possible (money may arrive late).
    expect((await dispatch(orderId, { type: "RESUME", by: "admin" }, "admin")).outcome).toBe("duplicate");
  });

  it("money is a fact: paid while paused is applied; the warehouse waits for resume, then ships", async () => {
    const order = await orderAtGateway({ quantity: 1 });
    await adminPause({ adminId: admin, orderId: order.orderId, reason: "address check" });
    await payAtGateway(order.sessionId);
    await reconcileSuccessReturn({ userId: order.userId, sessionId: order.sessionId });
    expect((await orderRow(order.orderId)).status).toBe("paid");
    expect(await jobKeys(order.orderId)).toContain(`fulfil:${order.orderId}`);

    await dueNow(order.orderId);
    await work();
    expect((await orderRow(order.orderId)).status).toBe("paid");
    await expect.poll(async () => (await jobKeys(order.orderId)).includes(`fulfil:${order.orderId}`), { timeout: 5_000 }).toBe(false);
    expect(await refused(order.orderId, "FULFIL")).toBe(0);

    await adminResume({ adminId: admin, orderId: order.orderId });
    expect(await jobKeys(order.orderId)).toContain(`fulfil:${order.orderId}`);
    await dueNow(order.orderId);
    await work();
    await expect.poll(async () => (await orderRow(order.orderId)).status, { timeout: 5_000 }).toBe("fulfilled");
  });

  it("the shopper sees the order on hold, never who paused it or why; operators still do", async () => {
    const order = await paidOrderAtGateway({ quantity: 1 });
    await adminPause({ adminId: admin, orderId: order.orderId, reason: "suspected fraud, call the bank" });
    const mine = await getOrderForViewer({ userId: order.userId }, order.orderId);
    expect(mine.paused).toBe(true);
    expect(mine.events.find((e) => e.type === "OrderPaused")!.payload).toEqual({});
    expect(JSON.stringify(mine)).not.toContain("suspected fraud");
    const listed = (await listOrdersForUser(order.userId)).find((o) => o.id === order.orderId)!;
    expect(JSON.stringify(listed)).not.toContain("suspected fraud");
    expect(listed.paused).toBe(true);
    expect((await getOrder(order.orderId)).events.find((e) => e.type === "OrderPaused")!.payload).toMatchObject({
      reason: "suspected fraud, call the bank",
    });
    await adminResume({ adminId: admin, orderId: order.orderId });
    const resumed = await getOrderForViewer({ userId: order.userId }, order.orderId);
    expect(resumed.paused).toBe(false);
    expect(resumed.events.find((e) => e.type === "OrderResumed")!.payload).toEqual({});
  });

  // A security audit's find: the warehouse job's error text (a failed query here) reached the shopper's order.
  it("the shopper sees that the warehouse job gave up, not its error text; operators do", async () => {
    const order = await paidOrderAtGateway({ quantity: 1 });
    const reason =
      'the fulfilment job failed: Failed query: select password_hash from users where id = $1 (invalid input syntax for type uuid: "x")';
    expect((await dispatch(order.orderId, { type: "FULFILMENT_FAILED", reason }, "system")).outcome).toBe("accepted");
    const mine = await getOrderForViewer({ userId: order.userId }, order.orderId);
    expect(mine.events.find((e) => e.type === "FulfilmentFailed")!.payload).toEqual({});
    expect(JSON.stringify(mine)).not.toContain("password_hash");
    const listed = (await listOrdersForUser(order.userId)).find((o) => o.id === order.orderId)!;
    expect(JSON.stringify(listed)).not.toContain("password_hash");
    expect((await getOrder(order.orderId)).events.find((e) => e.type === "FulfilmentFailed")!.payload).toEqual({ reason });
  });

  it("a refund waits while paused (no gateway call); resume sends it", async () => {
    const order = await paidOrderAtGateway({ quantity: 1 });
    await adminPause({ adminId: admin, orderId: order.orderId, reason: "refund after the call" });
    const view = await adminRefund({ adminId: admin, orderId: order.orderId });
    expect(view.status).toBe("refund_pending");
    const { db } = await getDb();
    const gatewayRefund = async () =>
      (await db.execute<{ id: string | null }>(sql`select gateway_refund_id as id from refunds where order_id = ${order.orderId}`))[0]
        ?.id ?? null;
    await dueNow(order.orderId);
    await work();
    await expect.poll(async () => (await jobKeys(order.orderId)).some((k) => k.startsWith("refund:")), { timeout: 5_000 }).toBe(false);
    expect(await gatewayRefund()).toBeNull();

    await adminResume({ adminId: admin, orderId: order.orderId });
    expect((await jobKeys(order.orderId)).some((k) => k.startsWith("refund:"))).toBe(true);
    await dueNow(order.orderId);
    await work();
    await expect.poll(gatewayRefund, { timeout: 5_000 }).not.toBeNull();
  });
});

describe("auto-pause and the ship-by-hand queue", () => {
  it(`after ORDER_JOB_FAILURES_BEFORE_PAUSE failed runs in a row the order is paused (not only flagged), listed first and handed to people`, async () => {
    const limit = env().ORDER_JOB_FAILURES_BEFORE_PAUSE;
    expect(limit).toBe(5);
    expect(env().JOB_MAX_ATTEMPTS).toBeGreaterThan(limit);
    const order = await paidOrderAtGateway({ quantity: 1 });
    await work(); // its e-mails (the warehouse job waits FULFILMENT_DELAY_SECONDS)
    armFault("fulfil_order:before_shipment", { orderId: order.orderId });

    await failFulfilment(order.orderId, limit - 1);
    expect(await automation(order.orderId)).toMatchObject({ paused_by: null, ship_by_hand: false });
    await failFulfilment(order.orderId, 1);
    await expect.poll(async () => (await automation(order.orderId)).paused_by, { timeout: 5_000 }).toBe("system");
    const row = await automation(order.orderId);
    expect(row.pause_reason).toMatch(/^5 job runs failed in a row, the last fulfil_order: injected fault/);
    expect(row.ship_by_hand).toBe(true);
    expect((await orderRow(order.orderId)).status).toBe("paid");
    expect((await eventTypes(order.orderId)).slice(-2)).toEqual(["OrderPaused", "FulfilmentFailed"]);
    // In one transaction: no reader (nor a crash) ever finds the order paused by its failures but not handed over.
    expect(await transactionsOf(order.orderId, ["OrderPaused", "FulfilmentFailed"])).toBe(1);

    // Listed first: only orders the system paused may come before it.
    const stuck = await listStuckOrders(500);
    const index = stuck.findIndex((s) => s.id === order.orderId);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(stuck[index]).toMatchObject({
      paused: "system",
      reason: expect.stringMatching(/^automation paused after repeated job failures/),
    });
    expect(stuck.slice(0, index).every((s) => s.paused === "system")).toBe(true);
    expect((await listShipByHandQueue(500)).map((o) => o.id)).toContain(order.orderId);

    // No more retries of the warehouse job: it was handed over, and ended (not left in the queue as failed).
    const { db } = await getDb();
    const [left] = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'fulfil_order' and j.payload->>'orderId' = ${order.orderId}`);
    expect(left!.n).toBe(0);
    await dueNow(order.orderId);
    await work();
    expect(await failedFulfilRuns(order.orderId)).toBe(limit);

    // The operator ships it by hand while paused, with the carrier's tracking number.
    const shipped = await adminFulfil({ adminId: admin, orderId: order.orderId, trackingNumber: "1Z999AA10123456784" });
    expect(shipped.status).toBe("fulfilled");
    expect(shipped.trackingNumber).toBe("1Z999AA10123456784");
    expect((await listShipByHandQueue(500)).map((o) => o.id)).not.toContain(order.orderId);
    // Resuming afterwards starts nothing for the warehouse.
    await adminResume({ adminId: admin, orderId: order.orderId });
    expect(await jobKeys(order.orderId)).not.toContain(`fulfil:${order.orderId}`);
  });

  it("failing past its retries (below the pause threshold): flagged and queued, then shipped with the store's own reference", async () => {
    const order = await paidOrderAtGateway({ quantity: 1 });
    await work();
    const { db } = await getDb();
    await db.execute(sql`update graphile_worker._private_jobs set max_attempts = 2 where key = ${`fulfil:${order.orderId}`}`);
    armFault("fulfil_order:before_shipment", { orderId: order.orderId });
    await failFulfilment(order.orderId, 2);
    await expect.poll(async () => (await automation(order.orderId)).ship_by_hand, { timeout: 5_000 }).toBe(true);
    expect(await automation(order.orderId)).toMatchObject({ paused_by: null, attention: true });
    const queue = await listShipByHandQueue(500);
    expect(queue.find((o) => o.id === order.orderId)).toMatchObject({
      reason: expect.stringMatching(/^the fulfilment job failed: injected fault/),
      paused: false,
      address: expect.stringContaining(","),
    });
    // A second give-up (a redelivered failure) changes nothing.
    expect((await dispatch(order.orderId, { type: "FULFILMENT_FAILED", reason: "again" }, "system")).outcome).toBe("duplicate");

    const shipped = await adminFulfil({ adminId: admin, orderId: order.orderId });
    expect(shipped.status).toBe("fulfilled");
    expect(shipped.trackingNumber).toMatch(/^PL[0-9A-F]{10}$/);
    expect(await eventTypes(order.orderId)).toEqual(expect.arrayContaining(["FulfilmentFailed", "OrderFulfilled"]));
  });
});
