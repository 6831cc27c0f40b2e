import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { withOrderTransaction } from "@/db/transaction";
import { env } from "@/lib/env";
import { dispatch } from "@/lib/orders/dispatch";
import { deliverHookTask } from "@/lib/worker/tasks/deliver-hook";
import { createUser } from "@/test/fixtures";
import { paidOrderAtGateway, placedOrder } from "@/test/gateway";
import { HookReceiver } from "@/test/hook-receiver";
import { deliverHook, hookSettings, retryDelaySeconds, type HookSettings } from "./deliver";
import { postDelivery } from "./send";
import { createHookEndpoint, deleteHookEndpoint, redeliverHook, setHookEndpointEnabled } from "./endpoints";
import { SIGNATURE_HEADER, signatureHeader, signatureOf, verifySignature } from "./signature";
import { isPrivateAddress, privateTargetProblem, urlShapeProblem } from "./target";

// Outbound hooks through dispatch: each order event becomes a delivery row and
// its job in the dispatch transaction, signed, retried with backoff, the
// endpoint disabled after N failures, redelivered by an operator; a real
// receiver (test/hook-receiver.ts) checks signatures, ordering and duplicates.

const receiver = new HookReceiver();
let url = "";
let adminId = "";
let connectionString = "";
const endpoints: string[] = [];
const quiet = new Logger(() => () => {});

beforeAll(async () => {
  url = await receiver.start();
  adminId = await createUser("admin");
  connectionString = (await getDb()).url;
});

afterEach(async () => {
  // This file's endpoints only: later files in this worker's database must not deliver to a stopped receiver.
  for (const id of endpoints.splice(0)) await deleteHookEndpoint(id);
  receiver.failNext(0);
});

afterAll(() => receiver.stop());

async function endpoint(eventTypes: string[] = ["*"], target = url) {
  const created = await createHookEndpoint(adminId, { url: target, eventTypes: eventTypes as ["*"] });
  endpoints.push(created.endpoint.id);
  receiver.secret = created.secret;
  return created;
}

type DeliveryRow = {
  id: number;
  endpoint_id: string;
  event_type: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  body: { id: string; type: string; sequence: number; created: number; data: { order: { id: string; status: string } } };
};

async function deliveriesOf(orderId: string, endpointId?: string): Promise<DeliveryRow[]> {
  const { db } = await getDb();
  return db.execute<DeliveryRow>(sql`
    select id::int, endpoint_id, event_type, status, attempts, last_status_code, last_error, next_attempt_at, body
    from hook_deliveries where order_id = ${orderId} ${endpointId ? sql`and endpoint_id = ${endpointId}` : sql``} order by id`);
}

async function jobOf(deliveryId: number): Promise<{ run_at: Date } | undefined> {
  const { db } = await getDb();
  const [row] = await db.execute<{ run_at: Date }>(
    sql`select run_at from graphile_worker._private_jobs where key = ${`hook:${deliveryId}`}`,
  );
  return row;
}

/**
 * Runs due deliver_hook jobs (only those: other tasks of this database stay queued) until none is due: a
 * delivery's outcome queues the next of its endpoint, which one runOnce pass may not pick up.
 */
