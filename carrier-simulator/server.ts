import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { BodyTooLargeError, isLoopback, matchRoute, readBody, sendJson, type Route } from "../stripe-emulator/http/io";
import { createScheduler } from "../stripe-emulator/scheduler";
import {
  canMove,
  EXCEPTION_CODES,
  nextStatus,
  SHIPMENT_STATUSES,
  type CallbackStatus,
  type CarrierCallback,
  type ShipmentException,
  type ShipmentStatus,
} from "./contract";
import { CARRIER_SIGNATURE_HEADER, signCarrierPayload } from "./signature";

// A parcel carrier for tests and local runs, next to the Stripe emulator: the
// shop registers a shipment (POST /shipments → tracking number), then the
// carrier reports each status change to the shop's callback URL, signed like
// Stripe's webhooks, retried with backoff until a 2xx. Changes happen on a
// schedule (configurable delays) or when a test drives them through the
// control API (/_carrier, loopback only, the emulator's CSRF rules).

export type Schedule = { in_transit: number; out_for_delivery: number; delivered: number };

export type CarrierOptions = {
  port?: number;
  host?: string;
  /** Where callbacks go; "" = none (recorded, not sent). */
  callbackUrl?: string;
  /** The callback signing secret (random for this start when absent). */
  secret?: string;
  /** The API key POST /shipments requires (random for this start when absent). */
  apiKey?: string;
  /** Delays (ms) before each automatic step, each after the previous one; null = only the control API moves shipments. */
  schedule?: Schedule | null;
  retryBaseMs?: number;
  maxAttempts?: number;
  carrierName?: string;
  /** The carrier's clock (occurred_at, estimated delivery); signatures always use real time. */
  now?: () => number;
};

export type Shipment = {
  id: string;
  object: "shipment";
  tracking_number: string;
  order_reference: string;
  carrier: string;
  service: "standard" | "express";
  status: ShipmentStatus;
  created_at: string;
  updated_at: string;
  estimated_delivery: string | null;
  history: { status: ShipmentStatus; occurred_at: string; sequence: number; exception: ShipmentException | null }[];
};

export type CallbackAttempt = { attempt: number; status: number | null; error: string | null; at: string; durationMs: number };
export type CallbackRecord = {
  callback: CarrierCallback;
  body: string;
  delivery: "pending" | "delivered" | "failed" | "disabled";
  attempts: CallbackAttempt[];
};

export type CarrierSettings = {
  callbackUrl: string;
  schedule: Schedule | null;
  retryBaseMs: number;
  maxAttempts: number;
  /** The next this many shipment registrations are refused with 503 (an outage, for tests of the store's fulfilment). */
  refuseShipments: number;
};

export type RunningCarrier = {
  url: string;
  port: number;
  secret: string;
  apiKey: string;
  settings: CarrierSettings;
  shipments: Map<string, Shipment>;
  callbacks: CallbackRecord[];
  /** In-process twin of POST /_carrier/shipments/:tracking/advance. */
  advance(trackingNumber: string, status?: CallbackStatus, exception?: ShipmentException): CarrierCallback;
  reset(): void;
  stop(): Promise<void>;
};

export class CarrierError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const SEND_TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 16_384;
/** Shipments kept in memory at most (a runaway test loop gets a 429, not an out-of-memory process). */
export const MAX_SHIPMENTS = 10_000;
const BUSINESS_DAYS: Record<Shipment["service"], number> = { standard: 4, express: 1 };

export function randomCarrierSecret(prefix: string): string {
  return `${prefix}${randomBytes(24).toString("hex")}`;
}

const delay = z.number().int().min(0).max(86_400_000);
const scheduleSchema = z.strictObject({ in_transit: delay, out_for_delivery: delay, delivered: delay });
const registerSchema = z.strictObject({
  order_reference: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "order_reference: 1-100 letters, digits and _ . : -"),
  service: z.enum(["standard", "express"]).default("standard"),
});
const advanceSchema = z.strictObject({
  status: z.enum(SHIPMENT_STATUSES.filter((s) => s !== "label_created") as [CallbackStatus, ...CallbackStatus[]]).optional(),
  exception: z.strictObject({ code: z.enum(EXCEPTION_CODES), message: z.string().min(1).max(200) }).optional(),
});
const settingsSchema = z.strictObject({
  callbackUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/ })]).optional(),
  schedule: scheduleSchema.nullable().optional(),
  retryBaseMs: z.number().int().min(1).max(3_600_000).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  refuseShipments: z.number().int().min(0).max(1000).optional(),
});

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new CarrierError(400, `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`, "invalid_request");
}

