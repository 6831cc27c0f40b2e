import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { countQueries, getDb } from "@/db";
import { withOrderTransaction } from "@/db/transaction";
import { dequeueJob, queueJob } from "./jobs";

type JobRow = { key: string; task: string; payload: Record<string, unknown>; run_at: string; max_attempts: number };

async function jobsWithKeyPrefix(prefix: string): Promise<JobRow[]> {
  const { db } = await getDb();
  return db.execute<JobRow>(sql`
    select j.key, t.identifier as task, j.payload, j.run_at, j.max_attempts
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.key like ${`${prefix}%`} order by j.key`);
}

describe("queueJob", () => {
  it("sends every job of an order transaction in one statement, with add_job's fields", async () => {
    const id = randomUUID();
    const later = new Date(Date.now() + 3_600_000);
    const counter = countQueries();
    await withOrderTransaction(async ({ pipeline }) => {
      queueJob(pipeline, "fulfil_order", { orderId: id }, { jobKey: `t-${id}:a`, runAt: later });
      queueJob(pipeline, "payment_timeout", { orderId: id }, { jobKey: `t-${id}:b`, maxAttempts: 7, runAt: later });
      queueJob(pipeline, "return_expiry", { orderId: id, returnId: "r1" }, { jobKey: `t-${id}:c`, runAt: later });
    });
    const statements = counter.stop().filter((s) => s.includes("graphile_worker"));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain("insert into graphile_worker._private_jobs");
    const rows = await jobsWithKeyPrefix(`t-${id}`);
    expect(rows.map((r) => [r.key, r.task, r.max_attempts])).toEqual([
      [`t-${id}:a`, "fulfil_order", expect.any(Number)],
      [`t-${id}:b`, "payment_timeout", 7],
      [`t-${id}:c`, "return_expiry", expect.any(Number)],
    ]);
    expect(rows[0]!.payload).toMatchObject({ orderId: id });
    expect(rows[2]!.payload).toMatchObject({ orderId: id, returnId: "r1" });
    expect(Math.abs(new Date(rows[0]!.run_at).getTime() - later.getTime())).toBeLessThan(1000);
  });

  it("a key queued twice keeps the later job; a job dequeued in the same transaction is never added", async () => {
    const id = randomUUID();
    await withOrderTransaction(async ({ pipeline }) => {
      queueJob(pipeline, "fulfil_order", { orderId: id }, { jobKey: `t-${id}:same`, maxAttempts: 3 });
      queueJob(pipeline, "fulfil_order", { orderId: id }, { jobKey: `t-${id}:same`, maxAttempts: 4 });
      queueJob(pipeline, "fulfil_order", { orderId: id }, { jobKey: `t-${id}:gone` });
      dequeueJob(pipeline, `t-${id}:gone`);
    });
    const rows = await jobsWithKeyPrefix(`t-${id}`);
    expect(rows.map((r) => [r.key, r.max_attempts])).toEqual([[`t-${id}:same`, 4]]);
  });

  it("replaces a queued job with the same key, as add_job does, and dequeueJob removes one already queued", async () => {
    const id = randomUUID();
    await withOrderTransaction(async ({ pipeline }) => {
      queueJob(pipeline, "fulfil_order", { orderId: id }, { jobKey: `t-${id}:k`, maxAttempts: 3 });
      queueJob(pipeline, "fulfil_order", { orderId: id }, { jobKey: `t-${id}:r` });
    });
    await withOrderTransaction(async ({ pipeline }) => {
      queueJob(pipeline, "fulfil_order", { orderId: id }, { jobKey: `t-${id}:k`, maxAttempts: 5 });
      dequeueJob(pipeline, `t-${id}:r`);
    });
    const rows = await jobsWithKeyPrefix(`t-${id}`);
    expect(rows.map((r) => [r.key, r.max_attempts])).toEqual([[`t-${id}:k`, 5]]);
  });

  it("adds nothing when the transaction rolls back", async () => {
    const id = randomUUID();
    await expect(
      withOrderTransaction(async ({ pipeline }) => {
        queueJob(pipeline, "fulfil_order", { orderId: id }, { jobKey: `t-${id}:x` });
        // A read sends the batch with it; the failure after it undoes both.
        await pipeline.read(sql`select 1`);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await jobsWithKeyPrefix(`t-${id}`)).toEqual([]);
  });
});
