import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What every log line, span and operation record of one piece of work
 * carries: the request id from the HTTP request (proxy.ts stamps one on every
 * request), then on into dispatch, the jobs it enqueues (their payload keeps
 * it) and the gateway calls those jobs make, so one order's story can be
 * followed across processes.
 */
export type WorkContext = { requestId?: string; orderId?: string; task?: string; jobId?: string };

const holder = globalThis as typeof globalThis & { __bookstoreContext?: AsyncLocalStorage<WorkContext> };
const storage = (holder.__bookstoreContext ??= new AsyncLocalStorage<WorkContext>());

/** Runs `fn` with these fields added to the current context. */
export function withContext<T>(fields: WorkContext, fn: () => T): T {
  const merged = { ...storage.getStore(), ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) };
  return storage.run(merged, fn);
}

export function currentContext(): WorkContext {
  return storage.getStore() ?? {};
}
