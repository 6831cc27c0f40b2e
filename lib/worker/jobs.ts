import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db";
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
  // A requested return whose parcel never arrived.
  return_expiry: orderJob.extend({ returnId: z.string() }),
  // "Forgot password?": the address as typed; the task finds out whether it has an account.
  send_password_reset: z.object({ email: z.string().max(254) }),
  reconcile_orders: z.object({}),
  // One outbound hook delivery (lib/hooks/deliver.ts); no orderId: a failing receiver never flags the order.
  deliver_hook: z.object({ deliveryId: z.coerce.number().int().positive() }),
} satisfies Record<string, z.ZodObject>;

export type JobName = keyof typeof jobPayloads;
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

export function removeJobQuery(jobKey: string): SQL {
  return sql`select graphile_worker.remove_job(${jobKey}::text)`;
}