async function runDeliveries(): Promise<void> {
  const { db } = await getDb();
  for (let pass = 0; pass < 20; pass++) {
    await runOnce({ connectionString, taskList: { deliver_hook: deliverHookTask }, logger: quiet });
    const [due] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'deliver_hook' and run_at <= now() and locked_at is null`,
    );
    if (due!.n === 0) return;
  }
}

const settings = (overrides: Partial<HookSettings> = {}): HookSettings => ({ ...hookSettings(), ...overrides });

describe("enqueued in the dispatch transaction", () => {
  it("an order event makes one delivery per subscribed endpoint, with its job; other types are not sent", async () => {
    const all = await endpoint(["*"]);
    const paidOnly = await endpoint(["OrderPaid"]);
    const o = await placedOrder();
    const rows = await deliveriesOf(o.orderId);
    expect(rows.map((r) => [r.endpoint_id, r.event_type, r.status])).toEqual([[all.endpoint.id, "OrderCreated", "pending"]]);
    expect(await jobOf(rows[0]!.id)).toBeDefined();
    expect(rows[0]!.body).toMatchObject({
      type: "OrderCreated",
      id: `evt_${rows[0]!.body.sequence}`,
      data: { order: { id: o.orderId, status: "created" } },
    });
    expect(await deliveriesOf(o.orderId, paidOnly.endpoint.id)).toEqual([]);
  });

  it("a rolled-back dispatch leaves no delivery and no job", async () => {
    await endpoint(["*"]);
    const o = await placedOrder();
    const before = await deliveriesOf(o.orderId);
    let inside: number[] = [];
    await expect(
      withOrderTransaction(async (otx) => {
        await dispatch(o.orderId, { type: "CANCEL" }, "user");
        await otx.pipeline.flush();
        const rows = await otx.tx.execute<{ id: number }>(sql`select id::int from hook_deliveries where order_id = ${o.orderId}`);
        inside = rows.map((r) => r.id);
        const jobs = await otx.tx.execute(
          sql`select 1 from graphile_worker._private_jobs where key = any(${`{${inside.map((id) => `hook:${id}`).join(",")}}`}::text[])`,
        );
        expect(jobs).toHaveLength(inside.length);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(inside).toHaveLength(before.length + 1);
    const after = await deliveriesOf(o.orderId);
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    const cancelled = inside.find((id) => !before.some((r) => r.id === id))!;
    expect(await jobOf(cancelled)).toBeUndefined();
  });

  it("a disabled endpoint gets no new deliveries", async () => {
    const created = await endpoint(["*"]);
    await setHookEndpointEnabled(created.endpoint.id, false);
    const o = await placedOrder();
    expect(await deliveriesOf(o.orderId)).toEqual([]);
  });
});

describe("delivery", () => {
  it("a paid order's events arrive signed, once each, in sequence order, through the worker", async () => {
    await endpoint(["*"]);
    const o = await paidOrderAtGateway();
    await runDeliveries();
    const events = receiver.eventsOf(o.orderId);
    expect(events.map((e) => e.type)).toEqual(["OrderCreated", "PaymentStarted", "OrderPaid"]);
    expect(events.at(-1)!.data.order.status).toBe("paid");
    expect(receiver.rejected).toEqual([]);
    expect(receiver.orderingProblems()).toEqual([]);
    const rows = await deliveriesOf(o.orderId);
    expect(rows.map((r) => [r.status, r.attempts, r.last_status_code])).toEqual([
      ["succeeded", 1, 200],
      ["succeeded", 1, 200],
      ["succeeded", 1, 200],
    ]);
    // graphile-worker deletes a finished job after runOnce returns: polled.
    for (const row of rows) await expect.poll(() => jobOf(row.id)).toBeUndefined();
  });

  it("a failing receiver is retried with exponential backoff, then the delivery succeeds and the failure count resets", async () => {
    const created = await endpoint(["OrderCreated"]);
    const o = await placedOrder();
    const [row] = await deliveriesOf(o.orderId);
    receiver.failNext(2, 503);
    const s = settings({ retryBaseSeconds: 30 });
    for (const [attempt, delay] of [
      [1, 30],
      [2, 60],
    ] as const) {
      const started = Date.now();
      expect(await deliverHook(row!.id, s)).toBe("retry");
      const [after] = await deliveriesOf(o.orderId);
      expect(after).toMatchObject({ status: "pending", attempts: attempt, last_status_code: 503, last_error: "HTTP 503" });
      const wait = new Date(after!.next_attempt_at!).getTime() - started;
      expect(wait).toBeGreaterThanOrEqual(delay * 1000 - 50);
      expect(wait).toBeLessThan(delay * 1000 + 30_000);
      // The retry is a job due then.
      expect(Math.abs(new Date((await jobOf(row!.id))!.run_at).getTime() - new Date(after!.next_attempt_at!).getTime())).toBeLessThan(1000);
    }
    const { db } = await getDb();
    const [failing] = await db.execute<{ consecutive_failures: number }>(
      sql`select consecutive_failures from hook_endpoints where id = ${created.endpoint.id}`,
    );
    expect(failing!.consecutive_failures).toBe(2);
    expect(await deliverHook(row!.id, s)).toBe("succeeded");
    expect((await deliveriesOf(o.orderId))[0]).toMatchObject({ status: "succeeded", attempts: 3, last_status_code: 200, last_error: null });
    const [reset] = await db.execute<{ consecutive_failures: number }>(
      sql`select consecutive_failures from hook_endpoints where id = ${created.endpoint.id}`,
    );
    expect(reset!.consecutive_failures).toBe(0);
    expect(receiver.eventsOf(o.orderId).map((e) => e.type)).toEqual(["OrderCreated"]);
    expect(retryDelaySeconds(20, 30)).toBe(3600);
  });

  it("gives a delivery up after HOOK_MAX_ATTEMPTS; a timeout counts as a failure", async () => {
    await endpoint(["OrderCreated"]);
    const o = await placedOrder();
    const [row] = await deliveriesOf(o.orderId);
    receiver.stallNext(1);
    expect(await deliverHook(row!.id, settings({ maxAttempts: 2, timeoutMs: 200 }))).toBe("retry");
    expect((await deliveriesOf(o.orderId))[0]).toMatchObject({
      attempts: 1,
      last_status_code: null,
      last_error: "no answer within 200 ms",
    });
    receiver.failNext(1, 500);
    expect(await deliverHook(row!.id, settings({ maxAttempts: 2 }))).toBe("failed");
    expect((await deliveriesOf(o.orderId))[0]).toMatchObject({ status: "failed", attempts: 2, next_attempt_at: null });
    // A job for a delivery no longer pending does nothing.
    expect(await deliverHook(row!.id)).toBe("skipped");
  });

  it("an endpoint that keeps failing is disabled; its deliveries are held, and go out when an operator enables it", async () => {
    const created = await endpoint(["*"]);
    const o = await placedOrder();
    const second = await placedOrder();
    const third = await placedOrder();
    const ids = [...(await deliveriesOf(o.orderId)), ...(await deliveriesOf(second.orderId)), ...(await deliveriesOf(third.orderId))].map(
      (r) => r.id,
    );
    receiver.failNext(100, 500);
    const s = settings({ disableAfterFailures: 2 });
    expect(await deliverHook(ids[0]!, s)).toBe("retry");
    // The next event waits behind the failing one (no request); the second failure disables the endpoint.
    expect(await deliverHook(ids[1]!, s)).toBe("waiting");
    expect((await deliveriesOf(second.orderId))[0]).toMatchObject({ status: "pending", attempts: 0 });
    expect(await deliverHook(ids[0]!, s)).toBe("held");
    const { db } = await getDb();
    const [disabled] = await db.execute<{ enabled: boolean; disabled_reason: string }>(
      sql`select enabled, disabled_reason from hook_endpoints where id = ${created.endpoint.id}`,
    );
    expect(disabled).toMatchObject({ enabled: false, disabled_reason: "2 consecutive failed attempts; the last: HTTP 500" });
    // Pending deliveries of a disabled endpoint are held when their job runs, without a request.
    expect(await deliverHook(ids[2]!, s)).toBe("held");
    expect(await deliverHook(ids[1]!, s)).toBe("held");
    await expect(redeliverHook(String(ids[0]))).rejects.toMatchObject({ code: "invalid_transition" });
    receiver.failNext(0);
    await setHookEndpointEnabled(created.endpoint.id, true);
    for (const id of ids) expect(await jobOf(id)).toBeDefined();
    await runDeliveries();
    for (const orderId of [o.orderId, second.orderId, third.orderId]) {
      expect((await deliveriesOf(orderId)).map((r) => r.status)).toEqual(["succeeded"]);
      expect(receiver.eventsOf(orderId).map((e) => e.type)).toEqual(["OrderCreated"]);
    }
  });

  it("deleting an endpoint drops its waiting and held deliveries and their jobs: nothing more is sent to it", async () => {
    const created = await endpoint(["*"]);
    const o = await placedOrder();
    await dispatch(o.orderId, { type: "CANCEL" }, "user");
    const [first, second] = await deliveriesOf(o.orderId);
    receiver.failNext(1, 500);
    expect(await deliverHook(first!.id)).toBe("retry");
    expect(await jobOf(first!.id)).toBeDefined();
    expect(await jobOf(second!.id)).toBeDefined();
    await deleteHookEndpoint(created.endpoint.id);
    endpoints.splice(endpoints.indexOf(created.endpoint.id), 1);
    expect(await deliveriesOf(o.orderId)).toEqual([]);
    expect(await jobOf(first!.id)).toBeUndefined();
    expect(await jobOf(second!.id)).toBeUndefined();
    // A job already running for it finds nothing to send.
    expect(await deliverHook(second!.id)).toBe("skipped");
    await expect(deleteHookEndpoint(created.endpoint.id)).rejects.toMatchObject({ code: "not_found" });
    expect(receiver.eventsOf(o.orderId)).toEqual([]);
  });

  it("an operator's redelivery sends the same event id and body again: the receiver counts a duplicate", async () => {
    await endpoint(["OrderCreated"]);
    const o = await placedOrder();
    const [row] = await deliveriesOf(o.orderId);
    await runDeliveries();
    const first = receiver.eventsOf(o.orderId)[0]!;
    const duplicatesBefore = receiver.duplicates;
    const view = await redeliverHook(String(row!.id));
    expect(view).toMatchObject({ status: "pending", attempts: 0, eventId: first.id });
    await runDeliveries();
    expect(receiver.duplicates).toBe(duplicatesBefore + 1);
    expect(receiver.arrivals.filter((id) => id === first.id)).toHaveLength(2);
    expect(receiver.eventsOf(o.orderId)).toEqual([first]);
    expect((await deliveriesOf(o.orderId))[0]).toMatchObject({ status: "succeeded", attempts: 1 });
    await expect(redeliverHook("999999999999")).rejects.toMatchObject({ code: "not_found" });
    await expect(redeliverHook("x1")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("ordering", () => {
  it("a failing OrderPaid holds the endpoint's later events: they wait, then go out in sequence order", async () => {
    // Another endpoint (its own receiver) subscribed to OrderFulfilled is not held back by this one's failure.
    const other = new HookReceiver();
    const otherUrl = await other.start();
    const otherEndpoint = await createHookEndpoint(adminId, { url: otherUrl, eventTypes: ["OrderFulfilled"] });
    endpoints.push(otherEndpoint.endpoint.id);
    other.secret = otherEndpoint.secret;
    const created = await endpoint(["OrderPaid", "OrderFulfilled"]);
    const o = await paidOrderAtGateway();
    const [paid] = await deliveriesOf(o.orderId);
    receiver.failNext(1, 502);
    expect(await deliverHook(paid!.id)).toBe("retry");
    await dispatch(o.orderId, { type: "FULFIL", trackingNumber: "PL-HOOK-1", estimatedDelivery: "2030-01-04" }, "admin");
    const fulfilled = (await deliveriesOf(o.orderId, created.endpoint.id)).find((r) => r.event_type === "OrderFulfilled")!;
    expect(fulfilled.body.sequence).toBeGreaterThan(paid!.body.sequence);
    // Its job runs first, but OrderPaid is still on its way: nothing is sent.
    expect(await deliverHook(fulfilled.id)).toBe("waiting");
    const [otherFulfilled] = await deliveriesOf(o.orderId, otherEndpoint.endpoint.id);
    expect(await deliverHook(otherFulfilled!.id)).toBe("succeeded");
    expect(other.eventsOf(o.orderId).map((e) => e.type)).toEqual(["OrderFulfilled"]);
    await other.stop();
    expect((await deliveriesOf(o.orderId)).find((r) => r.id === fulfilled.id)).toMatchObject({ status: "pending", next_attempt_at: null });
    expect(receiver.arrivals.filter((id) => id === fulfilled.body.id)).toEqual([]);
    // OrderPaid's retry succeeds and queues OrderFulfilled's job.
    expect(await deliverHook(paid!.id)).toBe("succeeded");
    expect(await jobOf(fulfilled.id)).toBeDefined();
    await runDeliveries();
    const arrived = receiver.arrivals.filter((id) => id === paid!.body.id || id === fulfilled.body.id);
    expect(arrived).toEqual([paid!.body.id, fulfilled.body.id]);
    expect(receiver.orderingProblems()).toEqual([]);
    expect((await deliveriesOf(o.orderId, created.endpoint.id)).map((r) => r.status)).toEqual(["succeeded", "succeeded"]);
  });

  it("through the worker: an order's events arrive in sequence order when the first attempt of the first one fails", async () => {
    await endpoint(["*"]);
    receiver.failNext(1, 500);
    const o = await paidOrderAtGateway();
    await dispatch(o.orderId, { type: "FULFIL", trackingNumber: "PL-HOOK-2", estimatedDelivery: "2030-01-04" }, "admin");
    const rows = await deliveriesOf(o.orderId);
    expect(rows.map((r) => r.event_type)).toEqual(["OrderCreated", "PaymentStarted", "OrderPaid", "OrderFulfilled"]);
    await runDeliveries();
    // The first attempt failed; the others waited behind it; nothing arrived.
    expect(receiver.eventsOf(o.orderId)).toEqual([]);
    const { db } = await getDb();
    await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where key = ${`hook:${rows[0]!.id}`}`);
    await runDeliveries();
    const sequences = rows.map((r) => r.body.id);
    expect(receiver.arrivals.filter((id) => sequences.includes(id))).toEqual(sequences);
    expect((await deliveriesOf(o.orderId)).map((r) => [r.status, r.attempts])).toEqual([
      ["succeeded", 2],
      ["succeeded", 1],
      ["succeeded", 1],
      ["succeeded", 1],
    ]);
  });

  it("a delivery given up releases the ones behind it", async () => {
    await endpoint(["*"]);
    const o = await placedOrder();
    await dispatch(o.orderId, { type: "CANCEL" }, "user");
    const [created, cancelled] = await deliveriesOf(o.orderId);
    receiver.failNext(1, 500);
    expect(await deliverHook(cancelled!.id)).toBe("waiting");
    expect(await deliverHook(created!.id, settings({ maxAttempts: 1 }))).toBe("failed");
    expect(await jobOf(cancelled!.id)).toBeDefined();
    await runDeliveries();
    expect(receiver.eventsOf(o.orderId).map((e) => e.type)).toEqual(["OrderCancelled"]);
  });

  it("the receiver's check reports a fact that does not hold", () => {
    const check = new HookReceiver();
    const event = (id: number, type: string) => ({
      id: `evt_${id}`,
      type,
      created: 0,
      sequence: id,
      data: { order: { id: "o1", status: "x", revision: id }, fromState: null, toState: "x", details: {} },
    });
    check.events.set("evt_1", event(1, "OrderCreated"));
    check.events.set("evt_2", event(2, "OrderFulfilled"));
    check.events.set("evt_3", event(3, "OrderPaid"));
    expect(check.orderingProblems()).toEqual(["o1: OrderFulfilled without OrderPaid before it"]);
  });
});

