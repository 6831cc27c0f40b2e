// The database goes away under load and comes back: requests fail cleanly
// (a quick 5xx, never a hang), readiness says so, and the app recovers on its
// own, without a restart. Uses an embedded PostgreSQL of its own (the shared
// system server cannot be stopped), started again on the port it had so its
// URL survives. The CI smoke run has a shorter outage (5 s) and run.
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { createSql } from "@/db";
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from "@/db/embedded";
import { migrateDatabase } from "@/db/migrate";
import { seedDatabase } from "@/db/seed";
import { serverBin, startProcess, stopProcess, waitForHttp } from "@/scripts/lib/processes";
import { stagingEnv } from "./lib/stack";
import { benchPort } from "./lib/ports";
import type { BenchModule, BenchRow, BenchSize } from "./lib/types";

const CONCURRENCY = 4;
/** How long after the database is back failures may go on (the smoke run's load lasts 8 s after it). */
const RECOVERY_LIMIT_SECONDS = 5;

type Sample = { at: number; ms: number; status: number; path: string; body?: string };
/** When the database stops and starts again, and when the load ends (ms from the start of the load). */
const TIMELINE: Record<BenchSize, { downAt: number; upAt: number; end: number }> = {
  full: { downAt: 10_000, upAt: 20_000, end: 36_000 },
  smoke: { downAt: 5_000, upAt: 10_000, end: 18_000 },
};

