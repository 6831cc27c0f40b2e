import { AppError } from "@/lib/errors";
import { watchOrder, type OrderChange } from "./order-changes";
import { revisionOfOrder, type OrderViewer } from "./store";
import { isUuid } from "@/lib/ids";

type Viewer = OrderViewer & { role: "customer" | "admin" };
type StreamOptions = { orderId: string; viewer: Viewer; signal: AbortSignal; checkEveryMs?: number };

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
  checkEveryMs = 15_000,
}: StreamOptions): Promise<ReadableStream<Uint8Array>> {
  if (!(await readRevision(orderId, viewer))) throw new AppError("not_found", "Order not found");
  let last = -1;
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    async start(controller) {
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
      // Subscribe before reading, so a change between the two is not missed.
      const unsubscribe = await watchOrder(orderId, send);
      const timer = setInterval(() => void readRevision(orderId, viewer).then(send, () => send(null)), checkEveryMs);
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        unsubscribe();
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      };
      signal.addEventListener("abort", cleanup, { once: true });
      controller.enqueue(encoder.encode("retry: 3000\n\n"));
      send(await readRevision(orderId, viewer));
    },
    cancel() {
      cleanup();
    },
  });
}
