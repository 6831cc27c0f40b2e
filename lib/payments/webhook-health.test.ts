import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { captureLogs } from "@/lib/observability/log";
import { renderMetrics } from "@/lib/observability/store-metrics";
import { deliver, stripeEvent } from "@/test/webhooks";
import { flushSignatureFailures, signatureFlushTiming, webhookSignatureHealth } from "./webhook-health";

// A wrong STRIPE_WEBHOOK_SECRET must not stay silent: webhooks refused for
// their signature are counted across instances (in the database), shown in
// /api/metrics, and a burst raises an alert line (and the console banner,
// checked end to end in e2e/operations/webhook-health.spec.ts).

const logs = captureLogs();
afterAll(() => logs.stop());

// The tests flush by hand: the 2 s timer could write the count before a test checks that nothing is written yet.
const flushAfterMs = signatureFlushTiming.afterMs;
beforeAll(() => {
  signatureFlushTiming.afterMs = 3_600_000;
});
afterAll(() => {
  signatureFlushTiming.afterMs = flushAfterMs;
});

async function storedFailures(): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<{ n: number }>(sql`select coalesce(sum(failures), 0)::int as n from webhook_signature_failures`);
  return row!.n;
}

function recentMetric(text: string): number {
  const match = /^bookstore_webhook_signature_failures_recent (\d+)$/m.exec(text);
  if (!match) throw new Error("bookstore_webhook_signature_failures_recent is missing from /api/metrics");
  return Number(match[1]);
}

const someEvent = () => stripeEvent("checkout.session.completed", { id: "cs_test_health", object: "checkout.session" });

describe("webhooks refused for their signature", () => {
  it("are counted per process and written in one statement, then shown in /api/metrics; other refusals are not counted", async () => {
    await flushSignatureFailures();
    const before = await storedFailures();
    const beforeMetric = recentMetric((await renderMetrics(null)).body);

    for (let n = 0; n < 3; n++) {
      const response = await deliver(someEvent(), { secret: "whsec_not_the_one_the_store_checks" });
      expect(response).toEqual({
        status: 400,
        body: { error: { code: "invalid_request", message: "Webhook signature verification failed" } },
      });
    }
    // Too old a timestamp fails the signature check too.
    expect((await deliver(someEvent(), { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(400);
    // Not counted: no signature at all (a stray request), and a good one.
    expect((await deliver(someEvent(), { signature: null })).status).toBe(400);
    expect((await deliver(someEvent())).status).toBe(200);

    // Nothing in the database yet: this process adds its count a moment later, in one statement.
    expect(await storedFailures()).toBe(before);
    const health = await webhookSignatureHealth();
    expect(await storedFailures()).toBe(before + 4);
    expect(health).toMatchObject({
      windowMinutes: env().WEBHOOK_SIGNATURE_WINDOW_MINUTES,
      threshold: env().WEBHOOK_SIGNATURE_ALERT_THRESHOLD,
    });
    expect(recentMetric((await renderMetrics(null)).body)).toBe(beforeMetric + 4);
  });

  it("a burst raises one alert line naming the setting, and the health says alerting", async () => {
    const threshold = env().WEBHOOK_SIGNATURE_ALERT_THRESHOLD;
    for (let n = 0; n < threshold; n++) await deliver(someEvent(), { secret: "whsec_rotated_elsewhere" });
    await flushSignatureFailures();
    for (let n = 0; n < 2; n++) await deliver(someEvent(), { secret: "whsec_rotated_elsewhere" });
    await flushSignatureFailures();
    const alerts = logs.lines().filter((line) => line.alert === "webhook_signature_failures");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: "error", msg: "webhooks are failing signature checks: check STRIPE_WEBHOOK_SECRET" });
    expect(Number(alerts[0]!.failures)).toBeGreaterThanOrEqual(threshold);
    expect(await webhookSignatureHealth()).toMatchObject({ alerting: true });
  });

  it("another instance's refusals count here; only the last window counts", async () => {
    const { db } = await getDb();
    await db.execute(sql`delete from webhook_signature_failures`);
    await db.execute(sql`insert into webhook_signature_failures (minute, failures)
      values (date_trunc('minute', now()) - make_interval(mins => ${env().WEBHOOK_SIGNATURE_WINDOW_MINUTES + 1}), 500)`);
    expect(await webhookSignatureHealth()).toMatchObject({ failures: 0, alerting: false });
    // What another app instance flushed a moment ago.
    await db.execute(sql`insert into webhook_signature_failures (minute, failures) values (date_trunc('minute', now()), 7)`);
    expect(await webhookSignatureHealth()).toMatchObject({ failures: 7, alerting: true });
    expect(recentMetric((await renderMetrics(null)).body)).toBe(7);
    await db.execute(sql`delete from webhook_signature_failures`);
  });
});
