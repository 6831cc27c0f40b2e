import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startCarrier, type RunningCarrier } from "@/carrier-simulator/server";
import { CARRIER_SIGNATURE_HEADER, signCarrierPayload } from "@/carrier-simulator/signature";
import { getDb } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { LIMITS, take } from "@/lib/http/abuse-limits";
import { getOrder } from "@/lib/orders/order-view";
import { adminFulfil } from "@/lib/orders/user-actions";
import { waitFor } from "@/stripe-emulator/test-support";
import { createUser, eventTypes, jobKeys, orderRow } from "@/test/fixtures";
import { paidOrderAtGateway } from "@/test/gateway";
import { POST as carrierRoute } from "@/app/api/webhooks/carrier/route";

// The carrier's tracking callbacks end to end: the fulfilment registers the
// shipment with the carrier simulator, the simulator sends its signed
// callbacks over HTTP to the app's route handler (through a small bridge
// server, as Next would), and each report is one machine event.

const SECRET = "csec_test_0123456789abcdef0123456789abcdef";
const API_KEY = "ck_test_0123456789abcdef";
let carrier: RunningCarrier;
let bridge: Server;
const answers: number[] = [];

beforeAll(async () => {
  bridge = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      headers.set("x-forwarded-for", "127.0.0.1");
      void carrierRoute(
        new Request("http://localhost/api/webhooks/carrier", { method: "POST", headers, body: Buffer.concat(chunks) }),
      ).then(async (response) => {
        answers.push(response.status);
        res.writeHead(response.status, { "content-type": "application/json" }).end(await response.text());
      });
    });
  });
  await new Promise<void>((resolve) => bridge.listen(0, "127.0.0.1", resolve));
  carrier = await startCarrier({
    port: 0,
    callbackUrl: `http://127.0.0.1:${(bridge.address() as AddressInfo).port}/api/webhooks/carrier`,
    secret: SECRET,
    apiKey: API_KEY,
    retryBaseMs: 30,
    maxAttempts: 4,
  });
  process.env.CARRIER_API_BASE = carrier.url;
  process.env.CARRIER_API_KEY = API_KEY;
  process.env.CARRIER_SECRET = SECRET;
  resetEnvCache();
});

afterAll(async () => {
  delete process.env.CARRIER_API_BASE;
  delete process.env.CARRIER_API_KEY;
  delete process.env.CARRIER_SECRET;
  resetEnvCache();
  await carrier.stop();
  await new Promise<void>((resolve) => bridge.close(() => resolve()));
});

beforeEach(() => {
  answers.length = 0;
});

async function shippedOrder() {
  const o = await paidOrderAtGateway({ stock: 5, priceCents: 1000, quantity: 2 });
  const admin = await createUser("admin");
  const view = await adminFulfil({ adminId: admin, orderId: o.orderId });
  return { ...o, admin, tracking: view.trackingNumber! };
}

/** A callback as the carrier would send it, signed (or not) by hand. */
function callback(fields: Record<string, unknown>, sign: { secret?: string; at?: number; header?: string | null } = {}) {
  const body = JSON.stringify({
    id: `cevt_${randomUUID().replace(/-/g, "")}`,
    object: "carrier_event",
    type: "shipment.status_changed",
    carrier: "Simulated Post",
    previous_status: "label_created",
    occurred_at: new Date().toISOString(),
    estimated_delivery: null,
    exception: null,
    ...fields,
  });
  const headers: Record<string, string> = { "content-type": "application/json", "x-forwarded-for": "127.0.0.2" };
  const header =
    sign.header !== undefined ? sign.header : signCarrierPayload(body, sign.secret ?? SECRET, sign.at ?? Math.floor(Date.now() / 1000));
  if (header !== null) headers[CARRIER_SIGNATURE_HEADER] = header;
  return new Request("http://localhost/api/webhooks/carrier", { method: "POST", headers, body });
}

async function snapshotOf(orderId: string) {
  const { db } = await getDb();
  const [row] = await db.execute<{ revision: number; snapshot: unknown }>(
    sql`select revision, machine_snapshot as snapshot from orders where id = ${orderId}`,
  );
  return row!;
}

