import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { startWorker } from "./runner";

// A heartbeat still on its way to the database when the worker stops (queued
// behind a busy connection, on a loaded machine) must not land after the
// stop's delete: the row would outlive the process and count it as a live
// worker for HEARTBEAT_STALE_SECONDS. Here the beats are held back a while
// before they are sent; the database is the real one.

const held = vi.hoisted(() => ({ ms: 0 }));
vi.mock("./heartbeat", async (importOriginal) => {
  const real = await importOriginal<typeof import("./heartbeat")>();
  return {
    ...real,
    beat: async (...args: Parameters<typeof real.beat>) => {
      if (held.ms > 0) await new Promise((resolve) => setTimeout(resolve, held.ms));
      return real.beat(...args);
    },
  };
});

describe("a worker's stop", () => {
  it("waits for the heartbeat in flight, then removes the row: none outlives the worker", async () => {
    const { db } = await getDb();
    const rowsOf = async (workerId: string) =>
      (await db.execute<{ n: number }>(sql`select count(*)::int as n from worker_heartbeats where worker_id = ${workerId}`))[0]?.n;
    const handle = await startWorker({ tasks: {}, heartbeatIntervalMs: 50 });
    expect(await rowsOf(handle.workerId)).toBe(1);
    held.ms = 400;
    // The first timed beat starts at 50 ms and waits until 450 ms before it is sent.
    await new Promise((resolve) => setTimeout(resolve, 120));
    await handle.stop();
    // Past the moment the held beat would have written.
    await new Promise((resolve) => setTimeout(resolve, 600));
    held.ms = 0;
    expect(await rowsOf(handle.workerId)).toBe(0);
  });
});
