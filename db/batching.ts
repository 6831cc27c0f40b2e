import net from "node:net";
import { DrizzleQueryError, type SQL } from "drizzle-orm";
import type { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import type { Executor, Sql } from "./index";
import { plainSqlText } from "./sql-text";

// How this project saves round trips to the database, and how it counts them:
// named prepared statements (withPreparedStatements), writes sent back to back
// on one transaction (WritePipeline; db/transaction.ts opens one per order
// transaction), and the counters the tests and benches measure them with
// (countQueries, countRoundTrips). Tests: db/batching.test.ts.

// Statement counters for benchmarks and tests (bench/sql-per-webhook.ts): every
// query this process sends while one is open is counted. No counter, no cost:
// postgres.js's `debug` hook also makes it capture a stack trace for every
// query it builds (an Error per statement, the largest single cost of a paid
// webhook in Node: docs/BENCHMARKS.md), so the hook is set on the clients only
// while a counter is open.
export type SentStatement = { text: string; parameters: unknown[] };
const counters = new Set<{ statements: SentStatement[] }>();
/** The option objects of every client createSql made (postgres.js reads `debug` from it at each statement). */
const clientOptions = new Set<{ debug?: unknown }>();

/** postgres.js's debug hook: hands every statement sent to the open counters. */
export function recordSentStatement(_connection: number, text: string, parameters: unknown[]): void {
  for (const counter of counters) counter.statements.push({ text, parameters });
}

/** A client whose statements the counters see (db/index.ts createSql registers each). */
export function countable(sql: Sql): Sql {
  const options = (sql as unknown as { options: { debug?: unknown } }).options;
  clientOptions.add(options);
  options.debug = counters.size > 0 ? recordSentStatement : false;
  return sql;
}

/** Forgets a client that was ended. */
export function uncountable(sql: Sql): void {
  clientOptions.delete((sql as unknown as { options: { debug?: unknown } }).options);
}

function setHook(): void {
  for (const options of clientOptions) options.debug = counters.size > 0 ? recordSentStatement : false;
}

/** Records the statements this process sends, with their parameters, until `stop()`. */
export function countQueries(): { stop: () => string[]; statements: () => SentStatement[] } {
  const counter = { statements: [] as SentStatement[] };
  counters.add(counter);
  setHook();
  const end = () => {
    counters.delete(counter);
    setHook();
  };
  return {
    stop: () => {
      end();
      return counter.statements.map((s) => s.text);
    },
    statements: () => {
      end();
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
  const open =
    (key: "begin" | "savepoint") =>
    (...args: unknown[]) => {
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

/**
 * SQL_TEXT_CHECK=1 (the Vitest suite sets it) has every statement built both
 * ways and compared, so each statement the suite sends proves plainSqlText
 * equal to drizzle's dialect; otherwise drizzle's builds only what
 * plainSqlText declines.
 */
const crossCheck = process.env.SQL_TEXT_CHECK === "1";

function plainOrDrizzle(query: SQL, dialect: PgDialect): { sql: string; params: unknown[] } {
  const plain = plainSqlText(query);
  if (plain && !crossCheck) return plain;
  const drizzled = dialect.sqlToQuery(query);
  if (plain && (plain.sql !== drizzled.sql || !sameParams(plain.params, drizzled.params)))
    throw new Error(`plainSqlText differs from drizzle's dialect for: ${drizzled.sql}`);
  return drizzled;
}

const sameParams = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((value, i) => Object.is(value, b[i]));

/**
 * Sends a statement on the executor's postgres.js client as drizzle's
 * `execute` does (the same text and parameters from its dialect, the same
 * prepared statement, a failure wrapped the same way, as DrizzleQueryError
 * with the PostgreSQL error as its cause), without the layers around it that
 * a pipelined write does not use: four tracing spans, the query logger, the
 * result cache and a prepared-query object per statement. A paid webhook
 * sends a dozen statements this way (docs/BENCHMARKS.md, issue 22). Their
 * text comes from plainSqlText when the statement is plain text and values,
 * as all of a dispatch's are; from drizzle's dialect otherwise.
 */
function directSend(tx: Executor): <T>(query: SQL) => Promise<T[]> {
  // drizzle's own fields on a database or transaction object (PgDatabase's constructor sets both).
  const { dialect, session } = tx as unknown as { dialect: PgDialect; session: { client: Sql } };
  const client = session.client;
  return <T>(query: SQL) => {
    const { sql: text, params } = plainOrDrizzle(query, dialect);
    return (client.unsafe(text, params as postgres.ParameterOrJSON<never>[]) as unknown as Promise<T[]>).catch((error: unknown) => {
      throw new DrizzleQueryError(text, params, error as Error);
    });
  };
}

/**
 * Writes whose results nobody reads, sent without waiting for each other.
 * postgres.js writes them back to back on the transaction's one connection
 * (it pipelines by default), so a dispatch's eight or so closing writes cost
 * one round trip instead of eight. Order is kept: one connection answers in
 * the order it was asked.
 *
 * withOrderTransaction (db/transaction.ts) creates one per order transaction
 * and flushes it before the transaction commits;
 * flush() rethrows the first failure (the statements after it then fail with
 * "current transaction is aborted", which is not the news).
 */
export class WritePipeline {
  private pending: Promise<unknown>[] = [];
  /** Items several writes share one statement for (jobs: lib/worker/jobs.ts queueJob), sent at the next read or flush. */
  private batches = new Map<string, { items: Map<string | symbol, unknown>; build: (items: unknown[]) => SQL }>();

  private readonly send: <T>(query: SQL) => Promise<T[]>;

  constructor(tx: Executor) {
    this.send = directSend(tx);
  }

  /**
   * Adds an item to the batch `name`, sent as one statement (`build` of all its
   * items) just before the next read or flush. An item with a key replaces the
   * batch's earlier item with that key.
   */
  batch(name: string, item: unknown, build: (items: unknown[]) => SQL, key?: string): void {
    let batch = this.batches.get(name);
    if (!batch) this.batches.set(name, (batch = { items: new Map(), build }));
    const id = key ?? Symbol(name);
    batch.items.delete(id); // a replaced item goes to the end, where it was added
    batch.items.set(id, item);
  }

  /** Drops the batch's pending item with this key (an enqueued job removed again before it was sent). */
  unbatch(name: string, key: string): void {
    this.batches.get(name)?.items.delete(key);
  }

  private sendBatches(): void {
    const batches = [...this.batches.values()];
    this.batches.clear();
    for (const { items, build } of batches) if (items.size > 0) this.write(build([...items.values()]));
  }

  write(query: SQL): void {
    const sent = this.send(query);
    // Handled at flush(); until then a failure must not count as unhandled.
    sent.catch(() => {});
    this.pending.push(sent);
  }

  /**
   * A statement sent now, behind the queued writes, whose answer the caller
   * awaits later: whatever is sent after it rides in the same round trip
   * (a webhook's event row and the order lock behind it). The caller owns
   * the promise; flush() does not wait for it.
   */
  ask<T extends Record<string, unknown>>(query: SQL): Promise<T[]> {
    this.sendBatches();
    const answer = this.send<T>(query);
    // Until the caller awaits it, a failure must not count as unhandled.
    answer.catch(() => {});
    return answer;
  }

  /**
   * A read sent right behind the queued writes: one round trip for all. If a
   * write failed, its error is the one thrown (the read then fails too, with
   * "transaction is aborted", and may even settle first).
   */
  async read<T extends Record<string, unknown>>(query: SQL): Promise<T[]> {
    this.sendBatches();
    const [written, read] = await Promise.allSettled([this.flush(), this.send<T>(query)]);
    if (written.status === "rejected") throw written.reason;
    if (read.status === "rejected") throw read.reason;
    return read.value as unknown as T[];
  }

  async flush(): Promise<void> {
    this.sendBatches();
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    const settled = await Promise.allSettled(pending);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }
}

/**
 * Counts round trips to the database listening on `port` until stop(): the
 * client's writes after which it waited for an answer. A write with nothing
 * read since the one before (postgres.js sends a long pipelined batch in
 * 1 KB writes) belongs to the same trip. For benchmarks and tests only: it
 * patches net.Socket's write for the duration.
 */
export function countRoundTrips(port: number): { stop: () => number } {
  const original = net.Socket.prototype.write;
  const readAtLastWrite = new WeakMap<net.Socket, number>();
  let trips = 0;
  net.Socket.prototype.write = function (this: net.Socket, ...args: Parameters<net.Socket["write"]>) {
    if (isDatabaseSocket(this, port)) {
      if (readAtLastWrite.get(this) !== this.bytesRead) trips++;
      readAtLastWrite.set(this, this.bytesRead);
    }
    return original.apply(this, args);
  } as net.Socket["write"];
  return {
    stop: () => {
      net.Socket.prototype.write = original;
      return trips;
    },
  };
}

/**
 * A socket to the database on `port`: TCP to that port, or a Unix socket
 * (a URL with `?host=/dir`, db/connection-target.ts). Besides the database's,
 * the only pipes a process that counts writes here (a test, a bench) writes
 * to are its own stdout and stderr, which are not counted.
 */
export function isDatabaseSocket(socket: net.Socket, port: number): boolean {
  if (socket.remotePort !== undefined) return socket.remotePort === port;
  if ((socket as unknown) === process.stdout || (socket as unknown) === process.stderr) return false;
  return (socket as unknown as { _handle?: { constructor?: { name?: string } } })._handle?.constructor?.name === "Pipe";
}

/** The port of a postgres:// URL (5432 when it names none). */
export const portOf = (url: string) => Number(new URL(url).port || 5432);
