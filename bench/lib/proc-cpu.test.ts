import { spawn } from "node:child_process";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { cpuPerRequest, readCpu, readProcStat } from "./proc-cpu";

/** Spins until this process has used `ms` of CPU (not of wall time: on a loaded machine that may be far less CPU). */
const busyFor = (ms: number) => {
  const started = process.cpuUsage();
  let x = 0;
  while (process.cpuUsage(started).user < ms * 1000) for (let i = 0; i < 1000; i++) x += Math.sqrt(x + 1);
  return x;
};

describe("CPU per process from /proc", () => {
  it("reads this process's own CPU time and command name", () => {
    const before = readProcStat(process.pid)!;
    busyFor(200);
    const after = readProcStat(process.pid)!;
    expect(before.comm).toBe("node");
    expect(before.ppid).toBe(process.ppid);
    // 200 ms of CPU; /proc counts in 10 ms ticks.
    expect(after.cpuMs - before.cpuMs).toBeGreaterThanOrEqual(180);
    expect(readProcStat(2 ** 22 + 1)).toBeUndefined();
  });

  it("counts a server's child processes in the server's figure, and nobody else's", async () => {
    // A child that spins until it has used 300 ms of CPU, says so, then waits to be read (an exited child leaves /proc).
    const groups = { servers: [process.pid], database: "no_such_database" };
    const before = readCpu(groups);
    const child = spawn(process.execPath, [
      "-e",
      "const s = process.cpuUsage(); let x = 0; while (process.cpuUsage(s).user < 300000) x++; console.log('spun'); setTimeout(() => {}, 30000)",
    ]);
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("spun") && resolve());
        child.once("exit", (code) => reject(new Error(`the spinning child exited early (${code})`)));
      });
      const after = readCpu(groups);
      expect(after.server - before.server).toBeGreaterThanOrEqual(280); // its 300 ms of CPU, in 10 ms ticks
      const elsewhere = readCpu({ servers: [], database: "no_such_database" });
      expect(elsewhere.server).toBe(0);
      expect(elsewhere.pgBackends).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("charges a statement's work to this database's PostgreSQL backends (and to all of PostgreSQL)", async () => {
    const { db, url } = await getDb();
    await db.execute(sql`select 1`); // the backend exists before the first reading
    const groups = { servers: [], database: new URL(url).pathname.slice(1) };
    const before = readCpu(groups);
    await db.execute(sql`select sum(i::bigint * i) from generate_series(1, 3000000) i`);
    const after = readCpu(groups);
    const per = cpuPerRequest(before, after, 1);
    expect(per.pgBackends).toBeGreaterThanOrEqual(50);
    // All of PostgreSQL is read too, but not compared: other test files' backends exit between the readings and take
    // their CPU time out of the sum (the reason the benches report this database's backends).
    expect(per.pgAll).toEqual(expect.any(Number));
    expect(per.server).toBe(0);
  });
});
