import { spawn, type ChildProcess } from "node:child_process";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import { getDb } from "@/db";
import { placeOrder } from "@/lib/orders/place-order";
import { createBook, createUser, orderRow } from "@/test/fixtures";

// `npm run worker` as real processes: two at once, each job once, clean stop.

const children: ChildProcess[] = [];
/** What the processes printed (warnings and errors only), for the failure message. */
const printed: string[] = [];

/** The process, and its exit code (recorded from the start: a process that crashed early is reported, not waited for). */
function startWorkerProcess(url: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk: Buffer) => printed.push(`[${child.pid}] ${chunk}`));
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const gone = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (gone) throw new Error(`worker process ${gone.pid} exited (${gone.exitCode ?? gone.signalCode}) while waiting until ${what}`);
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("npm run worker", () => {
  it("runs as several processes that share the queue and stop cleanly", async () => {
    const { db, url } = await getDb();
    const queue = () =>
      db.execute(sql`
        select t.identifier as task, count(*)::int as jobs, count(j.locked_by)::int as locked, max(j.attempts)::int as attempts,
               count(*) filter (where j.run_at <= now())::int as due
        from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id group by 1 order by 2 desc`);
    onTestFailed(async () => {
      console.error(`what the worker processes printed:\n${printed.join("") || "(nothing)"}`);
      console.error(`the job queue: ${JSON.stringify(await queue())}`);
    });
    const workers = [startWorkerProcess(url), startWorkerProcess(url)];
    const pids = `{${workers.map((w) => w.child.pid).join(",")}}`;
    // Both beat (other files' workers may beat in this database too: only these two count).
    await waitFor(
      "both processes beat",
      async () => {
        const [row] = await db.execute<{ n: number }>(
          sql`select count(*)::int as n from worker_heartbeats where pid = any(${pids}::int[]) and last_seen_at > now() - interval '30 seconds'`,
        );
        return (row?.n ?? 0) === 2 ? true : undefined;
      },
      60_000,
    );
    const userId = await createUser();
    const orders = await Promise.all(
      Array.from(
        { length: 6 },
        async () =>
          (await placeOrder({ userId, items: [{ bookId: await createBook(1), quantity: 1 }], now: Date.now() - 3_600_000 })).orderId,
      ),
    );
    await waitFor(
      "the 6 late orders are cancelled",
      async () => {
        const statuses = await Promise.all(orders.map(async (id) => (await orderRow(id)).status));
        return statuses.every((s) => s === "cancelled") ? true : undefined;
      },
      30_000,
    );
    const [cancels] = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from order_events where type = 'OrderCancelled' and order_id = any(${`{${orders.join(",")}}`}::uuid[])`);
    expect(cancels?.n).toBe(6);
    for (const w of workers) w.child.kill("SIGTERM");
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    // A clean stop takes its heartbeat with it.
    const [left] = await db.execute<{ n: number }>(sql`select count(*)::int as n from worker_heartbeats where pid = any(${pids}::int[])`);
    expect(left?.n).toBe(0);
  }, 120_000);
});