function trackingNumber(): string {
  const digits = Array.from(randomBytes(12), (b) => String(b % 10)).join("");
  return `PL${digits}`;
}

/** A date `days` business days after `ms` (YYYY-MM-DD, UTC). */
function businessDaysAfter(ms: number, days: number): string {
  const date = new Date(ms);
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return date.toISOString().slice(0, 10);
}

export async function startCarrier(options: CarrierOptions = {}): Promise<RunningCarrier> {
  const secret = options.secret ?? randomCarrierSecret("csec_");
  const apiKey = options.apiKey ?? randomCarrierSecret("ck_test_");
  const carrierName = options.carrierName ?? "Simulated Post";
  const now = options.now ?? Date.now;
  const initial = (): CarrierSettings => ({
    callbackUrl: options.callbackUrl ?? "",
    schedule: options.schedule ?? null,
    retryBaseMs: options.retryBaseMs ?? 1_000,
    maxAttempts: options.maxAttempts ?? 8,
    refuseShipments: 0,
  });
  const settings = initial();
  const shipments = new Map<string, Shipment>();
  const byReference = new Map<string, string>();
  const callbacks: CallbackRecord[] = [];
  const autoTimers = new Map<string, () => void>();
  const scheduler = createScheduler();
  let shutdown = new AbortController();
  let generation = 0;
  let queue: Promise<void> = Promise.resolve();

  async function attempt(record: CallbackRecord, n: number): Promise<boolean> {
    const started = Date.now();
    const at = new Date(started).toISOString();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(settings.callbackUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          [CARRIER_SIGNATURE_HEADER]: signCarrierPayload(record.body, secret, Math.floor(Date.now() / 1000)),
          "user-agent": "CarrierSimulator/1.0",
        },
        body: record.body,
        signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(SEND_TIMEOUT_MS)]),
        redirect: "manual",
      });
      await response.arrayBuffer().catch(() => undefined);
      status = response.status;
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      error = cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
    }
    record.attempts.push({ attempt: n, status, error, at, durationMs: Date.now() - started });
    const ok = status !== null && status >= 200 && status < 300;
    if (ok) record.delivery = "delivered";
    else if (n >= settings.maxAttempts) record.delivery = "failed";
    return ok;
  }

  /** Retries run on their own timers, base × 2^(n-2) after the failed attempt n-1. */
  function retry(record: CallbackRecord, n: number, gen: number): void {
    scheduler.after(settings.retryBaseMs * 2 ** (n - 2), () => {
      if (gen !== generation) return;
      void attempt(record, n).then((ok) => {
        if (!ok && n < settings.maxAttempts && gen === generation) retry(record, n + 1, gen);
      });
    });
  }

  /** First attempts go out one at a time, in the order the changes happened. */
  function enqueue(record: CallbackRecord): void {
    if (!settings.callbackUrl) return void (record.delivery = "disabled");
    const gen = generation;
    queue = queue
      .then(() => (gen === generation ? attempt(record, 1) : true))
      .then((ok) => {
        if (!ok && settings.maxAttempts > 1 && gen === generation) retry(record, 2, gen);
      })
      .catch(() => undefined);
  }

  function armSchedule(shipment: Shipment): void {
    autoTimers.get(shipment.tracking_number)?.();
    autoTimers.delete(shipment.tracking_number);
    const next = nextStatus(shipment.status);
    const schedule = settings.schedule;
    if (!schedule || !next || next === "exception") return;
    const cancel = scheduler.after(schedule[next], () => {
      autoTimers.delete(shipment.tracking_number);
      if (shipment.status !== "delivered") move(shipment, next);
    });
    autoTimers.set(shipment.tracking_number, cancel);
  }

  function move(shipment: Shipment, to: CallbackStatus, exception?: ShipmentException): CarrierCallback {
    const from = shipment.status;
    if (!canMove(from, to))
      throw new CarrierError(409, `Shipment ${shipment.tracking_number} is ${from}; it cannot become ${to}.`, "invalid_transition");
    const occurredAt = new Date(now()).toISOString();
    const sequence = shipment.history.length;
    const problem =
      to === "exception"
        ? (exception ?? { code: "delivery_attempt_failed" as const, message: "Nobody was home; the parcel will be tried again." })
        : null;
    shipment.status = to;
    shipment.updated_at = occurredAt;
    if (to === "delivered") shipment.estimated_delivery = null;
    shipment.history.push({ status: to, occurred_at: occurredAt, sequence, exception: problem });
    const callback: CarrierCallback = {
      id: randomCarrierSecret("cevt_").slice(0, 29),
      object: "carrier_event",
      type: "shipment.status_changed",
      sequence,
      tracking_number: shipment.tracking_number,
      order_reference: shipment.order_reference,
      carrier: shipment.carrier,
      status: to,
      previous_status: from,
      occurred_at: occurredAt,
      estimated_delivery: shipment.estimated_delivery,
      exception: problem,
    };
    const record: CallbackRecord = { callback, body: JSON.stringify(callback), delivery: "pending", attempts: [] };
    callbacks.push(record);
    enqueue(record);
    armSchedule(shipment);
    return callback;
  }

  function register(body: unknown): { status: number; shipment: Shipment } {
    const p = parse(registerSchema, body);
    const existing = byReference.get(p.order_reference);
    // Registering the same order again (a retried request) returns its shipment.
    if (existing) return { status: 200, shipment: shipments.get(existing)! };
    if (shipments.size >= MAX_SHIPMENTS)
      throw new CarrierError(
        429,
        `The simulator holds ${MAX_SHIPMENTS} shipments at most; reset it (POST /_carrier/reset).`,
        "too_many_shipments",
      );
    const created = new Date(now()).toISOString();
    const shipment: Shipment = {
      id: randomCarrierSecret("shp_").slice(0, 28),
      object: "shipment",
      tracking_number: trackingNumber(),
      order_reference: p.order_reference,
      carrier: carrierName,
      service: p.service,
      status: "label_created",
      created_at: created,
      updated_at: created,
      estimated_delivery: businessDaysAfter(now(), BUSINESS_DAYS[p.service]),
      history: [{ status: "label_created", occurred_at: created, sequence: 0, exception: null }],
    };
    shipments.set(shipment.tracking_number, shipment);
    byReference.set(p.order_reference, shipment.tracking_number);
    armSchedule(shipment);
    return { status: 201, shipment };
  }

  function shipmentOf(tracking: string): Shipment {
    const shipment = shipments.get(tracking);
    if (!shipment) throw new CarrierError(404, `No such shipment: ${tracking}`, "not_found");
    return shipment;
  }

  function advance(tracking: string, status?: CallbackStatus, exception?: ShipmentException): CarrierCallback {
    const shipment = shipmentOf(tracking);
    const to = status ?? nextStatus(shipment.status);
    if (!to) throw new CarrierError(409, `Shipment ${tracking} is delivered; nothing comes after that.`, "invalid_transition");
    if (exception && to !== "exception") throw new CarrierError(400, "exception is only for status exception.", "invalid_request");
    return move(shipment, to, exception);
  }

  function reset(): void {
    generation++;
    shutdown.abort();
    shutdown = new AbortController();
    queue = Promise.resolve();
    scheduler.clear();
    autoTimers.clear();
    shipments.clear();
    byReference.clear();
    callbacks.length = 0;
    Object.assign(settings, initial());
  }

  /** One more attempt of a recorded callback, the same body freshly signed (control API). */
  async function redeliver(id: string): Promise<CallbackAttempt> {
    const record = callbacks.find((r) => r.callback.id === id);
    if (!record) throw new CarrierError(404, `No such callback: ${id}`, "not_found");
    if (!settings.callbackUrl) throw new CarrierError(409, "No callback URL is configured.", "no_callback_url");
    const before = record.delivery;
    const ok = await attempt(record, record.attempts.length + 1);
    // A failed manual resend leaves the automatic state as it was (a callback never sent is now failed).
    if (!ok) record.delivery = before === "disabled" ? "failed" : before;
    return record.attempts.at(-1)!;
  }

  type Handler = (input: {
    body: unknown;
    path: string[];
  }) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;
  const apiRoutes: Route<Handler>[] = [
    {
      method: "POST",
      pattern: /^\/shipments$/,
      handler: ({ body }) => {
        if (settings.refuseShipments > 0) {
          settings.refuseShipments -= 1;
          throw new CarrierError(503, "The carrier is down (refuseShipments): try again later.", "carrier_unavailable");
        }
        const { status, shipment } = register(body);
        return { status, body: shipment };
      },
    },
    { method: "GET", pattern: /^\/shipments\/([A-Za-z0-9]+)$/, handler: ({ path }) => ({ status: 200, body: shipmentOf(path[0]!) }) },
  ];
  const controlRoutes: Route<Handler>[] = [
    {
      method: "POST",
      pattern: /^\/_carrier\/shipments\/([A-Za-z0-9]+)\/advance$/,
      handler: ({ body, path }) => {
        const p = parse(advanceSchema, body);
        const callback = advance(path[0]!, p.status, p.exception);
        return { status: 200, body: { shipment: shipmentOf(path[0]!), callback } };
      },
    },
    { method: "GET", pattern: /^\/_carrier\/shipments$/, handler: () => ({ status: 200, body: { data: [...shipments.values()] } }) },
    {
      method: "GET",
      pattern: /^\/_carrier\/callbacks$/,
      handler: () => ({
        status: 200,
        body: { data: callbacks.map(({ callback, delivery, attempts }) => ({ callback, delivery, attempts })) },
      }),
    },
    {
      method: "POST",
      pattern: /^\/_carrier\/callbacks\/([A-Za-z0-9_]+)\/redeliver$/,
      handler: async ({ path }) => ({ status: 200, body: { attempt: await redeliver(path[0]!) } }),
    },
    { method: "GET", pattern: /^\/_carrier\/config$/, handler: () => ({ status: 200, body: settings }) },
    {
      method: "POST",
      pattern: /^\/_carrier\/config$/,
      handler: ({ body }) => {
        const p = parse(settingsSchema, body);
        for (const [key, value] of Object.entries(p)) if (value !== undefined) Object.assign(settings, { [key]: value });
        return { status: 200, body: settings };
      },
    },
    {
      method: "POST",
      pattern: /^\/_carrier\/reset$/,
      handler: () => {
        reset();
        return { status: 200, body: { reset: true } };
      },
    },
  ];

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? "127.0.0.1";
  const apiHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const url = `http://${apiHost.includes(":") ? `[${apiHost}]` : apiHost}:${port}`;
  const ownOrigins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`];

  const keyDigest = createHash("sha256").update(`Bearer ${apiKey}`).digest();
  /** Constant-time comparison of the Authorization header with the key (hashed first, so lengths never differ). */
  const keyMatches = (header: string | undefined) =>
    timingSafeEqual(
      createHash("sha256")
        .update(header ?? "")
        .digest(),
      keyDigest,
    );

  /** Who may call what: the API needs the key; the control API is this machine's, JSON only, no foreign Origin. */
  function refusal(req: IncomingMessage, control: boolean): { status: number; error: string; code: string } | null {
    if (control) {
      if (!isLoopback(req)) return { status: 403, error: "The control API only answers requests from this machine.", code: "forbidden" };
      const origin = req.headers.origin;
      if (req.method === "POST" && origin !== undefined && !ownOrigins.includes(origin))
        return { status: 403, error: "The control API answers only clients that send no Origin.", code: "forbidden" };
    } else {
      if (!keyMatches(req.headers.authorization))
        return { status: 401, error: "Send the carrier API key as Authorization: Bearer <key>.", code: "unauthorized" };
    }
    const type = (req.headers["content-type"] ?? "").toLowerCase();
    if (req.method === "POST" && !type.startsWith("application/json"))
      return { status: 415, error: "Send a JSON body (Content-Type: application/json).", code: "unsupported_media_type" };
    return null;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://carrier.invalid").pathname;
    const control = path.startsWith("/_carrier/");
    const found = matchRoute(control ? controlRoutes : apiRoutes, req.method ?? "GET", path);
    if (!found) return sendJson(res, 404, { error: { code: "not_found", message: `Unknown route ${req.method} ${path}` } });
    const refused = refusal(req, control);
    if (refused) return sendJson(res, refused.status, { error: { code: refused.code, message: refused.error } });
    try {
      const raw = req.method === "POST" ? await readBody(req, MAX_BODY_BYTES) : "";
      let body: unknown = {};
      if (raw) {
        try {
          body = JSON.parse(raw) as unknown;
        } catch {
          return sendJson(res, 400, { error: { code: "invalid_json", message: "Body is not valid JSON." } });
        }
      }
      const result = await found.handler({ body, path: found.params });
      sendJson(res, result.status, result.body);
    } catch (error) {
      if (error instanceof CarrierError) return sendJson(res, error.status, { error: { code: error.code, message: error.message } });
      if (error instanceof BodyTooLargeError)
        return sendJson(res, 413, { error: { code: "body_too_large", message: `Request body over ${MAX_BODY_BYTES} bytes.` } });
      throw error;
    }
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => {
      console.error("carrier-simulator: request failed", error);
      if (!res.headersSent) sendJson(res, 500, { error: { code: "internal", message: "Internal carrier simulator error." } });
      else res.destroy();
    });
  });

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    secret,
    apiKey,
    settings,
    shipments,
    callbacks,
    advance,
    reset,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        reset();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

export { CARRIER_SIGNATURE_HEADER, signCarrierPayload, verifyCarrierSignature } from "./signature";
export { canMove, EXCEPTION_CODES, nextStatus, SHIPMENT_STATUSES, TRANSITIONS } from "./contract";
export type { CarrierCallback, CallbackStatus, ExceptionCode, ShipmentStatus, ShipmentException } from "./contract";
