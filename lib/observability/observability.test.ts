import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { POST as webhookRoute } from "@/app/api/webhooks/stripe/route";
import { getDb } from "@/db";
import { addCartItem, createCart } from "@/lib/cart/cart-store";
import { listBooks } from "@/lib/catalog/list-books";
import { checkoutCart } from "@/lib/orders/checkout-cart";
import { webhookSecret } from "@/lib/payments/stripe-client";
import { taskList } from "@/lib/worker/tasks";
import { createBook, createUser } from "@/test/fixtures";
import { orderAwaitingPayment, sessionObject, stripeEvent } from "@/test/webhooks";
import { withContext } from "./context";
import { captureLogs, logger } from "./log";
import { flushOperations } from "./operations";

// Spans go to memory for this file (each test file runs in its own process).
const spans = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
trace.setGlobalTracerProvider(provider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const logs = captureLogs();
afterAll(() => logs.stop());

const sdk = new Stripe("sk_test_unused");
function webhookRequest(event: object, requestId: string, signature?: string): Request {
  const payload = JSON.stringify(event);
  return new Request("http://localhost/api/webhooks/stripe", {
    method: "POST",
    body: payload,
    headers: {
      "content-type": "application/json",
      "x-request-id": requestId,
      "stripe-signature": signature ?? sdk.webhooks.generateTestHeaderString({ payload, secret: webhookSecret() }),
    },
  });
}

async function metricsText(): Promise<string> {
  const response = await metricsRoute(new Request("http://localhost/api/metrics"), undefined as never);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one sample line, e.g. `bookstore_orders{status="paid"}`. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

beforeAll(async () => {
  const { db } = await getDb();
  // Jobs left by other test files (which share this database) are not ours to run.
  await db.execute(sql`delete from graphile_worker._private_jobs`);
});

describe("one order's story across the webhook, dispatch and its jobs", () => {
  it("carries the request id from the webhook request into the dispatch and the job it enqueued", async () => {
    const o = await orderAwaitingPayment();
    const requestId = `req-story-${o.orderId.slice(0, 8)}`;
    const event = stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId));
    const response = await webhookRoute(webhookRequest(event, requestId));
    expect(response.status).toBe(200);

    const { db, url } = await getDb();
    await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where payload->>'orderId' = ${o.orderId} and task_id = (select id from graphile_worker._private_tasks where identifier = 'send_email')`);
    await runOnce({ connectionString: url, taskList, logger: new Logger(() => () => {}) });

    const lines = logs.lines().filter((l) => l.requestId === requestId);
    expect(lines.find((l) => l.msg === "webhook received")).toMatchObject({ outcome: "handled", type: "checkout.session.completed" });
    expect(lines.find((l) => l.msg === "order transition")).toMatchObject({ orderId: o.orderId, event: "PAYMENT_SUCCEEDED", from: "created.paying", to: "settled.paid" });
    expect(lines.find((l) => l.msg === "job succeeded")).toMatchObject({ orderId: o.orderId, task: "send_email", attempt: 1 });
    // and the job kept the id for the operator too
    // (the order_created e-mail was enqueued by placeOrder, outside any request, so only the paid one has it)
    const runs = await db.execute<{ request_id: string | null }>(sql`select request_id from job_runs where order_id = ${o.orderId} and task = 'send_email'`);
    expect(runs.map((r) => r.request_id)).toContain(requestId);
  });

  it("never writes passwords, card numbers, tokens or cookies to the log", () => {
    logger().info(
      { password: "hunter22", user: { passwordHash: "$argon2id$secret" }, card: "4242424242424242", headers: { authorization: "Bearer sk_live_x", cookie: "next-auth.session-token=abc" }, csrfToken: "tok" },
      "redaction probe",
    );
    const line = logs.lines().find((l) => l.msg === "redaction probe")!;
    const raw = JSON.stringify(line);
    for (const secret of ["hunter22", "$argon2id$secret", "4242424242424242", "sk_live_x", "session-token=abc", '"tok"']) expect(raw).not.toContain(secret);
    expect(line.password).toBe("[Redacted]");
    expect((line.user as Record<string, unknown>).passwordHash).toBe("[Redacted]");
  });
});

describe("GET /api/metrics", () => {
  it("reports the scripted order: transitions, webhook outcomes, orders by status, jobs, gateway, time to paid", async () => {
    const before = await metricsText();
    const o = await orderAwaitingPayment();
    const event = stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId));
    expect((await webhookRoute(webhookRequest(event, "req-metrics-1"))).status).toBe(200);
    expect((await webhookRoute(webhookRequest(event, "req-metrics-2"))).status).toBe(200); // a redelivery
    expect((await webhookRoute(webhookRequest(event, "req-metrics-3", "t=1,v1=forged"))).status).toBe(400);
    const after = await metricsText();
    const delta = (series: string) => sample(after, series) - sample(before, series);

    expect(delta('bookstore_order_transitions_total{event="PAYMENT_SUCCEEDED",outcome="accepted"}')).toBe(1);
    expect(delta('bookstore_order_transitions_total{event="START_PAYMENT",outcome="accepted"}')).toBe(1);
    expect(delta('bookstore_order_transitions_total{event="CHECKOUT",outcome="accepted"}')).toBe(1);
    expect(delta('bookstore_webhook_events_total{outcome="handled"}')).toBe(1);
    expect(delta('bookstore_webhook_events_total{outcome="duplicate"}')).toBe(1);
    expect(delta('bookstore_webhook_events_total{outcome="rejected"}')).toBe(1);
    expect(delta('bookstore_orders{status="paid"}')).toBe(1);
    expect(delta("bookstore_order_time_to_paid_seconds_count")).toBe(1);
    expect(sample(after, 'bookstore_job_queue_depth{task="fulfil_order"}')).toBeGreaterThanOrEqual(1);
    expect(after).toContain("bookstore_gateway_circuit_state 0");
    expect(after).toMatch(/^bookstore_orders_needing_attention \d+$/m);
    expect(after).toContain("# TYPE bookstore_operation_duration_seconds histogram");
  });
});

describe("traces and the operation log", () => {
  it("checkout, its failure, a catalog lookup and a job each get a span with its status, and a row in the operation log", async () => {
    spans.reset();
    const userId = await createUser();
    const cart = await createCart(userId);
    await addCartItem(cart, await createBook(3), 1);
    const requestId = "req-operations-1";
    const { order } = await withContext({ requestId }, () => checkoutCart({ userId }));
    const empty = await createUser();
    await createCart(empty);
    await expect(withContext({ requestId }, () => checkoutCart({ userId: empty }))).rejects.toThrow(/empty/);
    await withContext({ requestId }, () => listBooks({ q: "", genre: "", page: 1, pageSize: 5 }));

    const finished = spans.getFinishedSpans();
    const checkouts = finished.filter((s) => s.name === "order_creation checkout");
    expect(checkouts.map((s) => s.status.code).sort()).toEqual([SpanStatusCode.OK, SpanStatusCode.ERROR].sort());
    expect(checkouts.every((s) => s.attributes["request.id"] === requestId)).toBe(true);
    const lookup = finished.find((s) => s.name === "data_lookup list_books")!;
    expect(lookup.status.code).toBe(SpanStatusCode.OK);
    // The order's own transition happened inside the checkout span.
    expect(finished.some((s) => s.name === "order_creation checkout" && s.attributes["operation.kind"] === "order_creation")).toBe(true);

    await flushOperations();
    const { db } = await getDb();
    const rows = await db.execute<{ kind: string; name: string; outcome: string; order_id: string | null; error: string | null; duration_ms: number }>(sql`
      select kind, name, outcome, order_id, error, duration_ms from operations where request_id = ${requestId} order by id`);
    expect(rows.map((r) => [r.kind, r.name, r.outcome])).toEqual([
      ["data_lookup", "get_order", "success"],
      ["order_creation", "checkout", "success"],
      ["order_creation", "checkout", "failed"],
      ["data_lookup", "list_books", "success"],
    ]);
    expect(rows[1]!.order_id).toBe(order.id);
    expect(rows[2]!.error).toMatch(/^empty_cart: /);
    expect(rows.every((r) => r.duration_ms >= 0)).toBe(true);
  });
});
