import { sql } from "drizzle-orm";
import type { JobHelpers, Task } from "graphile-worker";
import { getDb } from "@/db";
import type { OperationKind } from "@/db/schema";
import { withContext } from "@/lib/observability/context";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { redactError, safeErrorMessage } from "@/lib/observability/redact-error";
import { instrument } from "@/lib/observability/operations";
import { traced } from "@/lib/observability/trace";
import { env } from "@/lib/env";
import { withOrderTransaction } from "@/db/transaction";
import { dispatch } from "@/lib/orders/dispatch";
import { flagOrder } from "@/lib/orders/flag-order";
import { isOrderPaused } from "@/lib/orders/store";
import { isUuid } from "@/lib/ids";
import { parseJobPayload, type JobName, type JobPayload, type StoredPayload } from "./jobs";

type TaskPayload = StoredPayload & { orderId?: unknown };

type Run = { name: string; payload: TaskPayload; helpers: JobHelpers; startedAt: Date; error?: unknown };

/**
 * Keeps each run of an order's job (graphile-worker deletes a job once it
 * succeeds) for the operator's order page. Jobs without an order (the
 * reconciler every minute) are kept only when they fail. Losing this row
 * must not fail the job, so errors are logged, not thrown.
 */
async function recordRun({ name, payload, helpers, startedAt, error }: Run): Promise<void> {
  const orderId = isUuid(payload.orderId) ? payload.orderId : null;
  if (!orderId && !error) return;
  const message = error === undefined ? null : safeErrorMessage(error).slice(0, 2000);
  try {
    const { db } = await getDb();
    await db.execute(sql`
      insert into job_runs (job_id, task, order_id, attempt, max_attempts, outcome, error, duration_ms, request_id, started_at)
      values (${String(helpers.job.id)}, ${name}, ${orderId}, ${helpers.job.attempts}, ${helpers.job.max_attempts},
              ${error === undefined ? "succeeded" : "failed"}, ${message}, ${Date.now() - startedAt.getTime()},
              ${typeof payload.requestId === "string" ? payload.requestId : null}, ${startedAt.toISOString()})`);
  } catch (failure) {
    logger().error({ err: failure, task: name }, "job run not recorded");
  }
}

/**
 * The jobs that move an order on their own (timers, the warehouse, refunds at
 * the gateway): while its automation is paused they leave it alone, and RESUME
 * enqueues them again (machines/order-machine.ts, `resume`). E-mails, closing
 * sessions at the gateway and polling refunds only record facts, and run.
 */
const WAIT_WHILE_PAUSED: ReadonlySet<JobName> = new Set([
  "payment_timeout",
  "fulfil_order",
  "refund_payment",
  "return_expiry",
  "probe_gateway",
]);

/**
 * How many of the order's latest job runs failed in a row (since its last
 * success or its last RESUME), up to `limit`.
 */
async function consecutiveFailures(orderId: string, limit: number): Promise<number> {
  const { db } = await getDb();
  const [row] = await db.execute<{ runs: number; failed: number }>(sql`
    select count(*)::int as runs, (count(*) filter (where outcome = 'failed'))::int as failed from (
      select outcome from job_runs
      where order_id = ${orderId}
        and started_at > coalesce((select max(created_at) from order_events where order_id = ${orderId} and type = 'OrderResumed'), '-infinity')
      order by id desc limit ${limit}) recent`);
  // All of the latest runs failed: that many in a row.
  return row && row.runs === row.failed ? row.failed : 0;
}

/**
 * After ORDER_JOB_FAILURES_BEFORE_PAUSE failed runs in a row, the order's
 * automation is paused through the machine (PAUSE by the system), not only
 * flagged; the console lists it first. When that pause, or the last attempt,
 * gives the job up, `onGiveUp` hands the order over (the warehouse's "ship by
 * hand" queue) in the same transaction: an order is never left paused by its
 * failures without being handed over, nor seen half-way by a reader.
 * Returns whether the order took the job over.
 */
