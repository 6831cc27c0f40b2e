import { sql } from "drizzle-orm";
import { Logger, runOnce, type TaskList } from "graphile-worker";
import { getDb } from "@/db";
import { taskList as appTasks } from "@/lib/worker/task-list";

/**
 * graphile-worker's runOnce (every due job of this worker's database, then it returns), with what the
 * worker said kept: a run still going after `limitMs` fails with the jobs it started and finished and
 * their times, instead of the test timing out with no reason (vitest's JSON report keeps only the
 * stack of a timeout). The run itself cannot be cancelled; it goes on until the test file's process ends.
 *
 * `orderId`: only that order's jobs run. Jobs other test files in this worker left behind (due retries
 * of their own orders) are held meanwhile, as a worker holds the jobs it runs (locked_at), and let go after.
 */
export async function runDueJobs(options: {
  connectionString: string;
  taskList?: TaskList;
  limitMs?: number;
  orderId?: string;
}): Promise<void> {
  if (!options.orderId) return runWithLimit(options);
  const { db } = await getDb();
  const holder = `test-held:${options.orderId}`;
  await db.execute(sql`
    update graphile_worker._private_jobs set locked_at = now(), locked_by = ${holder}
    where locked_at is null and (payload->>'orderId') is distinct from ${options.orderId}`);
  try {
    await runWithLimit(options);
  } finally {
    await db.execute(sql`update graphile_worker._private_jobs set locked_at = null, locked_by = null where locked_by = ${holder}`);
  }
}

async function runWithLimit(options: { connectionString: string; taskList?: TaskList; limitMs?: number }): Promise<void> {
  const limitMs = options.limitMs ?? 30_000;
  const started = Date.now();
  const said: string[] = [];
  const logger = new Logger(() => (level, message) => {
    said.push(`+${Date.now() - started} ms ${level}: ${message.split("\n")[0]}`);
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`runOnce still running after ${limitMs} ms; the worker said:\n${said.slice(-20).join("\n") || "(nothing)"}`));
    }, limitMs);
  });
  try {
    await Promise.race([runOnce({ connectionString: options.connectionString, taskList: options.taskList ?? appTasks, logger }), late]);
  } finally {
    clearTimeout(timer);
  }
}
