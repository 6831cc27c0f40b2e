import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { Logger, run, type Runner, type TaskList, type WorkerEvents } from "graphile-worker";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { beat, forget, HEARTBEAT_INTERVAL_MS } from "./heartbeat";
import { crontab, taskList } from "./tasks";

export type WorkerHandle = { workerId: string; stop: () => Promise<void>; runner: Runner };

function workerLogger(): Logger {
  return new Logger((scope) => (level, message, meta) => {
    if (level === "debug") return;
    const line = JSON.stringify({ level, msg: message, scope: scope.label, ...(meta ?? {}) });
    if (level === "error") console.error(line);
    else if (env().LOG_LEVEL === "debug" || level === "warning") console.log(line);
  });
}

/**
 * Starts a graphile-worker runner on our database. Any number may run at
 * once (in-process with the app and as `npm run worker`): jobs are taken with
 * SKIP LOCKED, so each runs once.
 */
export async function startWorker(options: { tasks?: TaskList; concurrency?: number } = {}): Promise<WorkerHandle> {
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
  const timer = setInterval(() => {
    beat(db, workerId, [...jobWorkerIds]).catch((error) => console.error("worker heartbeat failed", error));
  }, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    await runner.stop();
    await forget(db, workerId).catch(() => {});
  };
  return { workerId, stop, runner };
}