async function giveUpIfDue(
  orderId: string,
  task: string,
  message: string,
  lastAttempt: boolean,
  onGiveUp: (() => Promise<boolean>) | undefined,
): Promise<boolean> {
  const limit = env().ORDER_JOB_FAILURES_BEFORE_PAUSE;
  const pauseDue = (await consecutiveFailures(orderId, limit)) >= limit;
  if (!pauseDue && !(lastAttempt && onGiveUp)) return false;
  const reason = `${limit} job runs failed in a row, the last ${task}: ${message}`.slice(0, 500);
  const { paused, handedOver } = await withOrderTransaction(async () => {
    const paused = pauseDue && (await dispatch(orderId, { type: "PAUSE", by: "system", reason }, "system")).outcome === "accepted";
    const handedOver = (lastAttempt || paused) && onGiveUp ? await onGiveUp() : false;
    return { paused, handedOver };
  });
  if (paused) {
    metrics().ordersPaused.inc({ task });
    logger().error({ alert: "order_paused", orderId, task, reason }, "order paused after repeated job failures");
  }
  return handedOver;
}

export type TaskOptions<N extends JobName> = {
  /**
   * Automation gave up on this job for the order: its last attempt failed, or
   * its failures paused the order. (The fulfilment hands the order to people.)
   * True when the order took it over: the job then ends (its failed run is kept
   * in job_runs) instead of staying in the queue as failed or retrying. It
   * runs inside the pause's order transaction: its dispatch joins it.
   */
  onGiveUp?: (payload: JobPayload<N>, message: string) => Promise<boolean>;
};

/**
 * A task whose failures are retried by graphile-worker with exponential
 * backoff; when the last attempt fails, the order is flagged for an operator
 * and an alert is logged (like luno/workflow's pause after an error count).
 * Each run happens in the context of the request that enqueued it (its
 * payload keeps the request id), in a span, counted, logged and kept in
 * job_runs; `kind` also puts it in the operation log. The payload is checked
 * against its job's schema (jobs.ts) before `run` sees it: a malformed one
 * fails the attempt like any error.
 */
export function defineTask<N extends JobName>(
  name: N,
  run: (payload: JobPayload<N>, helpers: JobHelpers) => Promise<void>,
  kind?: OperationKind,
  options: TaskOptions<N> = {},
): Task {
  return async (raw, helpers) => {
    const payload = (raw ?? {}) as TaskPayload;
    const context = {
      requestId: typeof payload.requestId === "string" ? payload.requestId : undefined,
      orderId: typeof payload.orderId === "string" ? payload.orderId : undefined,
      task: name,
      jobId: String(helpers.job.id),
    };
    await withContext(context, async () => {
      const startedAt = new Date();
      const attempt = { attempt: helpers.job.attempts, maxAttempts: helpers.job.max_attempts };
      if (WAIT_WHILE_PAUSED.has(name) && isUuid(payload.orderId) && (await isOrderPaused(payload.orderId))) {
        // Not a run: the order's operator paused it (or the system did); RESUME enqueues this job again.
        metrics().jobRuns.inc({ task: name, outcome: "paused" });
        logger().info(attempt, "order paused: job left for RESUME");
        return;
      }
      const body = () => run(parseJobPayload(name, payload), helpers);
      try {
        await (kind ? instrument(kind, { name, orderId: context.orderId }, body) : traced(`job ${name}`, { "job.task": name }, body));
      } catch (error) {
        // Before anything keeps it: job_runs, the log, the flag and graphile-worker's last_error.
        redactError(error);
        metrics().jobRuns.inc({ task: name, outcome: "failed" });
        logger().warn({ ...attempt, err: error }, "job failed");
        await recordRun({ name, payload, helpers, startedAt, error });
        const message = safeErrorMessage(error);
        const lastAttempt = helpers.job.attempts >= helpers.job.max_attempts;
        if (lastAttempt && typeof payload.orderId === "string" && payload.orderId) {
          await flagOrder(payload.orderId, `${name} failed after ${helpers.job.attempts} attempts: ${message}`, {
            task: name,
            jobId: helpers.job.id,
          });
        }
        let handedOver = false;
        if (isUuid(payload.orderId)) {
          // Losing these must not hide the job's own error: logged, not thrown.
          const { onGiveUp } = options;
          try {
            handedOver = await giveUpIfDue(
              payload.orderId,
              name,
              message,
              lastAttempt,
              onGiveUp && (() => onGiveUp(parseJobPayload(name, payload), message)),
            );
          } catch (failure) {
            logger().error({ err: failure, task: name }, "job failure not handed to the order machine");
          }
        }
        if (handedOver) return;
        throw error;
      }
      metrics().jobRuns.inc({ task: name, outcome: "succeeded" });
      logger().info({ ...attempt, durationMs: Date.now() - startedAt.getTime() }, "job succeeded");
      await recordRun({ name, payload, helpers, startedAt });
    });
  };
}
