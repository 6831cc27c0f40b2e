import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/observability/log";

// Webhooks refused for their signature: a wrong STRIPE_WEBHOOK_SECRET (or a
// rotated one) must not stay silent. Each process counts its own refusals in
// memory and adds them to one row per minute in the database a moment later
// (one statement per process per flush, however many requests came: the
// counting costs an unauthenticated sender nothing in the database), so the
// figure in /api/metrics and the console's banner cover every instance.

const FLUSH_AFTER_MS = 2_000;
/** How long a process keeps its count before writing it. Read at each refusal, so a test can hold the write back. */
export const signatureFlushTiming = { afterMs: FLUSH_AFTER_MS };

let unflushed = 0;
let timer: NodeJS.Timeout | undefined;
let lastAlertAt = 0;

function windowMinutes(): number {
  return env().WEBHOOK_SIGNATURE_WINDOW_MINUTES;
}

/** Called for every webhook whose signature did not verify. */
export function recordSignatureFailure(): void {
  unflushed += 1;
  timer ??= setTimeout(() => {
    void flushSignatureFailures().catch((error) => logger().warn({ err: error }, "webhook signature failures not recorded yet"));
  }, signatureFlushTiming.afterMs).unref();
}

/**
 * Adds this process's count to the shared record; when the window's total
 * reaches the threshold, logs the alert (at most once per window per process).
 */
export async function flushSignatureFailures(): Promise<void> {
  clearTimeout(timer);
  timer = undefined;
  const count = unflushed;
  if (count === 0) return;
  unflushed = 0;
  let recent: number;
  try {
    const { db } = await getDb();
    const [row] = await db.execute<{ recent: number }>(sql`
      with added as (
        insert into webhook_signature_failures (minute, failures) values (date_trunc('minute', now()), ${count})
        on conflict (minute) do update set failures = webhook_signature_failures.failures + excluded.failures)
      -- The insert runs whether or not it is read; this select sees the table as it was before it.
      select coalesce(sum(failures), 0)::int + ${count} as recent
      from webhook_signature_failures where minute > now() - make_interval(mins => ${windowMinutes()})`);
    recent = row?.recent ?? count;
  } catch (error) {
    unflushed += count;
    throw error;
  }
  const { WEBHOOK_SIGNATURE_ALERT_THRESHOLD: threshold } = env();
  if (recent >= threshold && Date.now() - lastAlertAt > windowMinutes() * 60_000) {
    lastAlertAt = Date.now();
    logger().error(
      { alert: "webhook_signature_failures", failures: recent, windowMinutes: windowMinutes(), threshold },
      "webhooks are failing signature checks: check STRIPE_WEBHOOK_SECRET",
    );
  }
}

export type SignatureHealth = { failures: number; windowMinutes: number; threshold: number; alerting: boolean };

/** Webhooks refused for their signature in the last window, across every instance (this one's latest included). */
export async function webhookSignatureHealth(): Promise<SignatureHealth> {
  await flushSignatureFailures().catch((error) => logger().warn({ err: error }, "webhook signature failures not recorded yet"));
  const { db } = await getDb();
  const [row] = await db.execute<{ failures: number }>(sql`
    select coalesce(sum(failures), 0)::int as failures from webhook_signature_failures
    where minute > now() - make_interval(mins => ${windowMinutes()})`);
  const failures = row?.failures ?? 0;
  const threshold = env().WEBHOOK_SIGNATURE_ALERT_THRESHOLD;
  return { failures, windowMinutes: windowMinutes(), threshold, alerting: failures >= threshold };
}

/** Failures per minute are read for the last minutes only: the reconciler drops those older than a day. */
export async function pruneSignatureFailures(): Promise<void> {
  const { db } = await getDb();
  await db.execute(sql`delete from webhook_signature_failures where minute < now() - interval '1 day'`);
}
