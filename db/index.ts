import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/lib/env";
import { onShutdown, shutdownOrder } from "@/lib/shutdown";
import { startEmbeddedPostgres } from "./embedded";
import * as schema from "./schema";

export type Db = PostgresJsDatabase<typeof schema>;
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

// Statement counters for benchmarks (bench/sql-per-webhook.ts): every query
// this process sends while one is open is counted. No counter, no cost.
export type SentStatement = { text: string; parameters: unknown[] };
const counters = new Set<{ statements: SentStatement[] }>();

/** Records the statements this process sends, with their parameters, until `stop()`. */
export function countQueries(): { stop: () => string[]; statements: () => SentStatement[] } {
  const counter = { statements: [] as SentStatement[] };
  counters.add(counter);
  return {
    stop: () => {
      counters.delete(counter);
      return counter.statements.map((s) => s.text);
    },
    statements: () => {
      counters.delete(counter);
      return counter.statements;
    },
  };
}

/**
 * drizzle sends every statement with postgres.js's `prepare: false`, and
 * postgres.js runs an unprepared statement that has parameters in two round
 * trips (Parse and Describe, wait, then Bind and Execute), holding back
 * anything pipelined behind it. As named prepared statements (postgres.js's
 * own default) each statement is parsed once per connection and then costs
 * one round trip, and statements sent together travel together: a completed
 * payment's webhook went from 30 round trips to 6 (bench/sql-per-webhook.ts).
 * Transactions and savepoints hand their callbacks a wrapped client too.
 */
export function withPreparedStatements(sql: Sql): Sql {
  // Made once per client, not on every statement.
  const open = (key: "begin" | "savepoint") => (...args: unknown[]) => {
    const callback = args.pop() as (tx: Sql) => unknown;
    const start = (sql as unknown as Record<string, (...a: unknown[]) => unknown>)[key]!;
    return start(...args, (tx: Sql) => callback(withPreparedStatements(tx)));
  };
  const overrides: Partial<Record<PropertyKey, unknown>> = {
    unsafe: (query: string, parameters?: unknown[], options?: postgres.UnsafeQueryOptions) =>
      sql.unsafe(query, parameters as postgres.ParameterOrJSON<never>[], { ...options, prepare: true }),
    begin: open("begin"),
    ...("savepoint" in sql ? { savepoint: open("savepoint") } : {}),
  };
  return new Proxy(sql, {
    get: (target, key, receiver) => (key in overrides ? overrides[key] : Reflect.get(target, key, receiver)),
  });
}

export function createSql(url: string, max = env().DATABASE_POOL_MAX): Sql {
  const sql = postgres(url, {
    max,
    onnotice: () => {},
    debug: (_connection, text, parameters) => {
      for (const counter of counters) counter.statements.push({ text, parameters });
    },
    // No statement waits on a lock forever: a stuck lock surfaces as an error.
    connection: { application_name: "bookstore", lock_timeout: 15_000 },
    // An unreachable database fails a request in seconds (503), not after postgres.js's default 30 s.
    connect_timeout: 5,
    // Reconnect attempts at most 2 s apart (postgres.js's default grows to
    // 10–20 s after a few failures, so a database back after a 10 s outage
    // was only used again 7–10 s later; bench/db-restart.ts).
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.1 * 2 ** retries, 2),
  });
  return withPreparedStatements(sql);
}

export function getDb(): Promise<Database> {
  state.database ??= (async () => {
    const url = await resolveDatabaseUrl();
    const sql = createSql(url);
    onShutdown(shutdownOrder.pool, () => sql.end({ timeout: 5 }));
    return { sql, db: drizzle(sql, { schema }), url };
  })().catch((error) => {
    state.database = undefined;
    throw error;
  });
  return state.database;
}

export async function closeDb(): Promise<void> {
  const pending = state.database;
  state.database = undefined;
  if (pending) await (await pending.catch(() => undefined))?.sql.end({ timeout: 5 });
  const stop = state.stopEmbedded;
  state.stopEmbedded = undefined;
  if (stop) await stop();
}

export { schema };
