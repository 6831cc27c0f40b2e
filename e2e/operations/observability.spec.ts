import { expect, test } from "../support/test";
import { client } from "../support/api";
import { adminContext } from "../support/browser";
import { e2eDb } from "../support/db";
import { paidOrder } from "../support/orders";

// What an operator has at hand: metrics after a real order, health, the
// operation log, and the banner when automation gives up on an order.

const METRICS_TOKEN = "e2e-metrics-token-0123456789";

test.describe("observability", () => {
  test("metrics after a scripted order: orders, transitions, webhooks, jobs, gateway, HTTP latency by route; token required", async () => {
    const { orderId } = await paidOrder({ title: "A Measured Book" });
    const api = await client();
    // Paths no route serves share one label: each used to make a series of its own, kept for good.
    const probes = ["/wp-login.php", `/probe-${Date.now()}/x`, `/admin/probe-${Date.now()}`];
    for (const probe of probes) await api.get(probe, { maxRedirects: 0 });
    expect((await api.get("/api/metrics")).status()).toBe(401);
    expect((await api.get("/api/metrics", { headers: { Authorization: "Bearer wrong-token-0123456789" } })).status()).toBe(401);
    const response = await api.get("/api/metrics", { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("text/plain");
    const text = await response.text();
    expect(text).toMatch(/^bookstore_orders\{status="paid"\} [1-9]\d*$/m);
    expect(text).toMatch(/^bookstore_order_transitions_total\{event="PAYMENT_SUCCEEDED",outcome="accepted"\} [1-9]\d*$/m);
    expect(text).toMatch(/^bookstore_webhook_events_total\{outcome="handled"\} [1-9]\d*$/m);
    expect(text).toMatch(/^bookstore_job_queue_depth\{task="fulfil_order"\} [1-9]\d*$/m);
    expect(text).toMatch(/^bookstore_gateway_call_duration_seconds_count\{operation="checkout.sessions.create",outcome="ok"\} [1-9]\d*$/m);
    expect(text).toMatch(/^bookstore_gateway_circuit_state 0$/m);
    expect(text).toMatch(/^bookstore_http_request_duration_seconds_count\{method="POST",route="\/api\/checkout",status="201"\} [1-9]\d*$/m);
    expect(text).toMatch(
      /^bookstore_http_request_duration_seconds_count\{method="POST",route="\/api\/orders\/:id\/payments",status="201"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(/^bookstore_order_time_to_paid_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^bookstore_http_request_duration_seconds_count\{method="GET",route="\(other\)",status="404"\} [1-9]\d*$/m);
    for (const probe of probes) expect(text).not.toContain(`route="${probe}"`);
    expect(orderId).toBeTruthy();
  });

  test("liveness and readiness are separate; every response carries its request id", async () => {
    const api = await client();
    const live = await api.get("/api/health/live");
    expect(live.status()).toBe(200);
    expect((await live.json()).status).toBe("ok");
    const ready = await api.get("/api/health", { headers: { "x-request-id": "req-e2e-health-0001" } });
    expect(ready.status()).toBe(200);
    expect(await ready.json()).toMatchObject({ db: "ok", worker: "ok" });
    expect(ready.headers()["x-request-id"]).toBe("req-e2e-health-0001");
  });

  test("the operation log shows an order's operations; a paused order raises the console's banner", async ({ browser }) => {
    const { orderId } = await paidOrder({ title: "A Logged Book" });
    // The log is written in batches, up to a second after the operation (lib/observability/operations.ts):
    // the page is opened once the paying webhook's row is there, so what it lists is settled.
    await expect
      .poll(
        async () =>
          (
            await e2eDb()`select count(*)::int as n from operations where order_id = ${orderId} and name = 'webhook checkout.session.completed'`
          )[0]?.n,
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(1);
    const context = await adminContext(browser);
    const page = await context.newPage();
    await page.goto(`/admin/orders/${orderId}`);
    await page.getByRole("link", { name: "Operations log" }).click();
    await expect(page.getByRole("heading", { name: /^Newest \d+ for order/ })).toBeVisible();
    const table = page.getByRole("table").last();
    await expect(table.getByText("checkout", { exact: true })).toBeVisible();
    await expect(table.getByText("start_payment", { exact: true })).toBeVisible();
    await expect(table.getByText("webhook checkout.session.completed")).toBeVisible();
    await page.getByRole("link", { name: "payment_processing" }).click();
    await expect(table.getByText("checkout", { exact: true })).toHaveCount(0);
    await page.goto("/admin/operations?kind=user_login");
    await expect(page.getByRole("table").last().getByText("credentials").first()).toBeVisible();
    await page.screenshot({ path: "docs/screenshots/admin-operations.png", fullPage: true });

    await e2eDb()`update orders set needs_attention = true, attention_reason = 'refund_payment failed after 8 attempts: e2e' where id = ${orderId}`;
    try {
      await page.goto("/admin/sales");
      await expect(page.getByRole("alert").filter({ hasText: /need(s)? an operator/ })).toBeVisible();
      await page.goto("/admin/orders");
      await expect(page.getByText("refund_payment failed after 8 attempts: e2e")).toBeVisible();
    } finally {
      await e2eDb()`update orders set needs_attention = false, attention_reason = null where id = ${orderId}`;
    }
    await context.close();
  });
});
