import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { addJobsQuery, jobPayloads, removeJobQuery } from "./jobs";

// jobs.ts writes graphile-worker's private tables itself, as add_jobs and
// remove_job would (they cost 0.8 ms of PostgreSQL CPU per paid webhook as
// functions). These tests hold the two statements to those functions: every
// case runs both ways, on keys of their own, and the rows must match column
// for column. They fail when graphile-worker's schema moves on.

type Spec = { identifier: string; payload: Record<string, unknown>; run_at: string | null; max_attempts: number; job_key: string | null };

const execute = async <T extends Record<string, unknown>>(query: SQL) => (await getDb()).db.execute<T>(query);

/** graphile-worker's own function, as jobs.ts called it before. */
const viaFunction = (specs: Spec[]) =>
  sql`select count(*) from graphile_worker.add_jobs(
    array(select json_populate_record(null::graphile_worker.job_spec, spec) from json_array_elements(${JSON.stringify(specs)}::json) spec))`;

/** The rows a prefix's jobs left, without what differs by nature (ids, times of the write, the prefix itself). */
async function jobs(prefix: string, marker: string): Promise<Record<string, unknown>[]> {
  const rows = await execute<Record<string, unknown>>(sql`
    select replace(j.key, ${prefix}, '') as key, t.identifier as task, j.payload,
      case when j.run_at = j.created_at then 'when added' else j.run_at::text end as run_at, j.attempts, j.max_attempts,
      j.last_error, j.priority, j.flags, j.revision, j.job_queue_id, j.locked_by is not null as locked, j.is_available
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.key like ${`${prefix}%`} or j.payload->>'marker' = ${marker}
    order by coalesce(j.key, ''), j.payload->>'n'`);
  return rows.map((r) => {
    const payload = r.payload as Record<string, unknown>;
    return { ...r, payload: { ...payload, marker: "m", n: String(payload.n).replace(prefix, "") } };
  });
}

/** Runs `steps` on two key prefixes: one through graphile-worker's functions, one through jobs.ts; returns both results. */
async function bothWays(
  steps: (add: (specs: Spec[]) => SQL, remove: (key: string) => SQL, key: (k: string) => string, marker: string) => SQL[][],
) {
  const results = [];
  for (const way of ["function", "jobs.ts"] as const) {
    const prefix = `${way}-${randomUUID()}:`;
    const marker = randomUUID();
    const add = way === "function" ? viaFunction : addJobsQuery;
    const remove = way === "function" ? (k: string) => sql`select graphile_worker.remove_job(${k}::text)` : removeJobQuery;
    const { db } = await getDb();
    // Each inner list is one transaction.
    for (const transaction of steps(add, remove, (k) => `${prefix}${k}`, marker)) {
      await db.transaction(async (tx) => {
        for (const statement of transaction) await tx.execute(statement);
      });
    }
    results.push(await jobs(prefix, marker));
  }
  return results as [Awaited<ReturnType<typeof jobs>>, Awaited<ReturnType<typeof jobs>>];
}

const spec = (identifier: string, key: string | null, marker: string, extra: Partial<Spec> = {}): Spec => ({
  identifier,
  payload: { marker, n: key ?? "none" },
  run_at: "2030-01-01T00:00:00.000Z",
  max_attempts: 5,
  job_key: key,
  ...extra,
});

/** Makes the job with this key look taken by a worker (since `ago`). */
const lock = (key: string, ago = "1 second") =>
  sql`update graphile_worker._private_jobs set locked_at = now() - ${ago}::interval, locked_by = 'worker-test' where key = ${key}`;

