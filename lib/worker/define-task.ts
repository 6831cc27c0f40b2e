import { sql } from "drizzle-orm";
import type { JobHelpers, Task } from "graphile-worker";
import { getDb } from "@/db";
import { flagOrder } from "@/lib/orders/flag-order";

export type TaskPayload = { orderId?: string; requestId?: string } & Record<string, unknown>;

type Run = { name: string; payload: TaskPayload; helpers: JobHelpers; startedAt: Date; error?: unknown };

/**
 * Keeps each run of an order's job (graphile-worker deletes a job once it
 * succeeds) for the operator's order page. Jobs without an order (the
 * reconciler every minute) are kept only when they fail. Losing this row
 * must not fail the job, so errors are logged, not thrown.
 */
async function recordRun({ name, payload, helpers, startedAt, error }: Run): Promise<void> {
  const orderId = typeof payload.orderId === "string" && /^[0-9a-f-]{36}$/i.test(payload.orderId) ? payload.orderId : null;
  if (!orderId && !error) return;
  const message = error === undefined ? null : (error instanceof Error ? error.message : String(error)).slice(0, 2000);
  try {
    const { db } = await getDb();
    await db.execute(sql`
      insert into job_runs (job_id, task, order_id, attempt, max_attempts, outcome, error, duration_ms, request_id, started_at)
      values (${String(helpers.job.id)}, ${name}, ${orderId}, ${helpers.job.attempts}, ${helpers.job.max_attempts},
              ${error === undefined ? "succeeded" : "failed"}, ${message}, ${Date.now() - startedAt.getTime()},
              ${typeof payload.requestId === "string" ? payload.requestId : null}, ${startedAt.toISOString()})`);
  } catch (failure) {
    console.error(JSON.stringify({ level: "error", msg: "job run not recorded", task: name, jobId: helpers.job.id, error: String(failure) }));
  }
}

/**
 * A task whose failures are retried by graphile-worker with exponential
 * backoff; when the last attempt fails, the order is flagged for an operator
 * and an alert is logged (like luno/workflow's pause after an error count).
 */
export function defineTask(name: string, run: (payload: TaskPayload, helpers: JobHelpers) => Promise<void>): Task {
  return async (raw, helpers) => {
    const payload = (raw ?? {}) as TaskPayload;
    const startedAt = new Date();
    try {
      await run(payload, helpers);
    } catch (error) {
      await recordRun({ name, payload, helpers, startedAt, error });
      const { attempts, max_attempts: maxAttempts } = helpers.job;
      const message = error instanceof Error ? error.message : String(error);
      if (attempts >= maxAttempts && payload.orderId) {
        await flagOrder(payload.orderId, `${name} failed after ${attempts} attempts: ${message}`, {
          task: name,
          jobId: helpers.job.id,
          requestId: payload.requestId,
        });
      }
      throw error;
    }
    await recordRun({ name, payload, helpers, startedAt });
  };
}
