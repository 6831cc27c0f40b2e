import { AppError } from "@/lib/errors";
import { watchOrder, type OrderChange } from "./order-changes";
import { revisionOfOrder, type OrderViewer } from "./store";
import { isUuid } from "@/lib/ids";

type Viewer = OrderViewer & { role: "customer" | "admin" };
type StreamOptions = {
  orderId: string;
  viewer: Viewer;
  signal: AbortSignal;
  /**
   * The request `signal` is from, kept as long as the stream lives: undici aborts a Request's signal
   * only while the Request object lives, and a stream that kept only the signal missed its client
   * leaving once the Request was collected (its place stayed held).
   */
  request?: Request;
  checkEveryMs?: number;
  /**
   * Whether the viewer may still watch: asked before every change is sent. A
   * demoted operator or a "sign out everywhere" must count at once, also for
   * a stream opened before (a security audit found streams sending on).
   */
  stillAllowed?: () => Promise<boolean>;
  /** Who holds the stream, each with the most streams it may hold open at once in this process. */
  holders?: { key: string; max: number }[];
};

/**
 * Live order pages one viewer may hold open in this process (tabs and
 * reconnects, not a flood: each is a listener and a re-read every 15 s), and
 * one client address (many shoppers may share one behind a NAT).
 */
export const MAX_STREAMS = { viewer: 10, address: 100 };
const open = new Map<string, number>();

/** Counts a stream against each holder, or refuses (429) when one of them is at its cap. */
function admit(holders: { key: string; max: number }[]): () => void {
  const full = holders.find(({ key, max }) => (open.get(key) ?? 0) >= max);
  if (full) {
    throw new AppError("rate_limited", `At most ${full.max} live order pages at once: close one and try again`, {
      retryAfterSeconds: 10,
    });
  }
  for (const { key } of holders) open.set(key, (open.get(key) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const { key } of holders) {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    }
  };
}

const encoder = new TextEncoder();
const frame = (change: OrderChange) => encoder.encode(`event: order\ndata: ${JSON.stringify(change)}\n\n`);

/** The order's current revision, if the viewer may see it (theirs, or any for an admin). */
async function readRevision(orderId: string, viewer: Viewer): Promise<OrderChange | null> {
  if (!isUuid(orderId)) return null;
  const row = await revisionOfOrder(orderId, viewer);
  return row ? { orderId, revision: row.revision, status: row.status } : null;
}

/**
 * A server-sent event stream of one order's changes: the current revision at
 * once, then one `order` event per committed change (LISTEN/NOTIFY). Every
 * `checkEveryMs` it re-reads the row, which both keeps the connection alive
 * through proxies and covers a notification lost while the LISTEN connection
 * was reconnecting. Another user's order is not_found, as everywhere.
 */
export async function openOrderStream({
  orderId,
  viewer,
  signal,
  request,
  checkEveryMs = 15_000,
  stillAllowed = async () => true,
  holders = [],
}: StreamOptions): Promise<ReadableStream<Uint8Array>> {
  if (!(await readRevision(orderId, viewer))) throw new AppError("not_found", "Order not found");
  const release = admit(holders);
  let last = -1;
  // Until start() has subscribed, a client that leaves (abort, cancel) only marks it: start() then undoes
  // what it set up. An abort before the listener was attached used to be missed, and the stream's count
  // stayed held for good (the embedded CI run caught it: a viewer could be locked out by quick reconnects).
  let gone = false;
  const kept = { request };
  let cleanup = () => {
    gone = true;
    kept.request = undefined;
    release();
  };
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      signal.addEventListener("abort", () => cleanup(), { once: true });
      let closed = false;
      const send = (change: OrderChange | null) => {
        if (closed) return;
        if (change && change.revision > last) {
          last = change.revision;
          controller.enqueue(frame(change));
        } else {
          controller.enqueue(encoder.encode(": still here\n\n"));
        }
      };
      // Every change and every tick asks again whether the viewer may watch, then reads the row as
      // the viewer (a change's notice is not sent as it came); one that may not is closed.
      const check = () =>
        void stillAllowed()
          .then((allowed) => (allowed ? readRevision(orderId, viewer).then(send) : cleanup()))
          .catch(() => send(null));
      // Subscribe before reading, so a change between the two is not missed.
      const unsubscribe = await watchOrder(orderId, check);
      const timer = setInterval(check, checkEveryMs);
      cleanup = () => {
        if (closed) return;
        closed = true;
        kept.request = undefined;
        release();
        clearInterval(timer);
        unsubscribe();
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      };
      if (gone || signal.aborted) {
        cleanup();
        return;
      }
      controller.enqueue(encoder.encode("retry: 3000\n\n"));
      send(await readRevision(orderId, viewer));
    },
    cancel() {
      cleanup();
    },
  });
}