describe("jobs.ts's statements do what graphile-worker's add_jobs and remove_job do", () => {
  it("graphile-worker's schema is the one they were written from (migrations 1–19, 0.17.3)", async () => {
    const [row] = await execute<{ id: number }>(sql`select max(id)::int as id from graphile_worker.migrations`);
    // A new migration may change _private_jobs or add_jobs: compare jobs.ts's addJobsQuery and removeJobQuery with them first.
    expect(row!.id).toBe(19);
  });

  it("adds new jobs, keyed and unkeyed, with every column as add_jobs sets it", async () => {
    const [a, b] = await bothWays((add, _remove, key, marker) => [
      [
        add([
          spec("fulfil_order", key("a"), marker),
          spec("send_email", key("b"), marker, { run_at: null, max_attempts: 2 }),
          spec("payment_timeout", null, marker),
        ]),
      ],
    ]);
    expect(a).toHaveLength(3);
    expect(b).toEqual(a);
  });

  it("replaces a waiting job with the same key: new payload, run_at and attempts, revision + 1, error cleared", async () => {
    const [a, b] = await bothWays((add, _remove, key, marker) => [
      [add([spec("fulfil_order", key("a"), marker, { max_attempts: 3 })])],
      [sql`update graphile_worker._private_jobs set attempts = 2, last_error = 'boom' where key = ${key("a")}`],
      [add([spec("send_email", key("a"), marker, { max_attempts: 7, run_at: "2031-01-01T00:00:00.000Z" })])],
    ]);
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ task: "send_email", revision: 1, attempts: 0, last_error: null, max_attempts: 7 });
    expect(b).toEqual(a);
  });

  it("leaves a running job with the key running, keyless and not retried, and adds the new one with the key", async () => {
    const [a, b] = await bothWays((add, _remove, key, marker) => [
      [add([spec("fulfil_order", key("a"), marker)])],
      [lock(key("a"))],
      [add([spec("fulfil_order", key("a"), marker, { max_attempts: 9 })])],
    ]);
    expect(a).toHaveLength(2);
    expect(a.map((r) => [r.key, r.locked, r.attempts, r.max_attempts])).toEqual([
      [null, true, 5, 5],
      ["a", false, 0, 9],
    ]);
    expect(b).toEqual(a);
  });

  it("finds every job name of ours registered as a task before any job (migrateDatabase)", async () => {
    const rows = await execute<{ identifier: string }>(sql`select identifier from graphile_worker._private_tasks`);
    expect(rows.map((r) => r.identifier)).toEqual(expect.arrayContaining(Object.keys(jobPayloads)));
  });

  it("needs a task name registered before two transactions add it at once (registerJobTasks, run by migrateDatabase)", async () => {
    const { db, sql: client } = await getDb();
    // Two transactions add a job of a name nobody has used; the second waits on the first's new task row.
    // No sleeps (a loaded machine made them too short): the first has added before the second starts,
    // and is released only once the second waits on a lock or is done.
    const waitingOnLocks = async () =>
      (
        await client<{ n: number }[]>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`
      )[0]!.n;
    const addTogether = async (task: string) => {
      const marker = randomUUID();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let added!: () => void;
      const firstAdded = new Promise<void>((resolve) => (added = resolve));
      const first = db.transaction(async (tx) => {
        await tx.execute(addJobsQuery([spec(task, `${marker}:1`, marker)]));
        added();
        await held;
      });
      await firstAdded;
      let secondDone = false;
      const second = db
        .transaction(async (tx) => {
          await tx.execute(addJobsQuery([spec(task, `${marker}:2`, marker)]));
        })
        .finally(() => (secondDone = true));
      await expect.poll(async () => secondDone || (await waitingOnLocks()) > 0, { timeout: 10_000 }).toBe(true);
      release();
      return Promise.allSettled([first, second]);
    };
    // Unregistered: the statement looks the name up in the snapshot it started with, which lacks the first's row.
    const fresh = await addTogether(`test_race_${randomUUID().slice(0, 8)}`);
    expect(fresh[0].status).toBe("fulfilled");
    expect(fresh[1].status).toBe("rejected");
    expect(String((fresh[1] as PromiseRejectedResult).reason.cause?.code)).toBe("23502");
    // Registered first, as migrateDatabase registers every name of jobPayloads: both commit.
    const registered = `test_race_${randomUUID().slice(0, 8)}`;
    await client`insert into graphile_worker._private_tasks (identifier) values (${registered})`;
    expect((await addTogether(registered)).map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
  });

  it("creates a task name the worker has not seen yet", async () => {
    const task = `test_task_${randomUUID().slice(0, 8)}`;
    const [a, b] = await bothWays((add, _remove, key, marker) => [[add([spec(task, key("a"), marker)])]]);
    expect(a.map((r) => r.task)).toEqual([task]);
    expect(b).toEqual(a);
  });

  it("removes a waiting job, unkeys a running one (not retried), removes one locked for over 4 hours, ignores a missing key", async () => {
    const [a, b] = await bothWays((add, remove, key, marker) => [
      [add(["waiting", "running", "stale"].map((k) => spec("fulfil_order", key(k), marker)))],
      [lock(key("running")), lock(key("stale"), "5 hours")],
      [remove(key("waiting")), remove(key("running")), remove(key("stale")), remove(key("missing"))],
    ]);
    expect(a.map((r) => [r.key, r.locked, r.attempts, r.max_attempts])).toEqual([[null, true, 5, 5]]);
    expect(b).toEqual(a);
  });

  it("wakes the worker as the functions do: a jobs:insert notice with the count, -1 for a removal", async () => {
    const { sql: client, db } = await getDb();
    const heard: string[] = [];
    const listener = await client.listen("jobs:insert", (payload) => heard.push(payload));
    try {
      const key = `notify-${randomUUID()}`;
      const marker = randomUUID();
      await db.transaction(async (tx) => {
        await tx.execute(addJobsQuery([spec("fulfil_order", `${key}:a`, marker), spec("fulfil_order", `${key}:b`, marker)]));
      });
      await db.transaction(async (tx) => {
        await tx.execute(removeJobQuery(`${key}:a`));
        await tx.execute(removeJobQuery(`${key}:absent`));
      });
      await expect.poll(() => heard.length).toBe(2);
      expect(heard.map((h) => (JSON.parse(h) as { count: number }).count)).toEqual([2, -1]);
      expect(heard.every((h) => typeof (JSON.parse(h) as { r: unknown }).r === "number")).toBe(true);
    } finally {
      await listener.unlisten();
    }
  });
});
