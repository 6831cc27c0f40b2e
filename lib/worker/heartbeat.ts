import { hostname } from "node:os";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { longHeldJobLocks } from "./worker-tables";
import { workerHeartbeats } from "@/db/schema";

export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A worker is considered alive while its last beat is younger than this. */
export const HEARTBEAT_STALE_SECONDS = 45;

export async function beat(db: Db, workerId: string, jobWorkerIds: string[] = []): Promise<void> {
  await db
    .insert(workerHeartbeats)
    .values({ workerId, hostname: hostname(), pid: process.pid, jobWorkerIds })
    .onConflictDoUpdate({ target: workerHeartbeats.workerId, set: { lastSeenAt: sql`now()`, jobWorkerIds } });
}

/**
 * Releases job locks held by graphile-worker workers whose process stopped
 * beating (killed, crashed): graphile-worker itself would wait 4 hours.
 */
export async function unlockJobsOfDeadWorkers(db: Db): Promise<number> {
  const rows = await db.execute<{ n: number }>(sql`
    with dead as (
      select j.locked_by from ${longHeldJobLocks} j
      where not exists (
          select 1 from worker_heartbeats h
          where h.last_seen_at > now() - make_interval(secs => ${HEARTBEAT_STALE_SECONDS}) and j.locked_by = any(h.job_worker_ids))
    )
    select coalesce(array_length(array(select locked_by from dead), 1), 0) as n,
           graphile_worker.force_unlock_workers(array(select locked_by from dead)) as unlocked`);
  // Rows of processes gone for a day are history, not workers.
  await db.execute(sql`delete from worker_heartbeats where last_seen_at < now() - interval '1 day'`);
  return rows[0]?.n ?? 0;
}

export async function forget(db: Db, workerId: string): Promise<void> {
  await db.delete(workerHeartbeats).where(sql`${workerHeartbeats.workerId} = ${workerId}`);
}

/** Number of workers that beat recently (read-only: the health check calls it). */
export async function liveWorkerCount(db: Pick<Db, "execute">): Promise<number> {
  const rows = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from worker_heartbeats
    where last_seen_at > now() - make_interval(secs => ${HEARTBEAT_STALE_SECONDS})`);
  return rows[0]?.n ?? 0;
}
