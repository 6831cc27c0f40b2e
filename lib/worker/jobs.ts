import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db";
import type { WritePipeline } from "@/db/batching";
import { env } from "@/lib/env";
import { currentContext } from "@/lib/observability/context";
import { emailTemplates } from "@/machines/statuses";

/**
 * The job registry, first half: every graphile-worker job by name with the
 * payload it carries (zod). addJob only takes a payload of its job's shape;
 * defineTask parses it back before the task runs; lib/worker/task-list.ts
 * (the second half) maps each name to its task, and the compiler checks that
 * every job has one. Two files because the tasks import dispatch, which
 * enqueues jobs.
 *
 * Every payload also carries the request id of the work that enqueued it
 * (AsyncLocalStorage, lib/observability/context.ts): addJob adds it and
 * defineTask reopens it, so no caller passes it by hand.
 */
const orderJob = z.object({ orderId: z.string() });
const refundJob = orderJob.extend({ refundId: z.string() });

export const jobPayloads = {
  payment_timeout: orderJob,
  // `paymentId`: an attempt the machine closed; `sessionId`: a session the store never recorded.
  expire_checkout_session: orderJob.extend({ paymentId: z.string().optional(), sessionId: z.string().optional() }),
  refund_payment: refundJob,
  poll_refund: refundJob,
  send_email: orderJob.extend({
    template: z.enum(emailTemplates),
    dedupeKey: z.string(),
    data: z.record(z.string(), z.unknown()).default({}),
  }),
  fulfil_order: orderJob,
  // Asks the gateway whether it answers again for a delayed payment; `attempt` sets the backoff of the next ask.
  probe_gateway: orderJob.extend({ attempt: z.number().int().min(0).max(1000).default(0) }),
  // A requested return whose parcel never arrived.
  return_expiry: orderJob.extend({ returnId: z.string() }),
  // "Forgot password?": the address as typed; the task finds out whether it has an account.
  send_password_reset: z.object({ email: z.string().max(254) }),
  reconcile_orders: z.object({}),
  // One outbound hook delivery (lib/hooks/deliver.ts); no orderId: a failing receiver never flags the order.
  deliver_hook: z.object({ deliveryId: z.coerce.number().int().positive() }),
} satisfies Record<string, z.ZodObject>;

export type JobName = keyof typeof jobPayloads;

/** The one probe job of a delayed order (created.paymentDelayed). */
export const gatewayProbeKey = (orderId: string) => `gateway-probe:${orderId}`;

/**
 * How long the probe waits before asking the gateway the (attempt + 1)th time: the breaker's
 * half-open delay (10 s) first, then doubling, at most 5 minutes: a shopper hears within
 * minutes of the gateway's return, and a long outage costs one cheap call per order per 5 minutes.
 */
export function gatewayProbeDelayMs(attempt: number): number {
  return Math.min(10_000 * 2 ** Math.min(attempt, 10), 300_000);
}
/** What a task receives. */
export type JobPayload<N extends JobName> = z.output<(typeof jobPayloads)[N]>;
/** What an enqueuer hands over. */
export type JobInput<N extends JobName> = z.input<(typeof jobPayloads)[N]>;

/** A payload as stored: the job's fields and the request id that enqueued it. */
export type StoredPayload = { requestId?: string } & Record<string, unknown>;

export type JobOptions = { jobKey?: string; runAt?: Date; maxAttempts?: number };

/** Checks a stored payload against its job's schema (defineTask, before the task runs). */
export function parseJobPayload<N extends JobName>(name: N, raw: unknown): JobPayload<N> {
  return jobPayloads[name].parse(raw ?? {}) as JobPayload<N>;
}

/**
 * Enqueues a graphile-worker job on the caller's connection: inside a
 * transaction it exists only if that transaction commits.
 */
export async function addJob<N extends JobName>(tx: Executor, task: N, payload: JobInput<N>, options: JobOptions = {}): Promise<void> {
  await tx.execute(addJobQuery(task, payload, options));
}

/** The statement addJob runs, for a caller that sends it in a pipeline. */
export function addJobQuery<N extends JobName>(task: N, payload: JobInput<N>, options: JobOptions = {}): SQL {
  const maxAttempts = options.maxAttempts ?? env().JOB_MAX_ATTEMPTS;
  const stored: StoredPayload = { ...payload, requestId: currentContext().requestId };
  return sql`select graphile_worker.add_job(
    ${task}::text,
    ${JSON.stringify(stored)}::json,
    run_at := ${options.runAt ? options.runAt.toISOString() : null}::timestamptz,
    max_attempts := ${maxAttempts}::int,
    job_key := ${options.jobKey ?? null}::text
  )`;
}

/** One job as graphile_worker.add_jobs takes it (its job_spec type), as JSON. */
type JobSpec = { identifier: string; payload: StoredPayload; run_at: string | null; max_attempts: number; job_key: string | null };

/**
 * Enqueues a job in an order transaction's pipeline: every job of the
 * transaction goes to the database in ONE graphile_worker.add_jobs statement,
 * sent with the pipeline's next read or at its flush before commit. A paid
 * order's two jobs cost one call instead of two add_job calls, each running
 * add_jobs' four statements and a notification (add_job was 60 % of a paid
 * webhook's PostgreSQL time: docs/BENCHMARKS.md). Same semantics as add_job:
 * a job key replaces the job with that key ("replace" mode); two jobs of one
 * transaction with the same key, the later wins.
 */
export function queueJob<N extends JobName>(pipeline: WritePipeline, task: N, payload: JobInput<N>, options: JobOptions = {}): void {
  const spec: JobSpec = {
    identifier: task,
    payload: { ...payload, requestId: currentContext().requestId },
    run_at: options.runAt ? options.runAt.toISOString() : null,
    max_attempts: options.maxAttempts ?? env().JOB_MAX_ATTEMPTS,
    job_key: options.jobKey ?? null,
  };
  pipeline.batch(JOBS_BATCH, spec, addJobsQuery, options.jobKey);
}

/** Removes the job with this key: one enqueued earlier in the same transaction, and any in the queue. */
export function dequeueJob(pipeline: WritePipeline, jobKey: string): void {
  pipeline.unbatch(JOBS_BATCH, jobKey);
  pipeline.write(removeJobQuery(jobKey));
}

const JOBS_BATCH = "graphile_worker.add_jobs";

/** One statement for many jobs; one parameter, so it is one prepared statement whatever their number. */
export function addJobsQuery(specs: unknown[]): SQL {
  return sql`select count(*)::int as added from graphile_worker.add_jobs(
    array(select json_populate_record(null::graphile_worker.job_spec, spec) from json_array_elements(${JSON.stringify(specs)}::json) spec)
  )`;
}

export function removeJobQuery(jobKey: string): SQL {
  return sql`select graphile_worker.remove_job(${jobKey}::text)`;
}
