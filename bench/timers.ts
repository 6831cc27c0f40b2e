// Payment timers: N orders whose payment deadline passed long ago, so every
// payment_timeout job is due at once; then two standalone worker processes
// (as `npm run worker` runs them) must cancel every order, each exactly once,
// and give every copy back. The app server is started by the stack but idle.
import type { ChildProcess } from "node:child_process";
import { placeOrder } from "@/lib/orders/place-order";
import { startProcess, stopProcess } from "@/scripts/lib/processes";
import { createBook, createUser } from "@/test/fixtures";
import { startStack, type Stack } from "./lib/stack";
import type { BenchModule, BenchRow, BenchSize } from "./lib/types";
import { benchPort } from "./lib/ports";

/** 10 000 orders (BENCH_TIMERS overrides it); 1 000 in the CI smoke run. */
const ordersFor = (size: BenchSize) => (size === "smoke" ? 1_000 : positiveInt(process.env.BENCH_TIMERS, 10_000));
const BOOKS = 50;
// Orders are spread over several users: placeOrder serialises one user's checkouts.
const USERS = 64;
const PLACING_CONCURRENCY = 16;
const WORKERS = 2;
const WORKER_CONCURRENCY = 8;
const POLL_MS = 500;
const GIVE_UP_MS = 180_000;
const TARGET_SECONDS = 60;

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > 100_000) throw new Error(`BENCH_TIMERS must be an integer 1–100000, got ${value}`);
  return n;
}

type Fixture = { userIds: string[]; bookIds: number[]; placedPerSecond: number };

/** N orders, one copy each, placed 2 hours ago: their deadlines (30 min later) have long passed. */
async function placeOverdueOrders(N: number): Promise<Fixture> {
  const userIds = await Promise.all(Array.from({ length: USERS }, () => createUser()));
  const perBook = Math.ceil(N / BOOKS);
  const bookIds = await Promise.all(Array.from({ length: BOOKS }, () => createBook(perBook)));
  const now = Date.now() - 2 * 3600_000;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PLACING_CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        await placeOrder({ userId: userIds[i % USERS]!, items: [{ bookId: bookIds[i % BOOKS]!, quantity: 1 }], now });
      }
    }),
  );
  return { userIds, bookIds, placedPerSecond: N / ((performance.now() - started) / 1000) };
}

function startWorkers(stack: Stack): ChildProcess[] {
  return Array.from({ length: WORKERS }, () =>
    startProcess("node", ["--import", "tsx", "scripts/worker.ts"], {
      DATABASE_URL: stack.databaseUrl,
      WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      LOG_LEVEL: "warn",
    }),
  );
}

