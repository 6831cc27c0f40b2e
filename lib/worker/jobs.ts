import { sql, type SQL } from "drizzle-orm";
import type postgres from "postgres";
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
 * transaction goes to the database in ONE statement (addJobsQuery), sent with
 * the pipeline's next read or at its flush before commit. Same semantics as
 * add_job: a job key replaces the job with that key ("replace" mode); two jobs
 * of one transaction with the same key, the later wins.
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

// graphile-worker's own add_jobs and remove_job, written out as plain SQL.
// Called as functions they cost PostgreSQL 0.65–0.70 ms per paid order, these
// 0.33 ms (bench/statement-costs.ts, docs/BENCHMARKS.md): four statements in
// PL/pgSQL, a set-returning call and a composite array per call, for work
// that is a few index probes and two inserts. These write
// graphile-worker's private tables (_private_jobs, _private_tasks), which are
// not its public API: they were written from its schema migrations
// 000001–000019 (graphile-worker 0.17.3, pinned), column for column as
// add_jobs and remove_job do it in 000018, and jobs-sql.test.ts checks them
// against those functions and fails when the schema moves on. The workers
// hear of new jobs as before: the statements send the `jobs:insert` notice
// those functions send (since 000018 there is no trigger that would).

/**
 * One statement for many jobs (add_jobs for our specs: no queue, no flags,
 * priority 0, "replace" key mode); one parameter, so it is one prepared
 * statement whatever their number.
 *
 * As in add_jobs, a job that holds one of the keys and is running (locked)
 * or spent keeps running without its key, and the new job takes the key.
 * That update must come before the insert: the insert reads its result (the
 * `where` on `unkeyed`), so PostgreSQL runs it first, and the insert then
 * does not meet the old row in the key's index (it was changed by this same
 * statement). A task name never seen is added, as add_jobs does (but see
 * registerJobTasks). Our payloads are objects, so add_jobs' merging of two
 * array payloads under one key never applies, and is left out.
 *
 * The running jobs are found by their keys as an array (`key = any(array(…))`),
 * which reads the key's index: joined with the specs instead, PostgreSQL
 * guesses 100 of them and scans the whole queue (0.2 ms at 3,000 waiting
 * jobs, and growing with it).
 */
export function addJobsQuery(specs: unknown[]): SQL {
  return sql`
    with spec as (
      select * from json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(specs)}::json)),
    new_task as (
      insert into graphile_worker._private_tasks (identifier)
      select distinct identifier from spec on conflict do nothing
      returning id, identifier),
    unkeyed as (
      update graphile_worker._private_jobs as jobs
      set key = null, attempts = jobs.max_attempts, updated_at = now()
      where jobs.key = any(array(select job_key from spec where job_key is not null)) and jobs.is_available is not true
      returning jobs.id),
    -- The worker's wake-up call, as add_jobs sends it (a random part: PostgreSQL folds equal notices of one transaction).
    notified as (
      select pg_notify('jobs:insert', '{"r":' || random()::text || ',"count":' || (select count(*) from spec)::text || '}'))
    insert into graphile_worker._private_jobs as jobs (task_id, payload, run_at, max_attempts, key)
    select coalesce(t.id, n.id), coalesce(spec.payload, '{}'::json), coalesce(spec.run_at, now()),
      coalesce(spec.max_attempts, 25), spec.job_key
    from spec
    left join graphile_worker._private_tasks t on t.identifier = spec.identifier
    left join new_task n on n.identifier = spec.identifier
    where (select count(*) from unkeyed) >= 0 and exists (select from notified)
    on conflict (key) do update set
      job_queue_id = excluded.job_queue_id,
      task_id = excluded.task_id,
      payload = excluded.payload,
      max_attempts = excluded.max_attempts,
      run_at = excluded.run_at,
      priority = excluded.priority,
      revision = jobs.revision + 1,
      flags = excluded.flags,
      attempts = 0,
      last_error = null,
      updated_at = now()
    where jobs.locked_at is null`;
}

/**
 * Makes every job name of ours a graphile-worker task (migrateDatabase, before
 * any order). addJobsQuery adds a name it has not seen, but it looks names up
 * in the same statement that adds them, so of two first transactions adding a
 * new name at once, the one that waited would not see it (23502); add_jobs,
 * with a statement per step, did. Registered ahead, no order meets that.
 */
export async function registerJobTasks(sql: postgres.Sql): Promise<void> {
  const names = `{${Object.keys(jobPayloads).join(",")}}`;
  await sql`insert into graphile_worker._private_tasks (identifier) select unnest(${names}::text[]) on conflict do nothing`;
}

/**
 * remove_job as one statement: the job with this key is deleted unless a
 * worker holds it (for less than 4 hours); a held one keeps running, loses
 * its key and is not retried.
 */
export function removeJobQuery(jobKey: string): SQL {
  return sql`
    with removed as (
      delete from graphile_worker._private_jobs
      where key = ${jobKey}::text and (locked_at is null or locked_at < now() - interval '4 hours')
      returning id),
    notified as (
      select pg_notify('jobs:insert', '{"r":' || random()::text || ',"count":-1}') from removed),
    unkeyed as (
      update graphile_worker._private_jobs as jobs
      set key = null, attempts = jobs.max_attempts, updated_at = now()
      where jobs.key = ${jobKey}::text and not exists (select from removed)
      returning jobs.id)
    select (select count(*) from notified)::int as removed, (select count(*) from unkeyed)::int as unkeyed`;
}