describe("signatures", () => {
  const secret = "whsec_test";
  const body = JSON.stringify({ id: "evt_1", type: "OrderPaid" });

  it("verifies a good signature and refuses a tampered body, a wrong secret, an old timestamp, a malformed header", () => {
    const now = Date.now();
    const header = signatureHeader(secret, body, Math.floor(now / 1000));
    expect(verifySignature(secret, header, body, { now })).toMatchObject({ ok: true });
    expect(verifySignature(secret, header, body.replace("OrderPaid", "OrderCancelled"), { now })).toEqual({
      ok: false,
      reason: "mismatch",
    });
    expect(verifySignature("whsec_other", header, body, { now })).toEqual({ ok: false, reason: "mismatch" });
    expect(verifySignature(secret, header, body, { now: now + 301_000 })).toEqual({ ok: false, reason: "old_timestamp" });
    expect(verifySignature(secret, "v1=abc", body, { now })).toEqual({ ok: false, reason: "malformed" });
    expect(verifySignature(secret, null, body, { now })).toEqual({ ok: false, reason: "malformed" });
    expect(header).toBe(`t=${Math.floor(now / 1000)},v1=${signatureOf(secret, Math.floor(now / 1000), body)}`);
  });

  it("the receiver refuses a tampered body and an old timestamp (400), and records nothing", async () => {
    const { secret: endpointSecret } = await endpoint(["*"]);
    const event = JSON.stringify({ id: "evt_tampered", type: "OrderPaid", sequence: 1, data: { order: { id: "x" } } });
    const t = Math.floor(Date.now() / 1000);
    const post = (text: string, header: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", [SIGNATURE_HEADER]: header }, body: text });
    const rejectedBefore = receiver.rejected.length;
    expect((await post(event.replace("OrderPaid", "OrderRefunded"), signatureHeader(endpointSecret, event, t))).status).toBe(400);
    expect((await post(event, signatureHeader(endpointSecret, event, t - 3600))).status).toBe(400);
    expect(receiver.rejected.slice(rejectedBefore)).toEqual([{ reason: "mismatch" }, { reason: "old_timestamp" }]);
    expect(receiver.events.has("evt_tampered")).toBe(false);
    expect((await post(event, signatureHeader(endpointSecret, event, t))).status).toBe(200);
  });
});

describe("targets", () => {
  it("accepts http and https URLs only, without credentials, up to 2048 characters", () => {
    expect(urlShapeProblem("https://example.com/hooks")).toBeUndefined();
    expect(urlShapeProblem("ftp://example.com/")).toMatch(/http/);
    expect(urlShapeProblem("javascript:alert(1)")).toMatch(/http/);
    expect(urlShapeProblem("https://user:pw@example.com/")).toMatch(/password/);
    expect(urlShapeProblem(`https://example.com/${"a".repeat(2048)}`)).toMatch(/2048/);
    expect(urlShapeProblem("not a url")).toBe("not a URL");
  });

  it("knows private, loopback and link-local addresses", () => {
    for (const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      // IPv4 inside IPv6, as URL parsing writes it ([::ffff:127.0.0.1] becomes [::ffff:7f00:1]): an audit's find.
      "::ffff:7f00:1",
      "::ffff:a9fe:a9fe",
      "::ffff:0a00:0001",
      "0:0:0:0:0:ffff:7f00:1",
      "::7f00:1",
      "64:ff9b::7f00:1",
      "2002:7f00:1::",
      "2001:0:7f00:1::",
      "ff02::1",
      "::",
      "not an address",
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "2a00:1450:4001::200e", "172.32.0.1"]) {
      expect(isPrivateAddress(ip), ip).toBe(false);
    }
  });

  it("refuses an IPv4-mapped IPv6 literal of a private address at registration, and a delivery never connects to it", async () => {
    const e = env();
    const saved = e.HOOK_ALLOW_PRIVATE_TARGETS;
    // Stands for a service on the store's own loopback interface.
    const arrivals: string[] = [];
    const internal = createServer((request, response) => {
      arrivals.push(request.url ?? "");
      response.writeHead(200).end("internal");
    });
    await new Promise<void>((resolve) => internal.listen(0, "127.0.0.1", resolve));
    const port = (internal.address() as AddressInfo).port;
    e.HOOK_ALLOW_PRIVATE_TARGETS = false;
    try {
      for (const target of [`http://[::ffff:127.0.0.1]:${port}/x`, "http://[::ffff:169.254.169.254]/latest/meta-data/"]) {
        expect(await privateTargetProblem(target), target).toMatch(/private or loopback/);
      }
      await expect(
        createHookEndpoint(adminId, { url: `http://[::ffff:127.0.0.1]:${port}/internal`, eventTypes: ["*"] }),
      ).rejects.toMatchObject({ code: "invalid_request" });
      const answer = await postDelivery(`http://[::ffff:127.0.0.1]:${port}/internal`, {
        body: "{}",
        headers: { "content-type": "application/json" },
        timeoutMs: 2000,
      });
      expect(answer.ok).toBe(false);
      expect(arrivals).toEqual([]);
    } finally {
      e.HOOK_ALLOW_PRIVATE_TARGETS = saved;
      await new Promise<void>((resolve) => internal.close(() => resolve()));
    }
  });

  it("refuses private targets unless allowed (production default), at registration and before each attempt", async () => {
    const e = env();
    const saved = e.HOOK_ALLOW_PRIVATE_TARGETS;
    const created = await endpoint(["OrderCreated"]);
    const o = await placedOrder();
    const [row] = await deliveriesOf(o.orderId);
    e.HOOK_ALLOW_PRIVATE_TARGETS = false;
    try {
      expect(await privateTargetProblem("http://127.0.0.1:9/x")).toMatch(/private or loopback/);
      expect(await privateTargetProblem("http://localhost/x")).toMatch(/this machine/);
      expect(await privateTargetProblem("http://[::1]/x")).toMatch(/private or loopback/);
      await expect(createHookEndpoint(adminId, { url: "http://10.0.0.5/hooks", eventTypes: ["*"] })).rejects.toMatchObject({
        code: "invalid_request",
      });
      expect(await deliverHook(row!.id)).toBe("retry");
      expect((await deliveriesOf(o.orderId))[0]!.last_error).toMatch(/^refused: the URL points at a private/);
    } finally {
      e.HOOK_ALLOW_PRIVATE_TARGETS = saved;
    }
    expect(created.endpoint.url).toBe(url);
  });
});
