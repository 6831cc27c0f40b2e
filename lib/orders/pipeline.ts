import type { SQL } from "drizzle-orm";
import type { Executor } from "./types";

/**
 * Writes whose results nobody reads, sent without waiting for each other.
 * postgres.js writes them back to back on the transaction's one connection
 * (it pipelines by default), so a dispatch's eight or so closing writes cost
 * one round trip instead of eight. Order is kept: one connection answers in
 * the order it was asked.
 *
 * Whoever creates a pipeline flushes it before the transaction commits;
 * flush() rethrows the first failure (the statements after it then fail with
 * "current transaction is aborted", which is not the news).
 */
export class WritePipeline {
  private pending: Promise<unknown>[] = [];

  constructor(private readonly tx: Executor) {}

  write(query: SQL): void {
    const sent = Promise.resolve(this.tx.execute(query));
    // Handled at flush(); until then a failure must not count as unhandled.
    sent.catch(() => {});
    this.pending.push(sent);
  }

  /**
   * A read sent right behind the queued writes: one round trip for all. If a
   * write failed, its error is the one thrown (the read then fails too, with
   * "transaction is aborted", and may even settle first).
   */
  async read<T extends Record<string, unknown>>(query: SQL): Promise<T[]> {
    const [written, read] = await Promise.allSettled([this.flush(), Promise.resolve(this.tx.execute<T>(query))]);
    if (written.status === "rejected") throw written.reason;
    if (read.status === "rejected") throw read.reason;
    return read.value as unknown as T[];
  }

  /** Reads through `pipeline` when there is one (so a queued write's failure is the one reported). */
  static read<T extends Record<string, unknown>>(tx: Executor, pipeline: WritePipeline | undefined, query: SQL): Promise<T[]> {
    return pipeline ? pipeline.read<T>(query) : (tx.execute<T>(query) as Promise<unknown> as Promise<T[]>);
  }

  async flush(): Promise<void> {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    const settled = await Promise.allSettled(pending);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }
}
