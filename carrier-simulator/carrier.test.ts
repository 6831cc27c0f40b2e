import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startReceiver, waitFor, type Receiver } from "../stripe-emulator/test-support";
import type { CarrierCallback } from "./contract";
import { CARRIER_SIGNATURE_HEADER, MAX_SHIPMENTS, startCarrier, verifyCarrierSignature, type RunningCarrier } from "./server";

// The carrier simulator over HTTP, as the app will use it: register a
// shipment, receive signed status callbacks (driven or scheduled), retried
// until the app answers 2xx; and who may call which route.

let receiver: Receiver;
let carrier: RunningCarrier;
beforeAll(async () => {
  receiver = await startReceiver();
  carrier = await startCarrier({ port: 0, callbackUrl: receiver.url, retryBaseMs: 30, maxAttempts: 4 });
});
afterAll(async () => {
  await carrier.stop();
  await receiver.close();
});
beforeEach(() => {
  carrier.reset();
  receiver.deliveries.length = 0;
});

const api = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(`${carrier.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${carrier.apiKey}`, "content-type": "application/json", ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
const control = async (path: string, body?: unknown) => {
  const response = await fetch(`${carrier.url}/_carrier${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { http: response.status, body: (await response.json()) as Record<string, unknown> };
};
async function register(orderReference = "order-1"): Promise<string> {
  const response = await api("/shipments", { body: { order_reference: orderReference } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { tracking_number: string }).tracking_number;
}
/** The callbacks received, verified with the app's helper. */
function received(): CarrierCallback[] {
  return receiver.deliveries.map((d) => {
    const header = d.headers[CARRIER_SIGNATURE_HEADER] as string;
    const check = verifyCarrierSignature({ body: d.body, header, secret: carrier.secret, nowSeconds: Math.floor(Date.now() / 1000) });
    expect(check.ok).toBe(true);
    return JSON.parse(d.body) as CarrierCallback;
  });
}

describe("carrier simulator", () => {
  it("registers a shipment (tracking number, label_created, estimate); the same order again returns the same shipment", async () => {
    const response = await api("/shipments", { body: { order_reference: "order-42", service: "express" } });
    expect(response.status).toBe(201);
    const shipment = (await response.json()) as Record<string, unknown>;
    expect(shipment).toMatchObject({
      object: "shipment",
      order_reference: "order-42",
      service: "express",
      status: "label_created",
      carrier: "Simulated Post",
    });
    expect(shipment.tracking_number).toMatch(/^PL\d{12}$/);
    expect(shipment.estimated_delivery).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const again = await api("/shipments", { body: { order_reference: "order-42" } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { tracking_number: string }).tracking_number).toBe(shipment.tracking_number);
    expect(carrier.shipments.size).toBe(1);
    const read = await api(`/shipments/${String(shipment.tracking_number)}`);
    expect(await read.json()).toMatchObject({
      tracking_number: shipment.tracking_number,
      history: [{ status: "label_created", sequence: 0 }],
    });
    expect((await api("/shipments/PL000")).status).toBe(404);
    expect(receiver.deliveries).toHaveLength(0);
  });

  it("advance drives in_transit → out_for_delivery → delivered: signed callbacks, in order, with the contract's fields", async () => {
    const tracking = await register();
    for (let i = 0; i < 3; i++) expect((await control(`/shipments/${tracking}/advance`, {})).http).toBe(200);
    await waitFor(() => receiver.deliveries.length === 3);
    const callbacks = received();
    expect(callbacks.map((c) => [c.sequence, c.previous_status, c.status])).toEqual([
      [1, "label_created", "in_transit"],
      [2, "in_transit", "out_for_delivery"],
      [3, "out_for_delivery", "delivered"],
    ]);
    expect(Object.keys(callbacks[0]!).sort()).toEqual(
      [
        "id",
        "object",
        "type",
        "sequence",
        "tracking_number",
        "order_reference",
        "carrier",
        "status",
        "previous_status",
        "occurred_at",
        "estimated_delivery",
        "exception",
      ].sort(),
    );
    expect(callbacks[0]).toMatchObject({
      object: "carrier_event",
      type: "shipment.status_changed",
      tracking_number: tracking,
      order_reference: "order-1",
      exception: null,
    });
    expect(callbacks[2]!.estimated_delivery).toBeNull();
    expect(new Set(callbacks.map((c) => c.id)).size).toBe(3);
    // Delivered is final.
    const after = await control(`/shipments/${tracking}/advance`, {});
    expect(after.http).toBe(409);
    expect((await control(`/shipments/${tracking}/advance`, { status: "in_transit" })).http).toBe(409);
    expect(carrier.callbacks).toHaveLength(3);
  });

  it("exception carries its code and message; the parcel can go back out and be delivered", async () => {
    const tracking = await register();
    carrier.advance(tracking);
    const exception = await control(`/shipments/${tracking}/advance`, {
      status: "exception",
      exception: { code: "address_issue", message: "No such street." },
    });
    expect(exception).toMatchObject({
      http: 200,
      body: { shipment: { status: "exception" }, callback: { status: "exception", exception: { code: "address_issue" } } },
    });
    expect((await control(`/shipments/${tracking}/advance`, { status: "delivered" })).http).toBe(409);
    carrier.advance(tracking, "out_for_delivery");
    carrier.advance(tracking, "delivered");
    await waitFor(() => receiver.deliveries.length === 4);
    expect(received().map((c) => c.status)).toEqual(["in_transit", "exception", "out_for_delivery", "delivered"]);
    // Bad control input is a 400 and changes nothing.
    const other = await register("order-2");
    expect((await control(`/shipments/${other}/advance`, { status: "teleported" })).http).toBe(400);
    expect(
      (await control(`/shipments/${other}/advance`, { status: "in_transit", exception: { code: "damaged", message: "x" } })).http,
    ).toBe(400);
    expect((await control(`/shipments/PL404/advance`, {})).http).toBe(404);
    expect(carrier.shipments.get(other)!.status).toBe("label_created");
  });

  it("retries a callback the app refuses, with backoff, resending the same signed event until a 2xx", async () => {
    receiver.respondWith(500, 503);
    const tracking = await register();
    carrier.advance(tracking);
    await waitFor(() => carrier.callbacks[0]?.delivery === "delivered");
    const record = carrier.callbacks[0]!;
    expect(record.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    const gaps = record.attempts.slice(1).map((a, i) => Date.parse(a.at) - Date.parse(record.attempts[i]!.at));
    expect(gaps[0]).toBeGreaterThanOrEqual(25);
    expect(gaps[1]).toBeGreaterThanOrEqual(55);
    expect(new Set(receiver.deliveries.map((d) => d.body)).size).toBe(1);
    received();
  });

  it("gives up after maxAttempts and marks the callback failed", async () => {
    receiver.respondWith(500, 500, 500, 500);
    carrier.advance(await register());
    await waitFor(() => carrier.callbacks[0]?.delivery === "failed");
    expect(carrier.callbacks[0]!.attempts).toHaveLength(4);
    const listed = await control("/callbacks");
    expect(listed.body).toMatchObject({ data: [{ delivery: "failed" }] });
  });

  it("control API redelivers a callback: the same body (same id), freshly signed", async () => {
    carrier.advance(await register());
    await waitFor(() => carrier.callbacks[0]?.delivery === "delivered");
    const id = carrier.callbacks[0]!.callback.id;
    receiver.respondWith(500);
    const failed = await control(`/callbacks/${id}/redeliver`, {});
    expect(failed).toMatchObject({ http: 200, body: { attempt: { attempt: 2, status: 500 } } });
    expect(carrier.callbacks[0]!.delivery).toBe("delivered");
    expect((await control(`/callbacks/${id}/redeliver`, {})).body).toMatchObject({ attempt: { attempt: 3, status: 200 } });
    expect(receiver.deliveries).toHaveLength(3);
    expect(new Set(received().map((c) => c.id))).toEqual(new Set([id]));
    expect((await control("/callbacks/cevt_missing/redeliver", {})).http).toBe(404);
  });

  it("on a schedule, a shipment moves by itself to delivered", async () => {
    expect((await control("/config", { schedule: { in_transit: 20, out_for_delivery: 20, delivered: 20 } })).http).toBe(200);
    const tracking = await register();
    await waitFor(() => receiver.deliveries.length === 3);
    expect(received().map((c) => c.status)).toEqual(["in_transit", "out_for_delivery", "delivered"]);
    expect(carrier.shipments.get(tracking)!.status).toBe("delivered");
    expect((await control("/config", { schedule: { in_transit: -1, out_for_delivery: 0, delivered: 0 } })).http).toBe(400);
  });

  it("a scheduled shipment hit by an exception resumes its schedule from there", async () => {
    await control("/config", { schedule: { in_transit: 10, out_for_delivery: 60_000, delivered: 10 } });
    const tracking = await register();
    await waitFor(() => carrier.shipments.get(tracking)!.status === "in_transit");
    carrier.advance(tracking, "exception");
    await waitFor(() => receiver.deliveries.length === 3);
    expect(received().map((c) => c.status)).toEqual(["in_transit", "exception", "in_transit"]);
  });

  describe("who may call what", () => {
    it("the shipments API needs the key, a JSON body, a valid reference, and at most 16 KB", async () => {
      const body = JSON.stringify({ order_reference: "order-1" });
      expect((await api("/shipments", { body, headers: { authorization: "" } })).status).toBe(401);
      expect((await api("/shipments", { body, headers: { authorization: "Bearer ck_test_wrong" } })).status).toBe(401);
      expect((await api("/shipments/PL1", { headers: { authorization: "" } })).status).toBe(401);
      expect((await api("/shipments", { body, headers: { "content-type": "text/plain" } })).status).toBe(415);
      expect((await api("/shipments", { body: "{nope" })).status).toBe(400);
      expect((await api("/shipments", { body: { order_reference: "" } })).status).toBe(400);
      expect((await api("/shipments", { body: { order_reference: "<script>" } })).status).toBe(400);
      expect((await api("/shipments", { body: { order_reference: "order-1", extra: 1 } })).status).toBe(400);
      expect((await api("/shipments", { body: { order_reference: "order-1", pad: "x".repeat(20_000) } })).status).toBe(413);
      expect(carrier.shipments.size).toBe(0);
    });

    it(`holds at most ${MAX_SHIPMENTS} shipments: then a 429 until reset`, async () => {
      const filler = carrier.shipments.get(await register("filler"))!;
      for (let i = 1; i < MAX_SHIPMENTS; i++) carrier.shipments.set(`PLFILL${i}`, filler);
      const refused = await api("/shipments", { body: { order_reference: "one-too-many" } });
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ error: { code: "too_many_shipments" } });
      expect((await control("/reset", {})).http).toBe(200);
      expect(carrier.shipments.size).toBe(0);
      expect((await api("/shipments", { body: { order_reference: "one-too-many" } })).status).toBe(201);
    });

    it("the control API: JSON only, no foreign Origin; its routes are not on the keyed API", async () => {
      const tracking = await register();
      const post = (headers: Record<string, string>) =>
        fetch(`${carrier.url}/_carrier/shipments/${tracking}/advance`, { method: "POST", headers, body: "{}" });
      expect((await post({ "content-type": "text/plain" })).status).toBe(415);
      expect((await post({ "content-type": "application/x-www-form-urlencoded" })).status).toBe(415);
      expect((await post({ "content-type": "application/json", origin: "https://evil.example" })).status).toBe(403);
      expect(carrier.shipments.get(tracking)!.status).toBe("label_created");
      expect((await post({ "content-type": "application/json", origin: `http://localhost:${carrier.port}` })).status).toBe(200);
    });
  });
});

describe("carrier simulator without a callback URL", () => {
  let quiet: RunningCarrier;
  beforeAll(async () => {
    quiet = await startCarrier({ port: 0 });
  });
  afterEach(() => quiet.reset());
  afterAll(() => quiet.stop());

  it("records callbacks as disabled and makes its own random credentials", async () => {
    const other = await startCarrier({ port: 0 });
    expect(quiet.secret).toMatch(/^csec_[0-9a-f]{48}$/);
    expect(quiet.apiKey).not.toBe(other.apiKey);
    await other.stop();
    const response = await fetch(`${quiet.url}/shipments`, {
      method: "POST",
      headers: { authorization: `Bearer ${quiet.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ order_reference: "o-1" }),
    });
    const { tracking_number } = (await response.json()) as { tracking_number: string };
    quiet.advance(tracking_number);
    await waitFor(() => quiet.callbacks[0]?.delivery === "disabled");
  });
});
