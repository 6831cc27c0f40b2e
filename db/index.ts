import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { availableParallelism } from "node:os";
import postgres from "postgres";
import { env } from "@/lib/env";
import { onShutdown, shutdownOrder } from "@/lib/shutdown";
import { countable, uncountable, withPreparedStatements } from "./batching";
import { postgresAt } from "./connection-target";
import { startEmbeddedPostgres } from "./embedded";
import * as schema from "./schema";

// No relational schema: the store queries with the query builder and `sql`,
// never `db.query`, and with one each transaction object built a query
// helper per table (26) on every order transaction (docs/BENCHMARKS.md, issue 22).
export type Db = PostgresJsDatabase;
export type Sql = postgres.Sql;
export type Database = { db: Db; sql: Sql; url: string };

// One connection pool per process. With DATABASE_URL unset, the embedded
// server is started on first use (once per process) and stopped on
// SIGINT/SIGTERM by the process that started it.

type Holder = { database?: Promise<Database>; stopEmbedded?: () => Promise<void> };
const holder = globalThis as typeof globalThis & { __bookstoreDb?: Holder };
const state: Holder = (holder.__bookstoreDb ??= {});

export async function resolveDatabaseUrl(): Promise<string> {
  const configured = env().DATABASE_URL;
  if (configured) return configured;
  const server = await startEmbeddedPostgres(env().EMBEDDED_PG_DIR);
  if (server.owned) {
    state.stopEmbedded = server.stop;
    onShutdown(shutdownOrder.database, () => closeDb());
  }
  return server.url;
}

/**
 * Connections per process when DATABASE_POOL_MAX is unset: twice the cores
 * (the usual sizing for a database on SSDs), at most 10 (the previous fixed
 * default). More connections than the cores can serve make PostgreSQL spend
 * CPU on contention, not work: on this 2-core machine a paid webhook's
 * PostgreSQL CPU over HTTP fell from 4.4–5.6 ms with 10–20 connections to
 * 2.9–3.3 ms with 4, and the p99 at concurrency 32 from 0.6–1.7 s to
 * 0.4–0.5 s (docs/BENCHMARKS.md, issue 22). A database on a bigger machine
 * than the app's wants DATABASE_POOL_MAX set.
 */
export function defaultPoolMax(cores = availableParallelism()): number {
  return Math.max(2, Math.min(10, 2 * cores));
}

export function createSql(url: string, max = env().DATABASE_POOL_MAX ?? defaultPoolMax()): Sql {
  const sql = postgresAt(url, {
    max,
    onnotice: () => {},
    // No statement waits on a lock forever: a stuck lock surfaces as an error.
    connection: { application_name: "bookstore", lock_timeout: 15_000 },
    // An unreachable database fails a request in seconds (503), not after postgres.js's default 30 s.
    connect_timeout: 5,
    // Reconnect attempts at most 2 s apart (postgres.js's default grows to
    // 10–20 s after a few failures, so a database back after a 10 s outage
    // was only used again 7–10 s later; bench/db-restart.ts).
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.1 * 2 ** retries, 2),
  });
  return withPreparedStatements(countable(sql));
}

export function getDb(): Promise<Database> {
  state.database ??= (async () => {
    const url = await resolveDatabaseUrl();
    const sql = createSql(url);
    onShutdown(shutdownOrder.pool, () => sql.end({ timeout: 5 }));
    return { sql, db: drizzle(sql), url };
  })().catch((error) => {
    state.database = undefined;
    throw error;
  });
  return state.database;
}

/** The pool if something opened it (getDb), without opening one. */
export function openedDb(): Promise<Database> | undefined {
  return state.database;
}

export async function closeDb(): Promise<void> {
  const pending = state.database;
  state.database = undefined;
  const database = pending ? await pending.catch(() => undefined) : undefined;
  if (database) {
    uncountable(database.sql);
    await database.sql.end({ timeout: 5 });
  }
  const stop = state.stopEmbedded;
  state.stopEmbedded = undefined;
  if (stop) await stop();
}

/** A transaction's client, as drizzle hands it to `db.transaction`'s callback. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** The pool or a transaction: whatever runs a statement. */
export type Executor = Db | Tx;

export { countQueries, type SentStatement } from "./batching";
export { schema };
