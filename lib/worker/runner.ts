import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { Logger, run, type Runner, type TaskList, type WorkerEvents } from "graphile-worker";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/observability/log";
import { beat, forget, HEARTBEAT_INTERVAL_MS } from "./heartbeat";
import { crontab, taskList } from "./task-list";

export type WorkerHandle = { workerId: string; stop: () => Promise<void>; runner: Runner };

/** graphile-worker's own messages, through our logger (its "info" chatter at debug). */
function workerLogger(): Logger {
  return new Logger((scope) => (level, message, meta) => {
    const fields = { scope: scope.label, ...(meta ?? {}) };
    if (level === "error") logger().error(fields, message);
    else if (level === "warning") logger().warn(fields, message);
    else logger().debug(fields, message);
  });
}

/**
 * Starts a graphile-worker runner on our database. Any number may run at
 * once (in-process with the app and as `npm run worker`): jobs are taken with
 * SKIP LOCKED, so each runs once.
 */
export async function startWorker(
  options: { tasks?: TaskList; concurrency?: number; heartbeatIntervalMs?: number } = {},
): Promise<WorkerHandle> {
  const { db, url } = await getDb();
  const workerId = `worker-${randomUUID().slice(0, 8)}`;
  const jobWorkerIds = new Set<string>();
  const events = new EventEmitter() as WorkerEvents;
  events.on("worker:create", ({ worker }) => jobWorkerIds.add(worker.workerId));
  const runner = await run({
    events,
    connectionString: url,
    taskList: options.tasks ?? taskList,
    crontab: options.tasks ? "" : crontab,
    concurrency: options.concurrency ?? env().WORKER_CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 1000,
    maxPoolSize: Math.max(2, (options.concurrency ?? env().WORKER_CONCURRENCY) + 1),
    logger: workerLogger(),
  });
  await beat(db, workerId, [...jobWorkerIds]);
  // The beat in flight, if any: a stop waits for it, or its upsert could land after the stop's delete.
  let beating: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (beating) return; // the last one is still on its way: no pile-up behind a slow database
    beating = beat(db, workerId, [...jobWorkerIds])
      .catch((error) => logger().error({ err: error, workerId }, "worker heartbeat failed"))
      .finally(() => (beating = undefined));
  }, options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
  timer.unref();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    await runner.stop();
    await beating;
    // Left behind, the row only ages out of the live count (HEARTBEAT_STALE_SECONDS).
    await forget(db, workerId).catch((error) => logger().warn({ err: error, workerId }, "worker heartbeat not removed at stop"));
  };
  return { workerId, stop, runner };
}