describe("carrier: shipments and tracking callbacks", () => {
  it("fulfilment registers the shipment: the carrier's tracking number is the order's", async () => {
    const o = await shippedOrder();
    const shipment = carrier.shipments.get(o.tracking);
    expect(shipment).toMatchObject({ order_reference: o.orderId, status: "label_created" });
    expect((await orderRow(o.orderId)).tracking_number).toBe(o.tracking);
  });

  it("signed callbacks move the order: in transit, out for delivery, delivered; recorded, with the delivery e-mail", async () => {
    const o = await shippedOrder();
    for (let i = 0; i < 3; i++) carrier.advance(o.tracking);
    await waitFor(
      () => carrier.callbacks.filter((c) => c.callback.tracking_number === o.tracking && c.delivery === "delivered").length === 3,
    );
    expect(answers).toEqual([200, 200, 200]);
    expect((await orderRow(o.orderId)).status).toBe("delivered");
    const events = await eventTypes(o.orderId);
    expect(events.slice(-3)).toEqual(["ShipmentProgressed", "ShipmentProgressed", "OrderDelivered"]);
    const revision = (await orderRow(o.orderId)).revision;
    expect(await jobKeys(o.orderId)).toContain(`email:${o.orderId}:order_delivered:${revision}`);
    const { db } = await getDb();
    const [row] = await db.execute<{ delivered_at: Date | null; sources: string[] }>(sql`
      select delivered_at, (select array_agg(distinct source) from order_events where order_id = ${o.orderId} and type in ('ShipmentProgressed', 'OrderDelivered')) as sources
      from orders where id = ${o.orderId}`);
    expect(row!.delivered_at).not.toBeNull();
    expect(row!.sources).toEqual(["carrier"]);
  });

  it("a delivery problem (exception) is recorded and the parcel can still be delivered", async () => {
    const o = await shippedOrder();
    carrier.advance(o.tracking);
    carrier.advance(o.tracking, "exception", { code: "address_issue", message: "No such street." });
    carrier.advance(o.tracking, "out_for_delivery");
    carrier.advance(o.tracking, "delivered");
    await waitFor(() => answers.length === 4);
    expect(answers).toEqual([200, 200, 200, 200]);
    const view = await getOrder(o.orderId);
    expect(view.status).toBe("delivered");
    expect(view.tracking.map((t) => t.status)).toEqual(["in_transit", "exception", "out_for_delivery", "delivered"]);
  });

  it("a redelivered callback is a 2xx duplicate; a late retry of an older report too; nothing changes", async () => {
    const o = await shippedOrder();
    carrier.advance(o.tracking);
    carrier.advance(o.tracking);
    await waitFor(() => answers.length === 2);
    const before = await snapshotOf(o.orderId);
    const first = carrier.callbacks.find((c) => c.callback.tracking_number === o.tracking && c.callback.sequence === 1)!;
    const response = await fetch(`${carrier.url}/_carrier/callbacks/${first.callback.id}/redeliver`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(((await response.json()) as { attempt: { status: number } }).attempt.status).toBe(200);
    const old = await carrierRoute(
      callback({ tracking_number: o.tracking, order_reference: o.orderId, sequence: 1, status: "in_transit" }),
    );
    expect(old.status).toBe(200);
    expect(await old.json()).toMatchObject({ outcome: "duplicate" });
    expect(await snapshotOf(o.orderId)).toEqual(before);
    const { db } = await getDb();
    const [ignored] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from ignored_events where order_id = ${o.orderId} and outcome = 'duplicate'`,
    );
    expect(ignored!.n).toBe(2);
  });

  it("delivered before the in-between report (out of order): delivered, and the late report is a duplicate", async () => {
    const o = await shippedOrder();
    const base = { tracking_number: o.tracking, order_reference: o.orderId };
    expect((await carrierRoute(callback({ ...base, sequence: 3, status: "delivered" }))).status).toBe(200);
    expect((await orderRow(o.orderId)).status).toBe("delivered");
    const late = await carrierRoute(callback({ ...base, sequence: 2, status: "out_for_delivery" }));
    expect(late.status).toBe(200);
    expect(await late.json()).toMatchObject({ outcome: "duplicate" });
  });

  it("refuses unsigned, badly signed, stale, malformed and oversized callbacks with a 4xx; nothing changes", async () => {
    const o = await shippedOrder();
    const base = { tracking_number: o.tracking, order_reference: o.orderId, sequence: 1, status: "in_transit" };
    const before = await snapshotOf(o.orderId);
    const refusals = [
      await carrierRoute(callback(base, { header: null })),
      await carrierRoute(callback(base, { secret: "csec_wrong_secret_0000000000000000" })),
      await carrierRoute(callback(base, { at: Math.floor(Date.now() / 1000) - 3600 })),
      await carrierRoute(callback(base, { header: "t=1,v1=nothex" })),
      await carrierRoute(callback({ ...base, status: "teleported" })),
      await carrierRoute(callback({ ...base, sequence: "one" })),
    ];
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
    for (const r of refusals) expect(((await r.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    const big = await carrierRoute(callback({ ...base, pad: "x".repeat(10_000) }));
    expect(big.status).toBe(413);
    expect(await snapshotOf(o.orderId)).toEqual(before);
  });

  it("an unknown order or tracking number is answered 2xx (resending cannot help); an order not shipped yet gets a 409 to retry", async () => {
    const unknown = await carrierRoute(
      callback({ tracking_number: "PL000000000001", order_reference: randomUUID(), sequence: 1, status: "in_transit" }),
    );
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ outcome: "unknown_shipment" });
    const o = await shippedOrder();
    const wrong = await carrierRoute(
      callback({ tracking_number: "PL999999999999", order_reference: o.orderId, sequence: 1, status: "in_transit" }),
    );
    expect(await wrong.json()).toMatchObject({ outcome: "unknown_shipment" });
    const paid = await paidOrderAtGateway({ stock: 2, priceCents: 900 });
    const early = await carrierRoute(
      callback({ tracking_number: "PL000000000002", order_reference: paid.orderId, sequence: 1, status: "in_transit" }),
    );
    expect(early.status).toBe(409);
    expect((await orderRow(paid.orderId)).status).toBe("paid");
  });

  it("refuses callbacks when no secret is configured (403), and rate-limits each sender (429)", async () => {
    delete process.env.CARRIER_SECRET;
    resetEnvCache();
    try {
      const r = await carrierRoute(callback({ tracking_number: "PL1", order_reference: randomUUID(), sequence: 1, status: "in_transit" }));
      expect(r.status).toBe(403);
    } finally {
      process.env.CARRIER_SECRET = SECRET;
      resetEnvCache();
    }
    const address = "203.0.113.77";
    for (let i = 0; i < LIMITS.carrierCallbacks.points; i++) await take(LIMITS.carrierCallbacks, address);
    const request = callback({ tracking_number: "PL1", order_reference: randomUUID(), sequence: 1, status: "in_transit" });
    request.headers.set("x-forwarded-for", address);
    const limited = await carrierRoute(request);
    expect(limited.status).toBe(429);
  });
});
