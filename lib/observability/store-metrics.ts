import { timingSafeEqual } from "node:crypto";
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { orderStatuses } from "@/db/schema";
import { countOrdersNeedingAttention } from "@/lib/admin/order-overview";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { gatewayCircuitLevel } from "@/lib/payments/resilience";
import { webhookSignatureHealth } from "@/lib/payments/webhook-health";
import { failingJobsByTask, queueDepthByTask } from "@/lib/worker/worker-tables";
import { metrics, registerCollector } from "./metrics";

// What the store's database says at scrape time, so every instance reports
// the same orders and queue (counters of this process come from metrics.ts).

function registerStoreCollectors(): void {
  registerCollector("bookstore_orders", "Orders by status now", ["status"], async (gauge) => {
    const { db } = await getDb();
    const rows = await db.execute<{ status: string; n: number }>(sql`select status, count(*)::int as n from orders group by status`);
    const counts = new Map(rows.map((r) => [r.status, r.n]));
    for (const status of orderStatuses) gauge.set({ status }, counts.get(status) ?? 0);
  });
  registerCollector("bookstore_orders_needing_attention", "Orders automation gave up on (flagged for an operator)", [], async (gauge) => {
    gauge.set(await countOrdersNeedingAttention());
  });
  registerCollector(
    "bookstore_webhook_signature_failures_recent",
    "Webhooks refused for a bad signature in the last WEBHOOK_SIGNATURE_WINDOW_MINUTES minutes, all instances (a burst: check STRIPE_WEBHOOK_SECRET)",
    [],
    async (gauge) => {
      gauge.set((await webhookSignatureHealth()).failures);
    },
  );
  registerCollector("bookstore_job_queue_depth", "Jobs waiting or retrying, by task", ["task"], async (gauge) => {
    const rows = await queueDepthByTask();
    gauge.reset();
    for (const row of rows) gauge.set({ task: row.task }, row.n);
  });
  registerCollector("bookstore_jobs_failing", "Jobs whose last attempt failed (retrying or given up), by task", ["task"], async (gauge) => {
    const rows = await failingJobsByTask();
    gauge.reset();
    for (const row of rows) gauge.set({ task: row.task }, row.n);
  });
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The Prometheus text for GET /api/metrics. In production it needs
 * `Authorization: Bearer <METRICS_TOKEN>` and does not exist without the
 * setting; elsewhere it is open unless a token is set.
 */
export async function renderMetrics(authorization: string | null): Promise<{ body: string; contentType: string }> {
  const token = env().METRICS_TOKEN;
  if (!token && env().NODE_ENV === "production") throw new AppError("not_found", "Not found");
  if (token && !tokenMatches(authorization?.replace(/^Bearer\s+/i, "") ?? "", token)) {
    throw new AppError("unauthenticated", "Metrics need Authorization: Bearer <METRICS_TOKEN>");
  }
  registerStoreCollectors();
  const { registry, gatewayCircuit } = metrics();
  gatewayCircuit.set(gatewayCircuitLevel());
  return { body: await registry.metrics(), contentType: registry.contentType };
}
