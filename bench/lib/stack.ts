import type { ChildProcess } from "node:child_process";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { closeDb, createSql, defaultPoolMax } from "@/db";
import { postgresAt } from "@/db/connection-target";
import { seedDatabase } from "@/db/seed";
import { resetEnvCache } from "@/lib/env";
import { serverBin, startProcess, stopProcess, waitForHttp } from "@/scripts/lib/processes";
import { randomSecret } from "@/stripe-emulator/server";
import { createTestDatabase } from "@/test/test-database";
import { benchPort } from "./ports";

// A store for one benchmark: a fresh database on the system PostgreSQL (or
// DATABASE_URL's server), seeded, and the production server on a loopback
// port. This process's lib/ code (placeOrder, dispatch…) uses the same
// database, so a bench can prepare rows directly and then load the server.

// Random per run: the bench's server is production, which refuses secrets published with the source.
export const BENCH_SECRET = randomSecret("bench-");
export const BENCH_METRICS_TOKEN = randomSecret("bench-metrics-");
/** This run's Stripe emulator credentials: benches that start an emulator hand it these. */
export const BENCH_GATEWAY = { secretKey: randomSecret("sk_test_"), webhookSecret: randomSecret("whsec_") };

/**
 * A bench server is production, configured as a staging store: the emulator
 * instead of Stripe and the seeded demo accounts allowed, both said explicitly
 * (lib/startup-check.ts refuses anything less).
 */
export function stagingEnv(port: number): Record<string, string> {
  process.env.STRIPE_WEBHOOK_SECRET ??= BENCH_GATEWAY.webhookSecret;
  process.env.EMULATOR_SECRET_KEY ??= BENCH_GATEWAY.secretKey;
  resetEnvCache();
  return {
    APP_URL: `http://localhost:${port}`,
    NEXTAUTH_URL: `http://localhost:${port}`,
    NEXTAUTH_SECRET: BENCH_SECRET,
    STRIPE_EMULATOR: "on",
    ALLOW_DEMO_ACCOUNTS: "on",
    STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET,
    EMULATOR_SECRET_KEY: process.env.EMULATOR_SECRET_KEY,
  };
}

export type Stack = {
  url: string;
  databaseUrl: string;
  /** The same database as the app reaches it (over its Unix socket when it can: benchAppUrl). */
  appDatabaseUrl: string;
  /** Another app server on the same database (stopped with the stack); resolves to its URL once it answers. */
  addServer: (port: number) => Promise<string>;
  /** A small pool for checks (counts, EXPLAIN) outside lib/. */
  sql: postgres.Sql;
  /** The process ids of the app servers running now (for CPU accounting, bench/lib/proc-cpu.ts). */
  serverPids: () => number[];
  stop: () => Promise<void>;
};

export type StackOptions = { port?: number; extraBooks?: number; env?: Record<string, string>; server?: boolean };

const serverUrl = () => process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for the app server (profiling a bench). */
const serverNodeArgs = () => (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);

/**
 * The bench database's URL as the app gets it. A database on this machine is
 * reached the way the README recommends for one on the app's host: over
 * its Unix socket (libpq's `?host=/dir`, db/connection-target.ts), which took
 * 0.3–0.5 ms less Node and PostgreSQL CPU per paid webhook than loopback TCP
 * (docs/BENCHMARKS.md, issue 22). BENCH_PG_SOCKET=/dir names the socket's
 * directory (it must work); BENCH_PG_SOCKET=off keeps TCP. By default
 * /var/run/postgresql, when the URL is on the loopback and that socket
 * reaches the same server (the bench database, just made over TCP, is
 * there) with the same user; otherwise TCP (a server whose local rule is
 * `peer`, say), said on stderr.
 */
export async function benchAppUrl(url: string): Promise<string> {
  const parsed = new URL(url);
  const setting = process.env.BENCH_PG_SOCKET;
  if (setting === "off") return url;
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  const dir = setting ?? (loopback ? "/var/run/postgresql" : undefined);
  if (!dir) return url;
  parsed.searchParams.set("host", dir);
  const candidate = parsed.toString();
  const probe = postgresAt(candidate, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await probe`select 1`;
    return candidate;
  } catch (error) {
    if (setting) throw new Error(`BENCH_PG_SOCKET=${setting}: cannot reach the bench database there`, { cause: error });
    console.error(`bench: the database over TCP (its socket in ${dir}: ${error instanceof Error ? error.message : String(error)})`);
    return url;
  } finally {
    await probe.end({ timeout: 1 });
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const database = await createTestDatabase(serverUrl(), "bookstore_bench");
  const seedSql = createSql(database.url, 2);
  await seedDatabase(drizzle(seedSql), { extraBooks: options.extraBooks ?? 0 });
  await seedSql.end();

  // The app (the servers and lib/ here) reaches the database over its Unix socket when it can (benchAppUrl).
  const appUrl = await benchAppUrl(database.url);
  // lib/ in this process talks to the bench database from now on.
  await closeDb();
  process.env.DATABASE_URL = appUrl;
  process.env.WORKER_ENABLED = "false";
  process.env.LOG_LEVEL ??= "warn";
  resetEnvCache();

  const port = options.port ?? benchPort(0);
  const serverEnv = (port: number) => ({
    DATABASE_URL: appUrl,
    NEXT_TELEMETRY_DISABLED: "1",
    ...stagingEnv(port),
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    WORKER_ENABLED: "false",
    LOG_LEVEL: "warn",
    // The production default for this machine (db/index.ts defaultPoolMax), said
    // explicitly: a bench that ran before may have set this process's own.
    // BENCH_POOL_MAX tries another size (docs/BENCHMARKS.md, issue 22).
    DATABASE_POOL_MAX: process.env.BENCH_POOL_MAX ?? String(defaultPoolMax()),
    ...options.env,
  });
  const startServer = (port: number) => startProcess("node", [...serverNodeArgs(), serverBin, "-p", String(port)], serverEnv(port));
  const app: ChildProcess | undefined = options.server === false ? undefined : startServer(port);
  const others: ChildProcess[] = [];
  const url = `http://localhost:${port}`;
  try {
    if (app) await waitForHttp(`${url}/api/health/live`, 120_000, (r) => r.ok);
  } catch (error) {
    // No server (no build, port taken): leave nothing behind.
    if (app) await stopProcess(app);
    await closeDb();
    await database.drop().catch(() => {});
    throw error;
  }
  const sql = postgres(database.url, { max: 4, onnotice: () => {} });
  return {
    url,
    databaseUrl: database.url,
    appDatabaseUrl: appUrl,
    sql,
    serverPids: () => [app, ...others].flatMap((p) => (p?.pid === undefined ? [] : [p.pid])),
    addServer: async (port: number) => {
      const other = startServer(port);
      others.push(other);
      await waitForHttp(`http://localhost:${port}/api/health/live`, 120_000, (r) => r.ok);
      return `http://localhost:${port}`;
    },
    stop: async () => {
      for (const other of others) await stopProcess(other);
      if (app) await stopProcess(app);
      await sql.end({ timeout: 5 });
      await closeDb();
      await database.drop().catch(() => {});
    },
  };
}
