import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { noChaos } from "./config";
import { randomSecret, startEmulator, type RunningEmulator, type StartOptions } from "./server";

// Shared by the emulator's tests: an in-process emulator, the real SDK
// pointed at it, and a tiny webhook receiver.

// This run's own credentials, as every installation has its own.
export const KEY = randomSecret("sk_test_");
export const WEBHOOK_SECRET = randomSecret("whsec_");

export type Delivery = {
  body: string;
  signature: string;
  headers: IncomingHttpHeaders;
  event: { id: string; type: string; data: { object: Record<string, unknown> } };
};

export type Receiver = {
  url: string;
  deliveries: Delivery[];
  /** Status codes for the next deliveries, in order; 200 afterwards. */
  respondWith(...statuses: number[]): void;
  ofType(type: string): Delivery[];
  close(): Promise<void>;
};

export async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const queued: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      deliveries.push({
        body,
        signature: String(req.headers["stripe-signature"]),
        headers: req.headers,
        event: JSON.parse(body) as Delivery["event"],
      });
      res.writeHead(queued.shift() ?? 200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    deliveries,
    respondWith: (...statuses) => void queued.push(...statuses),
    ofType: (type) => deliveries.filter((d) => d.event.type === type),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Harness = { emulator: RunningEmulator; stripe: Stripe; receiver: Receiver; stop(): Promise<void> };

export async function startHarness(options: StartOptions = {}): Promise<Harness> {
  const receiver = await startReceiver();
  const emulator = await startEmulator({
    port: 0,
    webhookUrl: receiver.url,
    asyncDelayMs: 150,
    retryBaseMs: 40,
    maxAttempts: 4,
    chaos: noChaos,
    publicUrl: undefined,
    secretKey: KEY,
    webhookSecret: WEBHOOK_SECRET,
    ...options,
  });
  const stripe = new Stripe(KEY, { host: "127.0.0.1", port: emulator.port, protocol: "http", maxNetworkRetries: 0, timeout: 5_000 });
  return {
    emulator,
    stripe,
    receiver,
    async stop() {
      await emulator.stop();
      await receiver.close();
    },
  };
}

/**
 * One emulator for a test file (handed to `set`), reset before each test, on a
 * clock the returned object moves (`clock.offsetMs = 31 * 60_000`).
 */
export function sharedHarness(set: (h: Harness) => void, options: StartOptions = {}): { offsetMs: number } {
  const clock = { offsetMs: 0 };
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness({ now: () => Date.now() + clock.offsetMs, ...options });
    set(harness);
  });
  afterAll(() => harness?.stop());
  beforeEach(() => {
    harness!.emulator.reset();
    harness!.receiver.deliveries.length = 0;
    clock.offsetMs = 0;
  });
  return clock;
}

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The exact call lib/payments/stripe-gateway.ts makes. */
export function sessionParams(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: "payment",
    client_reference_id: "order-1",
    customer_email: "reader@example.com",
    metadata: { order_id: "order-1", payment_id: "payment-1" },
    payment_intent_data: { metadata: { order_id: "order-1", payment_id: "payment-1" } },
    line_items: [
      { quantity: 2, price_data: { currency: "usd", unit_amount: 1299, product_data: { name: "Dune" } } },
      { quantity: 1, price_data: { currency: "usd", unit_amount: 850, product_data: { name: "Emma" } } },
    ],
    success_url: "http://localhost:3000/checkout/return?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://localhost:3000/cart?cancelled={CHECKOUT_SESSION_ID}",
    expires_at: Math.floor(Date.now() / 1000) + 31 * 60,
    ...overrides,
  };
}

export type PayResponse = { status: string; redirectUrl?: string; error?: string; code?: string; declineCode?: string };

/** Headless payment through the control API. */
export async function pay(
  emulator: RunningEmulator,
  sessionId: string,
  body: { card?: string; bankAccount?: string },
): Promise<{ http: number; body: PayResponse }> {
  return control(emulator, `/sessions/${sessionId}/pay`, body) as Promise<{ http: number; body: PayResponse }>;
}

export async function control(
  emulator: RunningEmulator,
  path: string,
  body?: unknown,
): Promise<{ http: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.url}/_emulator${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { http: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A book shop's sale as issue #18 describes it: printed books, an address, standard and express shipping, automatic tax, promotion codes, a guest. */
export function bookSaleParams(overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  const book = (name: string, unitAmount: number, quantity: number) => ({
    quantity,
    price_data: {
      currency: "usd",
      unit_amount: unitAmount,
      tax_behavior: "exclusive" as const,
      product_data: { name, tax_code: "txcd_35010000" },
    },
  });
  const days = (min: number, max: number) => ({
    minimum: { unit: "business_day" as const, value: min },
    maximum: { unit: "business_day" as const, value: max },
  });
  return sessionParams({
    customer_email: undefined,
    line_items: [book("Dune", 1299, 2), book("Emma", 850, 1)],
    shipping_address_collection: { allowed_countries: ["US", "CA", "GB", "DE", "FR", "IE"] },
    shipping_options: [
      {
        shipping_rate_data: {
          display_name: "Standard",
          type: "fixed_amount",
          fixed_amount: { amount: 499, currency: "usd" },
          delivery_estimate: days(3, 5),
          tax_behavior: "exclusive",
        },
      },
      {
        shipping_rate_data: {
          display_name: "Express",
          type: "fixed_amount",
          fixed_amount: { amount: 1299, currency: "usd" },
          delivery_estimate: days(1, 2),
          tax_behavior: "exclusive",
        },
      },
    ],
    automatic_tax: { enabled: true },
    allow_promotion_codes: true,
    ...overrides,
  });
}

export const ADA_IN_BERLIN = {
  email: "ada@example.com",
  name: "Ada Reader",
  line1: "Unter den Linden 1",
  city: "Berlin",
  postal_code: "10117",
  country: "DE",
};
export const TEST_CARD = { card_number: "4242 4242 4242 4242", card_expiry: "12/34", card_cvc: "123", card_name: "Ada Reader" };

export type PagePost = { status: number; html: string; location: string | null };

/** Posts the hosted page's form, as a browser without JavaScript does. */
export async function postPage(emulator: RunningEmulator, sessionId: string, fields: Record<string, string>): Promise<PagePost> {
  const response = await fetch(`${emulator.url}/pay/${sessionId}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: response.status, html: await response.text(), location: response.headers.get("location") };
}
