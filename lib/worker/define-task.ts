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
import { flagOrder } from "@/lib/orders/flag-order";
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
        if (helpers.job.attempts >= helpers.job.max_attempts && typeof payload.orderId === "string" && payload.orderId) {
          await flagOrder(payload.orderId, `${name} failed after ${helpers.job.attempts} attempts: ${message}`, {
            task: name,
            jobId: helpers.job.id,
          });
        }
        throw error;
      }
      metrics().jobRuns.inc({ task: name, outcome: "succeeded" });
      logger().info({ ...attempt, durationMs: Date.now() - startedAt.getTime() }, "job succeeded");
      await recordRun({ name, payload, helpers, startedAt });
    });
  };
}