async function run(size: BenchSize): Promise<BenchRow[]> {
  const { downAt: DOWN_AT_MS, upAt: UP_AT_MS, end: RUN_MS } = TIMELINE[size];
  const PORT = benchPort(70);
  const PG_PORT = await freePort(); // kept across the restart, so the app's URL stays valid
  const dir = path.resolve(".data", `bench-restart-pg-${process.pid}`);
  let pg: EmbeddedServer | undefined = await startEmbeddedPostgres(dir, { port: PG_PORT });
  await migrateDatabase(pg.url);
  const seedSql = createSql(pg.url, 2);
  await seedDatabase(drizzle(seedSql));
  await seedSql.end();
  // The server's error log goes to a file: after the run, the errors logged once the database was
  // back say why a request still failed (the figures show their codes).
  const logFile = path.resolve(".data", `bench-restart-app-${process.pid}.log`);
  const logFd = openSync(logFile, "w");
  const app = startProcess(
    "node",
    [serverBin, "-p", String(PORT)],
    { DATABASE_URL: pg.url, ...stagingEnv(PORT), WORKER_ENABLED: "true", LOG_LEVEL: "error" },
    { output: logFd },
  );
  let appExited = false;
  app.once("exit", () => (appExited = true));
  try {
    await waitForHttp(`http://localhost:${PORT}/api/health`, 120_000, (r) => r.ok);
    const samples: Sample[] = [];
    const started = performance.now();
    const paths = ["/api/books?page=2", "/api/books?q=the", "/", "/api/health"];
    let stopping = false;
    const load = Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = worker; !stopping; i += CONCURRENCY) {
        const p = paths[i % paths.length]!;
        const t = performance.now();
        const status = await fetch(`http://localhost:${PORT}${p}`, { signal: AbortSignal.timeout(30_000) })
          .then(async (r) => ({ status: r.status, body: r.status === 200 ? undefined : (await r.text()).slice(0, 120) }))
          .catch((error: Error) => ({ status: 0, body: error.name }));
        samples.push({ at: t - started, ms: performance.now() - t, ...status, path: p });
      }
    });
    await new Promise((resolve) => setTimeout(resolve, DOWN_AT_MS));
    await pg.stop();
    pg = undefined;
    const downAt = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, UP_AT_MS - DOWN_AT_MS));
    pg = await startEmbeddedPostgres(dir, { port: PG_PORT });
    const upAt = performance.now() - started;
    const upAtClock = Date.now();
    await new Promise((resolve) => setTimeout(resolve, RUN_MS - UP_AT_MS));
    stopping = true;
    await Promise.all(load);

    // Requests that began and ended before the stop; those begun while the database was down.
    const before = samples.filter((s) => s.at + s.ms < DOWN_AT_MS);
    const outage = samples.filter((s) => s.at >= downAt && s.at < upAt);
    // After the database is back, failures may go on for a moment (connections the stop broke, a
    // server still starting up, the 2 s database breaker): recovery is the end of the last failed
    // request, after which every request succeeds, and it must come well before the load ends.
    const after = samples.filter((s) => s.at >= upAt);
    const failedAfter = after.filter((s) => s.status !== 200);
    const lastFailureEnd = failedAfter.length ? Math.max(...failedAfter.map((s) => s.at + s.ms)) : upAt;
    const recovered = after.filter((s) => s.at >= lastFailureEnd);
    const recoverySeconds = (lastFailureEnd - upAt) / 1000;
    const firstOk = recovered.some((s) => s.path.startsWith("/api/books"));
    const okShare = (list: Sample[]) => (list.length ? list.filter((s) => s.status === 200).length / list.length : 0);
    const statuses = (list: Sample[]) =>
      Object.entries(list.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s.status]: (acc[s.status] ?? 0) + 1 }), {}))
        .map(([k, v]) => `${k}:${v}`)
        .join(",");
    const lastFailure = failedAfter.reduce<Sample | undefined>(
      (last, s) => (!last || s.at + s.ms > last.at + last.ms ? s : last),
      undefined,
    );
    const lateErrorCodes = serverErrorCodesSince(logFile, upAtClock);
    const slowest = Math.max(...outage.map((s) => s.ms), 0);
    // Readiness said so while the database was away (a request that got in before the stop took hold may still pass).
    const healthDown = outage.some((s) => s.path === "/api/health" && s.status === 503);
    // Clean: a 503 (or a page served from a connection still open), never a 500, a dropped connection or a hang past 20 s.
    const clean = outage.every((s) => (s.status === 503 || s.status === 200) && s.ms < 20_000);
    const met = !appExited && okShare(before) === 1 && clean && healthDown && firstOk && recoverySeconds <= RECOVERY_LIMIT_SECONDS;
    return [
      {
        bench: "db-restart",
        case: `database stopped ${(UP_AT_MS - DOWN_AT_MS) / 1000} s under load, then started again`,
        figures: {
          before: statuses(before),
          outage: statuses(outage),
          outageByPath: paths.map((p) => `${p}→${statuses(outage.filter((s) => s.path === p))}`).join(" "),
          stopSeconds: Number(((downAt - DOWN_AT_MS) / 1000).toFixed(1)),
          slowestOutageMs: Math.round(slowest),
          readinessDuringOutage: healthDown ? "503" : "never 503",
          recoverySeconds: firstOk ? Number(recoverySeconds.toFixed(1)) : "never",
          afterBack: statuses(after),
          afterBackByPath: paths.map((p) => `${p}→${statuses(after.filter((s) => s.path === p))}`).join(" "),
          lastFailure: lastFailure
            ? `+${((lastFailure.at + lastFailure.ms - upAt) / 1000).toFixed(1)}s ${lastFailure.path} ${lastFailure.status} ${lastFailure.body ?? ""}`
            : "none",
          serverErrorsAfterBack: lateErrorCodes || "none",
          afterRecovery: statuses(recovered),
          appRestarted: appExited ? "yes" : "no",
        },
        target: `clean failures, readiness 503, every request served again within ${RECOVERY_LIMIT_SECONDS} s of the database coming back, without an app restart`,
        met,
      },
    ];
  } finally {
    await stopProcess(app);
    closeSync(logFd);
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(logFile, { force: true });
  }
}

/** The codes of the "database unavailable" errors the server logged from `since` on, counted ("57P03:2 CONNECT_TIMEOUT:1"). */
function serverErrorCodesSince(logFile: string, since: number): string {
  const counts = new Map<string, number>();
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { time?: string; msg?: string; codes?: string[] };
      if (!entry.time || Date.parse(entry.time) < since) continue;
      const key = `${entry.msg ?? "?"}${entry.codes?.length ? `(${entry.codes.join("/")})` : ""}`.replace(/\s+/g, "_");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } catch {
      // a line that is not one of our log entries
    }
  }
  return [...counts].map(([k, v]) => `${k}:${v}`).join(" ");
}

export const bench: BenchModule = { name: "db-restart", run };
