import { getDb, type Database } from "@/db";
import { pendingMigrationCount } from "@/db/migrate";
import { databaseBreakerOpen } from "@/lib/http/responses";
import { liveWorkerCount } from "@/lib/worker/heartbeat";

export type HealthReport = {
  db: "ok" | "down" | "migrations_pending";
  worker: "ok" | "down" | "unknown";
  workers?: number;
};

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);
}

/**
 * Readiness: the database answers, its migrations are current, and a worker
 * beat recently. (Liveness, GET /api/health/live, only says the process runs.)
 * While the database breaker is open (a request just found the database
 * unreachable, and the store answers 503 for a moment), so is readiness, at
 * once: a probe then sees the outage instead of waiting in the pool's queue
 * for a connection that may not come before its own timeout.
 */
export async function checkHealth(database?: Pick<Database, "db" | "sql">): Promise<{ healthy: boolean; report: HealthReport }> {
  if (databaseBreakerOpen()) return { healthy: false, report: { db: "down", worker: "unknown" } };
  try {
    const { db, sql } = database ?? (await withTimeout(getDb(), 5000));
    const pending = await withTimeout(pendingMigrationCount(sql), 3000);
    if (pending > 0) return { healthy: false, report: { db: "migrations_pending", worker: "unknown" } };
    const workers = await withTimeout(liveWorkerCount(db), 3000);
    const worker = workers > 0 ? "ok" : "down";
    return { healthy: worker === "ok", report: { db: "ok", worker, workers } };
  } catch {
    return { healthy: false, report: { db: "down", worker: "unknown" } };
  }
}

export function healthResponse({ healthy, report }: { healthy: boolean; report: HealthReport }): Response {
  return Response.json(report, { status: healthy ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
