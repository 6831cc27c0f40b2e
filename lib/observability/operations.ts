import { sql } from "drizzle-orm";
import { getDb, schema } from "@/db";
import type { OperationKind } from "@/db/schema";
import { isAppError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { onShutdown, shutdownOrder } from "@/lib/shutdown";
import { currentContext, withContext } from "./context";
import { logger } from "./log";
import { metrics } from "./metrics";
import { safeErrorMessage } from "./redact-error";
import { traced } from "./trace";

// Every operation worth following (sign-in, order creation, payment
// processing, fulfilment, data lookups) goes through `instrument`: one span,
// one duration metric, one log line when it fails, and one row in the
// operation log operators read. Rows are written in batches off the request
// path: the log is for people, and must never slow down or fail the
// operation it describes.

export type OperationRecord = typeof schema.operations.$inferInsert;

const FLUSH_EVERY_MS = 1000;
const FLUSH_AT = 200;
const MAX_BUFFERED = 5000;

const holder = globalThis as typeof globalThis & {
  __bookstoreOperations?: { buffer: OperationRecord[]; timer?: ReturnType<typeof setInterval>; flushing?: Promise<void> };
};
const state = (holder.__bookstoreOperations ??= { buffer: [] });

/** Writes what is buffered; called on a timer, and by tests before they read the log. */
export async function flushOperations(): Promise<void> {
  await state.flushing;
  if (state.buffer.length === 0) return;
  const rows = state.buffer.splice(0, state.buffer.length);
  state.flushing = (async () => {
    try {
      const { db } = await getDb();
      await db.insert(schema.operations).values(rows);
    } catch (error) {
      // The message only: the driver's error carries the whole multi-row statement.
      logger().warn(
        { reason: safeErrorMessage((error as Error).cause ?? error).slice(0, 300), dropped: rows.length },
        "operation log rows not written",
      );
    }
  })();
  await state.flushing;
  state.flushing = undefined;
}

function record(row: OperationRecord): void {
  if (state.buffer.length >= MAX_BUFFERED) return; // the database is away: keep memory bounded
  state.buffer.push(row);
  if (state.buffer.length >= FLUSH_AT) void flushOperations();
  if (!state.timer) {
    state.timer = setInterval(() => void flushOperations(), FLUSH_EVERY_MS);
    state.timer.unref();
    // What is still buffered is written before the pool closes on SIGTERM.
    onShutdown(shutdownOrder.server + 5, flushOperations);
  }
}

type Options<T> = {
  /** What exactly ran, e.g. "checkout", "fulfil_order", "list_books". */
  name: string;
  orderId?: string;
  /** The order a successful result belongs to, when only the result knows it. */
  orderOf?: (result: T) => string | undefined;
};

/** Runs one operation with its span, metric, log line and operation-log row. */
export function instrument<T>(kind: OperationKind, options: Options<T>, fn: () => Promise<T>): Promise<T> {
  return withContext({ orderId: options.orderId }, () =>
    traced(
      `${kind} ${options.name}`,
      { "operation.kind": kind, "operation.name": options.name, ...(options.orderId ? { "order.id": options.orderId } : {}) },
      async () => {
        const started = performance.now();
        const finish = (outcome: "success" | "failed", orderId: string | undefined, error?: unknown) => {
          const durationMs = Math.round(performance.now() - started);
          metrics().operations.observe({ kind, outcome }, durationMs / 1000);
          const message = error === undefined ? null : isAppError(error) ? `${error.code}: ${error.message}` : safeErrorMessage(error);
          // An id from the URL may be anything; a bad one must not cost the batch its insert.
          record({
            kind,
            name: options.name,
            outcome,
            durationMs,
            error: message?.slice(0, 1000) ?? null,
            orderId: isUuid(orderId) ? orderId : null,
            requestId: currentContext().requestId?.slice(0, 100) ?? null,
          });
          if (error === undefined) return;
          if (isAppError(error)) {
            // Our own typed errors need no stack. A refusal (4xx) is the caller's problem; a 5xx (gateway down) is ours.
            const refused = error.status < 500;
            const level = refused ? (kind === "data_lookup" ? "debug" : "info") : "error";
            logger()[level](
              { kind, operation: options.name, durationMs, orderId, code: error.code, reason: error.message },
              refused ? `${kind} refused` : `${kind} failed`,
            );
          } else {
            logger().error({ kind, operation: options.name, durationMs, orderId, err: error }, `${kind} failed`);
          }
        };
        try {
          const result = await fn();
          finish("success", options.orderId ?? options.orderOf?.(result));
          return result;
        } catch (error) {
          finish("failed", options.orderId, error);
          throw error;
        }
      },
    ),
  );
}

/** The operation log keeps a week (job_runs and order events are kept: they are the audit). The reconciler prunes it. */
export async function pruneOperations(): Promise<void> {
  const { db } = await getDb();
  await db.execute(sql`delete from operations where created_at < now() - interval '7 days'`);
}
