import { getDb } from "@/db";

/**
 * Live order changes across processes: `applyEvent` runs
 * `pg_notify('order_changed', {orderId, revision, status})` (in the snapshot update) inside the
 * dispatch transaction, so Postgres delivers it only once the change has
 * committed, whichever process (app, webhook, worker) made it. Each app
 * process holds one LISTEN connection and fans notifications out to the
 * order-page streams (`GET /api/orders/:id/events`) watching that order.
 */
export const ORDER_CHANGED_CHANNEL = "order_changed";

export type OrderChange = { orderId: string; revision: number; status: string };
type Listener = (change: OrderChange) => void;

type Hub = { listeners: Map<string, Set<Listener>>; listening?: Promise<void> };
const holder = globalThis as typeof globalThis & { __bookstoreOrderChanges?: Hub };
const hub: Hub = (holder.__bookstoreOrderChanges ??= { listeners: new Map() });

export function parseOrderChange(payload: string): OrderChange | null {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value !== "object" || value === null) return null;
    const { orderId, revision, status } = value as Record<string, unknown>;
    if (typeof orderId !== "string" || typeof revision !== "number" || typeof status !== "string") return null;
    return { orderId, revision, status };
  } catch {
    return null;
  }
}

function deliver(payload: string): void {
  const change = parseOrderChange(payload);
  if (!change) return;
  for (const listener of hub.listeners.get(change.orderId) ?? []) listener(change);
}

/** Starts this process's LISTEN once; postgres.js keeps it alive across reconnects. */
function ensureListening(): Promise<void> {
  hub.listening ??= getDb()
    .then(({ sql }) => sql.listen(ORDER_CHANGED_CHANNEL, deliver))
    .then(() => undefined)
    .catch((error: unknown) => {
      hub.listening = undefined; // the next subscriber tries again
      throw error;
    });
  return hub.listening;
}

/**
 * Calls `listener` after every committed change of one order. Resolves once
 * the LISTEN is in place (so a change committed after that is never missed);
 * the returned function unsubscribes.
 */
export async function watchOrder(orderId: string, listener: Listener): Promise<() => void> {
  const set = hub.listeners.get(orderId) ?? new Set<Listener>();
  hub.listeners.set(orderId, set);
  set.add(listener);
  const unsubscribe = () => {
    set.delete(listener);
    if (set.size === 0 && hub.listeners.get(orderId) === set) hub.listeners.delete(orderId);
  };
  try {
    await ensureListening();
  } catch (error) {
    unsubscribe();
    throw error;
  }
  return unsubscribe;
}

/** How many order streams this process is feeding (for tests and metrics). */
export function watchedOrderCount(): number {
  return hub.listeners.size;
}
