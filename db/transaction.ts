import { AsyncLocalStorage } from "node:async_hooks";
import { getDb, type Tx } from "./index";
import { WritePipeline } from "./batching";

/**
 * An order transaction: the transaction and its queue of writes nobody reads
 * back (WritePipeline), flushed before commit.
 */
export type OrderTx = { tx: Tx; pipeline: WritePipeline };

const holder = globalThis as typeof globalThis & { __bookstoreOrderTx?: AsyncLocalStorage<OrderTx> };
const current = (holder.__bookstoreOrderTx ??= new AsyncLocalStorage<OrderTx>());
/** Transactions that have committed or rolled back: work they started later opens its own. */
const finished = new WeakSet<OrderTx>();

/**
 * Runs `fn` in an order transaction. The outermost call opens the transaction
 * and its pipeline, and flushes the pipeline before committing (a queued
 * write's failure rolls everything back); a call inside `fn` (a dispatch
 * inside the webhook's transaction) joins it, so its closing writes ride in
 * the same round trip as the caller's.
 */
export async function withOrderTransaction<T>(fn: (otx: OrderTx) => Promise<T>): Promise<T> {
  const joined = current.getStore();
  if (joined && !finished.has(joined)) return fn(joined);
  const { db } = await getDb();
  return db.transaction((tx) => {
    const otx: OrderTx = { tx, pipeline: new WritePipeline(tx) };
    return current.run(otx, async () => {
      try {
        const result = await fn(otx);
        await otx.pipeline.flush();
        return result;
      } catch (error) {
        // A queued write that failed is the news, not the "transaction is aborted" after it.
        await otx.pipeline.flush();
        throw error;
      } finally {
        finished.add(otx);
      }
    });
  });
}
