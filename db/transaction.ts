import { AsyncLocalStorage } from "node:async_hooks";
import { getDb, type Tx } from "./index";
import { WritePipeline } from "./batching";

/**
 * An order transaction: the transaction and its queue of writes nobody reads
 * back (WritePipeline), sent before commit. `admission`, when set (a
 * webhook's event row: lib/payments/handle-webhook.ts), is whether this
 * transaction may change an order at all: every dispatch in it awaits it
 * after taking its order's lock and before applying, and refuses when it is
 * false (NotAdmitted).
 */
export type OrderTx = { tx: Tx; pipeline: WritePipeline; admission?: Promise<boolean> };

/** Thrown by a dispatch whose transaction's admission said no: the transaction rolls back. */
export class NotAdmitted extends Error {
  constructor() {
    super("this transaction may not change an order");
    this.name = "NotAdmitted";
  }
}

const holder = globalThis as typeof globalThis & { __bookstoreOrderTx?: AsyncLocalStorage<OrderTx> };
const current = (holder.__bookstoreOrderTx ??= new AsyncLocalStorage<OrderTx>());
/** Transactions that have committed or rolled back: work they started later opens its own. */
const finished = new WeakSet<OrderTx>();

/**
 * Runs `fn` in an order transaction. The outermost call opens the transaction
 * and its pipeline; a call inside `fn` (a dispatch inside the webhook's
 * transaction) joins it, so its closing writes ride in the same round trip as
 * the caller's.
 *
 * The queued writes and COMMIT go out together, in one round trip: nothing
 * waits for the writes' answers before COMMIT is sent. That is safe because
 * PostgreSQL answers COMMIT in a transaction that a failed statement has
 * aborted with a rollback, not an error, and one connection answers in the
 * order it was asked: by the time COMMIT's answer is here every write's is
 * too, and a failed write's error is thrown then (the transaction kept
 * nothing). Tests: db/batching.test.ts.
 */
export async function withOrderTransaction<T>(fn: (otx: OrderTx) => Promise<T>): Promise<T> {
  const joined = current.getStore();
  if (joined && !finished.has(joined)) return fn(joined);
  const { db } = await getDb();
  let written: Promise<void> | undefined;
  const result = await db.transaction((tx) => {
    const otx: OrderTx = { tx, pipeline: new WritePipeline(tx) };
    return current.run(otx, async () => {
      try {
        const result = await fn(otx);
        // Sent now; COMMIT follows right behind them on the same connection.
        written = otx.pipeline.flush();
        written.catch(() => {}); // awaited below, once COMMIT has been answered
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
  await written;
  return result;
}
