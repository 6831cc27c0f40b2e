import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import Stripe from "stripe";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { POST as webhookRoute } from "@/app/api/webhooks/stripe/route";
import { getDb } from "@/db";
import { addCartItem, createCart } from "@/lib/cart/cart-store";
import { resetEnvCache } from "@/lib/env";
import { listBooks } from "@/lib/catalog/list-books";
import { checkoutCart } from "@/lib/orders/checkout-cart";
import { webhookSecret } from "@/lib/payments/stripe-client";
import { taskList } from "@/lib/worker/task-list";
import { createBook, createUser, orderRow } from "@/test/fixtures";
import { orderAtGateway } from "@/test/gateway";
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

describe("one order's story across the webhook, dispatch and its jobs", () => {
  it("carries the request id from the webhook request into the dispatch and the job it enqueued", async () => {
    const o = await orderAwaitingPayment();
    const requestId = `req-story-${o.orderId.slice(0, 8)}`;
    const event = stripeEvent("checkout.session.completed", sessionObject(o.sessionId, o.orderId, o.paymentId));
    const response = await webhookRoute(webhookRequest(event, requestId));
    expect(response.status).toBe(200);

    const { db, url } = await getDb();
    await db.execute(
      sql`update graphile_worker._private_jobs set run_at = now() where payload->>'orderId' = ${o.orderId} and task_id = (select id from graphile_worker._private_tasks where identifier = 'send_email')`,
    );
    await runOnce({ connectionString: url, taskList, logger: new Logger(() => () => {}) });

    const lines = logs.lines().filter((l) => l.requestId === requestId);
    expect(lines.find((l) => l.msg === "webhook received")).toMatchObject({ outcome: "handled", type: "checkout.session.completed" });
    expect(lines.find((l) => l.msg === "order transition")).toMatchObject({
      orderId: o.orderId,
      event: "PAYMENT_SUCCEEDED",
      from: "created.paying",
      to: "settled.paid",
    });
    expect(lines.find((l) => l.msg === "job succeeded")).toMatchObject({ orderId: o.orderId, task: "send_email", attempt: 1 });
    // and the job kept the id for the operator too
    // (the order_created e-mail was enqueued by placeOrder, outside any request, so only the paid one has it)
    const runs = await db.execute<{ request_id: string | null }>(
      sql`select request_id from job_runs where order_id = ${o.orderId} and task = 'send_email'`,
    );
    expect(runs.map((r) => r.request_id)).toContain(requestId);
  });

  it("never writes passwords, card numbers, tokens or cookies to the log", () => {
    logger().info(
      {
        password: "hunter22",
        user: { passwordHash: "$argon2id$secret" },
        card: "4242424242424242",
        headers: { authorization: "Bearer sk_live_x", cookie: "next-auth.session-token=abc" },
        csrfToken: "tok",
      },
      "redaction probe",
    );
    const line = logs.lines().find((l) => l.msg === "redaction probe")!;
    const raw = JSON.stringify(line);
    for (const secret of ["hunter22", "$argon2id$secret", "4242424242424242", "sk_live_x", "session-token=abc", '"tok"'])
      expect(raw).not.toContain(secret);
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
    // Orders by status are the database's own figures at scrape time (other files' orders count
    // too, and may change meanwhile): the gauge equals a count taken around a scrape nothing moved.
    expect((await orderRow(o.orderId)).status).toBe("paid");
    const { db } = await getDb();
    const paidNow = async () => (await db.execute<{ n: number }>(sql`select count(*)::int as n from orders where status = 'paid'`))[0]!.n;
    await expect
      .poll(async () => {
        const [countBefore, text, countAfter] = [await paidNow(), await metricsText(), await paidNow()];
        return countBefore === countAfter
          ? sample(text, 'bookstore_orders{status="paid"}') - countAfter
          : "the count moved during the scrape";
      })
      .toBe(0);
    expect(delta("bookstore_order_time_to_paid_seconds_count")).toBe(1);
    expect(sample(after, 'bookstore_job_queue_depth{task="fulfil_order"}')).toBeGreaterThanOrEqual(1);
    expect(after).toContain("bookstore_gateway_circuit_state 0");
    expect(after).toMatch(/^bookstore_orders_needing_attention \d+$/m);
    expect(after).toContain("# TYPE bookstore_operation_duration_seconds histogram");
  });
});

