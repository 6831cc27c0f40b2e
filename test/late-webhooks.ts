import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { getDb } from "@/db";
import { runDueJobs } from "./run-jobs";
import { env } from "@/lib/env";
import { addJob } from "@/lib/worker/jobs";
import { getPaymentGateway } from "@/lib/payments/gateway";
import { PAID_SESSION_CURSOR } from "@/lib/payments/paid-session-sweep";
import { POST as webhookRoute } from "@/app/api/webhooks/stripe/route";
import { emulatorControl } from "./gateway";

// Helpers for tests of what the store learns without its webhooks: the
// reconciler run directly, a webhook endpoint for the emulator that holds
// deliveries until the test lets them through (so they land after the
// reconciler, whatever the machine's speed), then hands them to the real
// route, and sessions the store never recorded.

/**
 * The paid-session sweep's cursor as it is now, and a function that puts it
 * back. A test that moves the gateway's clock ahead and lets the sweep run
 * moves the cursor ahead with it, and the later tests of this worker would
 * then miss every event older than it (CI saw one fail so).
 */
export async function keepSweepCursor(): Promise<() => Promise<void>> {
  const { db } = await getDb();
  const [row] = await db.execute<{ position: string }>(
    sql`select position::text from reconciler_cursors where name = ${PAID_SESSION_CURSOR}`,
  );
  return async () => {
    if (row) await db.execute(sql`update reconciler_cursors set position = ${row.position}::bigint where name = ${PAID_SESSION_CURSOR}`);
    else await db.execute(sql`delete from reconciler_cursors where name = ${PAID_SESSION_CURSOR}`);
  };
}

/** One run of the reconciler, as the minute cron would start it. */
export async function reconcileOnce(): Promise<void> {
  const { db, url } = await getDb();
  // Payments count as quiet after 10 s; age them instead of waiting.
  await db.execute(sql`update payments set created_at = created_at - interval '1 minute'`);
  await addJob(db, "reconcile_orders", {}, { jobKey: "reconcile_orders" });
  // The cycle and what it queues, not the jobs other files left in this worker's database.
  await runDueJobs({ connectionString: url, tasks: ["reconcile_orders"] });
}

export async function emulatorSettings(): Promise<Record<string, unknown>> {
  return (await (await fetch(`${env().STRIPE_API_BASE}/_emulator/config`)).json()) as Record<string, unknown>;
}

type Delivery = { eventId: string; type: string; objectId: string; status: number; outcome?: string };

export type HeldEndpoint = {
  url: string;
  /** Deliveries wait from now until release(). */
  hold(): void;
  release(): void;
  /** The route's answer to the delivery of `type` about `objectId` (a session or PaymentIntent id), once it came. */
  delivered(type: string, objectId: string, timeoutMs?: number): Promise<Delivery>;
  close(): Promise<void>;
};

export async function heldWebhookEndpoint(): Promise<HeldEndpoint> {
  const deliveries: Delivery[] = [];
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      await gate;
      const response = await webhookRoute(
        new Request("http://localhost/api/webhooks/stripe", {
          method: "POST",
          body,
          headers: { "content-type": "application/json", "stripe-signature": String(req.headers["stripe-signature"] ?? "") },
        }),
      );
      const answer = (await response.json()) as { outcome?: string };
      const event = JSON.parse(body) as { id: string; type: string; data: { object: { id: string } } };
      deliveries.push({
        eventId: event.id,
        type: event.type,
        objectId: event.data.object.id,
        status: response.status,
        outcome: answer.outcome,
      });
      res.writeHead(response.status, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/stripe`,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      open();
    },
    async delivered(type, objectId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = deliveries.find((d) => d.type === type && d.objectId === objectId);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${type} delivery for ${objectId} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Webhooks on, every delivery delayed (the emulator's chaos settings) and sent to `url`. */
export function delayWebhooksTo(url: string, delayMs: { min: number; max: number }): Promise<unknown> {
  return emulatorControl("/_emulator/config", {
    webhookUrl: url,
    chaos: { minDelayMs: delayMs.min, maxDelayMs: delayMs.max, shuffle: true },
  });
}

/**
 * A session opened at the gateway for the order exactly as the store opens
 * one, but never recorded: as if its START_PAYMENT had been refused and the
 * expiry lost, or the process had died between the gateway and the database.
 */
export async function openUnrecordedSession(
  orderId: string,
  amountCents: number,
): Promise<{ sessionId: string; paymentId: string; session: { id: string; url: string } }> {
  const paymentId = randomUUID();
  const session = await (
    await getPaymentGateway()
  ).createCheckoutSession({
    orderId,
    paymentId,
    customerEmail: "r@example.com",
    currency: "usd",
    lines: [{ title: "A leaked page", quantity: 1, unitPriceCents: amountCents }],
    successUrl: "http://localhost/checkout/success?session_id={CHECKOUT_SESSION_ID}",
    cancelUrl: "http://localhost/checkout/cancelled",
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  return { sessionId: session.id, paymentId, session: { id: session.id, url: session.url } };
}
