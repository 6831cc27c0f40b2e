import { sql, type SQL } from "drizzle-orm";
import { env } from "@/lib/env";
import type { Executor } from "./types";

export type JobName =
  | "payment_timeout"
  | "expire_checkout_session"
  | "refund_payment"
  | "send_email"
  | "fulfil_order"
  | "poll_refund"
  | "reconcile_orders";

export type JobOptions = { jobKey?: string; runAt?: Date; maxAttempts?: number };

/**
 * Enqueues a graphile-worker job on the caller's connection: inside a
 * transaction it exists only if that transaction commits.
 */
export async function addJob(tx: Executor, task: JobName, payload: Record<string, unknown>, options: JobOptions = {}): Promise<void> {
  await tx.execute(addJobQuery(task, payload, options));
}

/** The statement addJob runs, for a caller that sends it in a pipeline. */
export function addJobQuery(task: JobName, payload: Record<string, unknown>, options: JobOptions = {}): SQL {
  const maxAttempts = options.maxAttempts ?? env().JOB_MAX_ATTEMPTS;
  return sql`select graphile_worker.add_job(
    ${task}::text,
    ${JSON.stringify(payload)}::json,
    run_at := ${options.runAt ? options.runAt.toISOString() : null}::timestamptz,
    max_attempts := ${maxAttempts}::int,
    job_key := ${options.jobKey ?? null}::text
  )`;
}

export async function removeJob(tx: Executor, jobKey: string): Promise<void> {
  await tx.execute(removeJobQuery(jobKey));
}

export function removeJobQuery(jobKey: string): SQL {
  return sql`select graphile_worker.remove_job(${jobKey}::text)`;
}