describe("GET /api/metrics in production", () => {
  const saved = { NODE_ENV: process.env.NODE_ENV, METRICS_TOKEN: process.env.METRICS_TOKEN, NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET };
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetEnvCache();
  });

  const production = (token: string | undefined) => {
    Object.assign(process.env, { NODE_ENV: "production", NEXTAUTH_SECRET: "metrics-test-secret-0123456789abcdef" });
    if (token) process.env.METRICS_TOKEN = token;
    else delete process.env.METRICS_TOKEN;
    resetEnvCache();
  };
  const scrape = (authorization?: string) =>
    metricsRoute(new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} }), undefined as never);

  it("does not exist without METRICS_TOKEN: 404, whatever the request sends", async () => {
    production(undefined);
    for (const authorization of [undefined, "Bearer anything-at-all-0123456789"]) {
      const response = await scrape(authorization);
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe("not_found");
    }
  });

  it("with METRICS_TOKEN answers only its bearer", async () => {
    production("metrics-test-token-0123456789");
    expect((await scrape()).status).toBe(401);
    expect((await scrape("Bearer metrics-test-token-012345678X")).status).toBe(401);
    const response = await scrape("Bearer metrics-test-token-0123456789");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("bookstore_orders{");
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
    expect(checkouts.every((s) => s.attributes["request.id"] === requestId && s.attributes["operation.kind"] === "order_creation")).toBe(
      true,
    );
    const lookup = finished.find((s) => s.name === "data_lookup list_books")!;
    expect(lookup.status.code).toBe(SpanStatusCode.OK);
    expect(lookup.parentSpanContext).toBeUndefined(); // a lookup of its own, not inside the checkouts
    // The order the checkout placed is read back inside the checkout's span: its child, same trace.
    const placed = checkouts.find((s) => s.status.code === SpanStatusCode.OK)!;
    const readBack = finished.filter((s) => s.name === "data_lookup get_order");
    expect(readBack).toHaveLength(1);
    expect(readBack[0]!.parentSpanContext?.spanId).toBe(placed.spanContext().spanId);
    expect(readBack[0]!.spanContext().traceId).toBe(placed.spanContext().traceId);

    await flushOperations();
    const { db, url } = await getDb();
    const rows = await db.execute<{
      kind: string;
      name: string;
      outcome: string;
      order_id: string | null;
      error: string | null;
      duration_ms: number;
    }>(sql`
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

    // A job: the payment timer of an order whose session is open at the gateway. The job's span
    // holds the gateway calls it made; its row in the operation log names the order.
    const o = await orderAtGateway();
    spans.reset();
    await db.execute(sql`update orders set payment_deadline = now() - interval '1 minute',
      machine_snapshot = jsonb_set(machine_snapshot, '{context,paymentDeadline}', to_jsonb((extract(epoch from now()) * 1000 - 60000)::bigint))
      where id = ${o.orderId}`);
    await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where key = ${`payment-timeout:${o.orderId}`}`);
    await runOnce({ connectionString: url, taskList, logger: new Logger(() => () => {}) });
    expect((await orderRow(o.orderId)).status).toBe("cancelled");
    const jobSpans = spans
      .getFinishedSpans()
      .filter((s) => s.name === "payment_processing payment_timeout" && s.attributes["order.id"] === o.orderId);
    expect(jobSpans).toHaveLength(1);
    const job = jobSpans[0]!;
    expect(job.status.code).toBe(SpanStatusCode.OK);
    expect(job.attributes["operation.kind"]).toBe("payment_processing");
    const gatewayCalls = spans.getFinishedSpans().filter((s) => s.parentSpanContext?.spanId === job.spanContext().spanId);
    expect(gatewayCalls.map((s) => s.name)).toEqual(
      expect.arrayContaining(["gateway checkout.sessions.retrieve", "gateway checkout.sessions.expire"]),
    );
    expect(gatewayCalls.every((s) => s.status.code === SpanStatusCode.OK && s.spanContext().traceId === job.spanContext().traceId)).toBe(
      true,
    );
    await flushOperations();
    const jobRows = await db.execute<{ kind: string; outcome: string }>(sql`
      select kind, outcome from operations where order_id = ${o.orderId} and name = 'payment_timeout'`);
    expect(jobRows).toEqual([{ kind: "payment_processing", outcome: "success" }]);
  });
});