async function cancelledCount(stack: Stack, userIds: string[]): Promise<number> {
  const [row] = await stack.sql<{ n: number }[]>`
    select count(*)::int as n from orders where user_id = any(${userIds}::uuid[]) and status = 'cancelled'`;
  return row!.n;
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Polls until every order is cancelled, time runs out or no worker is left; resolves with the last count seen. */
async function waitForSettled(stack: Stack, userIds: string[], workers: ChildProcess[], N: number): Promise<number> {
  const deadline = Date.now() + GIVE_UP_MS;
  let cancelled = 0;
  while (Date.now() < deadline && !workers.every(hasExited)) {
    cancelled = await cancelledCount(stack, userIds);
    if (cancelled >= N) return cancelled;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return cancelled;
}

type Check = { notOnce: number; duplicates: number; byReconciler: number; stockOff: number; firstAt: Date | null; lastAt: Date | null };

/** Exactly one OrderCancelled and one PaymentTimedOut per order, and every copy back on the shelf. */
async function checkSettlement(stack: Stack, fixture: Fixture): Promise<Check> {
  const [events] = await stack.sql<Omit<Check, "stockOff">[]>`
    with per_order as (
      select o.id,
             count(e.id) filter (where e.type = 'OrderCancelled') as cancelled,
             count(e.id) filter (where e.type = 'PaymentTimedOut') as timed_out,
             count(e.id) filter (where e.type = 'PaymentTimedOut' and e.source = 'reconciler') as by_reconciler,
             min(e.created_at) filter (where e.type = 'OrderCancelled') as cancelled_at
      from orders o left join order_events e on e.order_id = o.id
      where o.user_id = any(${fixture.userIds}::uuid[])
      group by o.id)
    select count(*) filter (where cancelled <> 1 or timed_out <> 1)::int as "notOnce",
           coalesce(sum(by_reconciler), 0)::int as "byReconciler",
           (select count(*)::int from ignored_events i join orders o on o.id = i.order_id
             where o.user_id = any(${fixture.userIds}::uuid[])) as duplicates,
           min(cancelled_at) as "firstAt", max(cancelled_at) as "lastAt"
    from per_order`;
  const [stock] = await stack.sql<{ n: number }[]>`
    select count(*)::int as n from books
    where id = any(${fixture.bookIds}::int[]) and (stock_available <> stock_received or stock_reserved <> 0)`;
  return { ...events!, stockOff: stock!.n };
}

type JobFigures = { timeoutRuns: number; timeoutMeanMs: number; otherRuns: number };

/**
 * The job runs behind the figures. Each cancellation also enqueues an e-mail for the same workers; those
 * are due later than the overdue timeouts, so most still wait in the queue when the last order settles.
 */
async function jobFigures(stack: Stack): Promise<JobFigures> {
  const [row] = await stack.sql<JobFigures[]>`
    select count(*) filter (where task = 'payment_timeout')::int as "timeoutRuns",
           coalesce(round(avg(duration_ms) filter (where task = 'payment_timeout')), 0)::int as "timeoutMeanMs",
           count(*) filter (where task <> 'payment_timeout')::int as "otherRuns"
    from job_runs`;
  return row!;
}

async function run(size: BenchSize): Promise<BenchRow[]> {
  const N = ordersFor(size);
  const stack = await startStack({ port: benchPort(30) });
  let workers: ChildProcess[] = [];
  try {
    const fixture = await placeOverdueOrders(N);
    const spawnedAt = Date.now();
    workers = startWorkers(stack);
    const cancelled = await waitForSettled(stack, fixture.userIds, workers, N);
    const seconds = (Date.now() - spawnedAt) / 1000;
    const check = await checkSettlement(stack, fixture);
    const jobs = await jobFigures(stack);
    const isExactlyOnce = cancelled === N && check.notOnce === 0 && check.stockOff === 0;
    // From the first cancellation to the last: the drain rate without the workers' start-up.
    const drainSeconds = check.firstAt && check.lastAt ? (check.lastAt.getTime() - check.firstAt.getTime()) / 1000 : NaN;
    return [
      {
        bench: "timers",
        case: `${N} overdue orders, ${WORKERS} workers × ${WORKER_CONCURRENCY}`,
        figures: {
          orders: N,
          cancelled,
          secondsToSettle: cancelled === N ? Number(seconds.toFixed(1)) : `gave up after ${GIVE_UP_MS / 1000}`,
          "settled/s": Math.round(cancelled / seconds),
          startupSeconds: check.firstAt ? Number(((check.firstAt.getTime() - spawnedAt) / 1000).toFixed(1)) : "none",
          "drain/s": Number.isFinite(drainSeconds) && drainSeconds > 0 ? Math.round(cancelled / drainSeconds) : "n/a",
          "placed/s": Math.round(fixture.placedPerSecond),
          exactlyOnce: String(isExactlyOnce),
          notOnce: check.notOnce,
          byReconciler: check.byReconciler,
          duplicates: check.duplicates,
          booksWithStockOff: check.stockOff,
          ...jobs,
        },
        target: `${N} overdue orders settle within ${TARGET_SECONDS} s with ${WORKERS} workers, each exactly once`,
        met: isExactlyOnce && seconds <= TARGET_SECONDS,
      },
    ];
  } finally {
    // stopProcess sends SIGTERM, then SIGKILL after 10 s.
    await Promise.all(workers.map((worker) => stopProcess(worker)));
    await stack.stop();
  }
}

export const bench: BenchModule = { name: "timers", run };
