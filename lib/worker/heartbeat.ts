import { hostname } from "node:os";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { workerHeartbeats } from "@/db/schema";

export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A worker is considered alive while its last beat is younger than this. */
export const HEARTBEAT_STALE_SECONDS = 45;

export async function beat(db: Db, workerId: string): Promise<void> {
  await db
    .insert(workerHeartbeats)
    .values({ workerId, hostname: hostname(), pid: process.pid })
    .onConflictDoUpdate({ target: workerHeartbeats.workerId, set: { lastSeenAt: sql`now()` } });
}

export async function forget(db: Db, workerId: string): Promise<void> {
  await db.delete(workerHeartbeats).where(sql`${workerHeartbeats.workerId} = ${workerId}`);
}

/** Number of workers that beat recently; old rows are pruned on the way. */
export async function liveWorkerCount(db: Db): Promise<number> {
  await db.execute(sql`delete from worker_heartbeats where last_seen_at < now() - interval '1 day'`);
  const rows = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from worker_heartbeats
    where last_seen_at > now() - make_interval(secs => ${HEARTBEAT_STALE_SECONDS})`);
  return rows[0]?.n ?? 0;
}
