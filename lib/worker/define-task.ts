import type { JobHelpers, Task } from "graphile-worker";
import { flagOrder } from "@/lib/orders/flag-order";

export type TaskPayload = { orderId?: string; requestId?: string } & Record<string, unknown>;

/**
 * A task whose failures are retried by graphile-worker with exponential
 * backoff; when the last attempt fails, the order is flagged for an operator
 * and an alert is logged (like luno/workflow's pause after an error count).
 */
export function defineTask(name: string, run: (payload: TaskPayload, helpers: JobHelpers) => Promise<void>): Task {
  return async (raw, helpers) => {
    const payload = (raw ?? {}) as TaskPayload;
    try {
      await run(payload, helpers);
    } catch (error) {
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
  };
}
