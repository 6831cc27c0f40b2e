import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { addJob } from "@/lib/worker/jobs";
import { JobsStillRunning, runDueJobs } from "./run-jobs";

// The helper that runs due jobs in tests: a job that hangs fails the test with the worker's own lines
// (which job, since when), not with a bare timeout.
describe("runDueJobs", () => {
  it("runs the due jobs and returns", async () => {
    const { db, url } = await getDb();
    const orderId = randomUUID();
    const ran: unknown[] = [];
    await addJob(db, "return_expiry", { orderId, returnId: "r0" });
    await runDueJobs({ connectionString: url, taskList: { return_expiry: async (payload) => void ran.push(payload) }, orderId });
    expect(ran).toEqual([{ orderId, returnId: "r0" }]);
  });

  it("a job still running past the limit fails the call, naming the job the worker found", async () => {
    const { db, url } = await getDb();
    const orderId = randomUUID();
    await addJob(db, "return_expiry", { orderId, returnId: "r0" });
    let release = () => {};
    const hanging = new Promise<void>((resolve) => (release = resolve));
    const failed = await runDueJobs({ connectionString: url, taskList: { return_expiry: () => hanging }, limitMs: 300, orderId }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(JobsStillRunning);
    expect((failed as JobsStillRunning).message).toMatch(
      /runOnce still running after 300 ms; the worker said:\n[\s\S]*Found task \d+ \(return_expiry\)/,
    );
    // The run goes on by itself: it ends once the job does, and the job is then done.
    release();
    await (failed as JobsStillRunning).run;
    expect(await db.execute(sql`select 1 from graphile_worker._private_jobs where payload->>'orderId' = ${orderId}`)).toHaveLength(0);
  });
});

describe("runDueJobs for one order", () => {
  it("runs only that order's jobs; the others stay due, untouched", async () => {
    const { db, url } = await getDb();
    const mine = randomUUID();
    const theirs = randomUUID();
    const ran: string[] = [];
    await addJob(db, "return_expiry", { orderId: mine, returnId: "r1" });
    await addJob(db, "return_expiry", { orderId: theirs, returnId: "r2" });
    const tasks = { return_expiry: async (payload: unknown) => void ran.push((payload as { orderId: string }).orderId) };
    await runDueJobs({ connectionString: url, taskList: tasks, orderId: mine });
    expect(ran).toEqual([mine]);
    const [left] = await db.execute<{ locked_at: Date | null; attempts: number }>(
      sql`select locked_at, attempts from graphile_worker._private_jobs where payload->>'orderId' = ${theirs}`,
    );
    expect(left).toEqual({ locked_at: null, attempts: 0 });
    await runDueJobs({ connectionString: url, taskList: tasks, orderId: theirs });
    expect(ran).toEqual([mine, theirs]);
  });
});

describe("runDueJobs for some payload", () => {
  it("runs only jobs whose payload holds the fields, and what they queue; others' jobs stay due, untouched", async () => {
    const { db, url } = await getDb();
    const mine = `${randomUUID()}@example.com`;
    const theirs = `${randomUUID()}@example.com`;
    const ran: string[] = [];
    await addJob(db, "send_password_reset", { email: mine });
    await addJob(db, "send_password_reset", { email: theirs });
    const followUp = randomUUID();
    const tasks = {
      send_password_reset: async (payload: unknown) => {
        ran.push((payload as { email: string }).email);
        if ((payload as { email: string }).email === mine) await addJob(db, "return_expiry", { orderId: followUp, returnId: "r3" });
      },
      return_expiry: async (payload: unknown) => void ran.push((payload as { orderId: string }).orderId),
    };
    await runDueJobs({ connectionString: url, taskList: tasks, payload: { email: mine } });
    expect(ran).toEqual([mine, followUp]);
    const [left] = await db.execute<{ locked_at: Date | null; attempts: number }>(
      sql`select locked_at, attempts from graphile_worker._private_jobs where payload->>'email' = ${theirs}`,
    );
    expect(left).toEqual({ locked_at: null, attempts: 0 });
    await runDueJobs({ connectionString: url, taskList: tasks, payload: { email: theirs } });
    expect(ran).toEqual([mine, followUp, theirs]);
  });
});

describe("runDueJobs for some tasks", () => {
  it("runs only jobs of those tasks; the others stay due, untouched", async () => {
    const { db, url } = await getDb();
    const orderId = randomUUID();
    const ran: string[] = [];
    await addJob(db, "return_expiry", { orderId, returnId: "r4" });
    await addJob(db, "send_password_reset", { email: `${orderId}@example.com` });
    const tasks = {
      return_expiry: async () => void ran.push("return_expiry"),
      send_password_reset: async () => void ran.push("send_password_reset"),
    };
    await runDueJobs({ connectionString: url, taskList: tasks, tasks: ["return_expiry"] });
    expect(ran).toEqual(["return_expiry"]);
    const [left] = await db.execute<{ locked_at: Date | null; attempts: number }>(
      sql`select locked_at, attempts from graphile_worker._private_jobs where payload->>'email' = ${`${orderId}@example.com`}`,
    );
    expect(left).toEqual({ locked_at: null, attempts: 0 });
  });
});
