import { sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";

// The module that reads graphile-worker's private tables
// (graphile_worker._private_jobs, _private_tasks), for the operator console,
// the metrics and the dead-worker sweep. They are not graphile-worker's public
// API: these statements were checked against graphile-worker 0.17.3
// (package.json pins it; its schema migrations 000001–000019). After an
// upgrade, check the columns used here (key, task_id, payload, attempts,
// max_attempts, run_at, last_error, locked_at, locked_by; identifier) and run
// lib/worker/*.test.ts and the admin e2e. The one other module that touches
// them is jobs.ts, which enqueues and removes jobs in an order transaction
// as add_jobs and remove_job would (jobs-sql.test.ts holds it to them).

const jobs = sql.raw("graphile_worker._private_jobs");
const tasks = sql.raw("graphile_worker._private_tasks");

/** Rows (order_id, task, attempts, max_attempts, run_at) of order jobs whose last attempt failed; a subquery. */
export const failingOrderJobs: SQL = sql`(
  select j.payload->>'orderId' as order_id, t.identifier as task, j.attempts, j.max_attempts, j.run_at
  from ${jobs} j join ${tasks} t on t.id = j.task_id
  where j.last_error is not null and j.attempts > 0)`;

/** Worker ids holding a job lock for more than 30 seconds; a subquery (heartbeat.ts checks which are dead). */
export const longHeldJobLocks: SQL = sql`(
  select distinct j.locked_by from ${jobs} j
  where j.locked_by is not null and j.locked_at < now() - interval '30 seconds')`;

export type OrderJob = {
  key: string | null;
  task: string;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
  locked: boolean;
};

/** Jobs still queued or failing for this order (finished jobs are deleted by graphile-worker). */
export async function listOrderJobs(orderId: string): Promise<OrderJob[]> {
  const { db } = await getDb();
  const rows = await db.execute<{
    key: string | null;
    task: string;
    attempts: number;
    max_attempts: number;
    run_at: Date;
    last_error: string | null;
    locked_at: Date | null;
  }>(sql`
    select j.key, t.identifier as task, j.attempts, j.max_attempts, j.run_at, j.last_error, j.locked_at
    from ${jobs} j join ${tasks} t on t.id = j.task_id
    where j.payload->>'orderId' = ${orderId} order by j.run_at`);
  return rows.map((r) => ({
    key: r.key,
    task: r.task,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAt: new Date(r.run_at).toISOString(),
    lastError: r.last_error,
    locked: r.locked_at !== null,
  }));
}

/** Jobs waiting or retrying, per task (every known task, 0 when none). */
export async function queueDepthByTask(): Promise<{ task: string; n: number }[]> {
  const { db } = await getDb();
  return db.execute<{ task: string; n: number }>(sql`
    select t.identifier as task, count(j.id)::int as n from ${tasks} t
    left join ${jobs} j on j.task_id = t.id and j.attempts < j.max_attempts
    group by t.identifier`);
}

/** Jobs whose last attempt failed (retrying or given up), per task. */
export async function failingJobsByTask(): Promise<{ task: string; n: number }[]> {
  const { db } = await getDb();
  return db.execute<{ task: string; n: number }>(sql`
    select t.identifier as task, count(*)::int as n from ${jobs} j
    join ${tasks} t on t.id = j.task_id where j.last_error is not null group by t.identifier`);
}
