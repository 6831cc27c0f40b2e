import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { Logger, runOnce, type TaskList } from "graphile-worker";
import { getDb } from "@/db";
import { taskList as appTasks } from "@/lib/worker/task-list";

/** A run of the worker still going past its limit: the run cannot be cancelled, so it is handed over to be awaited. */
export class JobsStillRunning extends Error {
  constructor(
    message: string,
    readonly run: Promise<void>,
  ) {
    super(message);
  }
}

/**
 * graphile-worker's runOnce (every due job of this worker's database, then it returns), with what the
 * worker said kept: a run still going after `limitMs` fails with the jobs it started and finished and
 * their times (JobsStillRunning), instead of the test timing out with no reason (vitest's JSON report
 * keeps only the stack of a timeout).
 *
 * `orderId`: only that order's jobs run; `payload`: only jobs whose payload holds these fields (a
 * password reset's `{ email }`). Jobs other test files in this worker left behind (due retries of their
 * own orders, their e-mails) are held meanwhile, as a worker holds the jobs it runs (locked_at), and let
 * go once the run has ended. Jobs the run's own jobs queue (an e-mail to send) are not held. `tasks`: only
 * jobs of these tasks run (held likewise).
 */
export async function runDueJobs(options: {
  connectionString: string;
  taskList?: TaskList;
  limitMs?: number;
  orderId?: string;
  payload?: Record<string, string>;
  /** Only jobs of these tasks (and what they queue): a reconciler cycle, say. */
  tasks?: string[];
}): Promise<void> {
  const limitMs = options.limitMs ?? 30_000;
  const started = Date.now();
  const said: string[] = [];
  const logger = new Logger(() => (level, message) => {
    said.push(`+${Date.now() - started} ms ${level}: ${message.split("\n")[0]}`);
  });
  const { db } = await getDb();
  const only = options.orderId ? { ...options.payload, orderId: options.orderId } : options.payload;
  const holder = `test-held:${randomUUID()}`;
  const holds = only !== undefined || options.tasks !== undefined;
  if (holds)
    await db.execute(sql`
      update graphile_worker._private_jobs set locked_at = now(), locked_by = ${holder}
      where locked_at is null and (
        not (coalesce(payload::jsonb, '{}'::jsonb) @> ${JSON.stringify(only ?? {})}::jsonb)
        or task_id not in (select id from graphile_worker._private_tasks where identifier = any(${`{${(options.tasks ?? []).join(",")}}`}::text[]))
          and ${options.tasks !== undefined})`);
  const letGo = async () => {
    if (holds)
      await db.execute(sql`update graphile_worker._private_jobs set locked_at = null, locked_by = null where locked_by = ${holder}`);
  };
  const run = runOnce({ connectionString: options.connectionString, taskList: options.taskList ?? appTasks, logger }).finally(letGo);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), limitMs);
  });
  try {
    if ((await Promise.race([run, late])) === "late")
      throw new JobsStillRunning(
        `runOnce still running after ${limitMs} ms; the worker said:\n${said.slice(-20).join("\n") || "(nothing)"}`,
        run,
      );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one order's due jobs as a worker would, with its jobs of `tasks` made due now first (retries
 * wait with backoff otherwise); `rounds` times, since an outcome may queue a follow-up (a refund's
 * e-mail, a poll).
 */
export async function runOrderJobs(orderId: string, options: { tasks?: string[]; rounds?: number } = {}): Promise<void> {
  const { db, url } = await getDb();
  const tasks = options.tasks ?? ["refund_payment", "poll_refund"];
  for (let round = 0; round < (options.rounds ?? 1); round++) {
    await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where payload->>'orderId' = ${orderId}
      and task_id in (select id from graphile_worker._private_tasks where identifier = any(${`{${tasks.join(",")}}`}::text[]))`);
    await runDueJobs({ connectionString: url, orderId });
  }
}
