import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SIGNATURE_HEADER, verifySignature } from "@/lib/hooks/signature";

/** A delivered event as the receiver keeps it. */
export type ReceivedEvent = {
  id: string;
  type: string;
  created: number;
  sequence: number;
  data: { order: { id: string; status: string; revision: number }; fromState: string | null; toState: string; details: unknown };
};

/**
 * A small outbound hook receiver for tests (a real HTTP server on 127.0.0.1),
 * doing what docs/API.md tells receivers to do: verify the signature over the
 * raw body (any matching v1 passes, as during a secret's roll; a wrong one or an
 * old timestamp is refused with 400 and counted),
 * dedupe by event id (a repeat is answered 200 and counted as a duplicate, not
 * an error), and keep the events for the ordering checks (`orderingProblems`).
 * `failNext(n, status)` answers the next n signed requests with an error;
 * `stallNext(n)` keeps them waiting past the sender's timeout.
 */
export class HookReceiver {
  secret = "";
  readonly events = new Map<string, ReceivedEvent>();
  /** Every signed request in arrival order (duplicates too). */
  readonly arrivals: string[] = [];
  duplicates = 0;
  rejected: { reason: string }[] = [];
  /** The Paperleaf-Signature and Host headers of the last request (signed or not). */
  lastSignature = "";
  lastHost = "";
  private failing: { count: number; status: number } = { count: 0, status: 500 };
  private stalling = 0;
  private server: Server | undefined;
  toleranceSeconds = 300;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const header = (request.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined) ?? null;
        this.lastSignature = header ?? "";
        this.lastHost = request.headers.host ?? "";
        // Any matching v1 passes: during a secret's roll the header carries one per secret.
        const verdict = verifySignature(this.secret, header, body, { toleranceSeconds: this.toleranceSeconds });
        if (!verdict.ok) {
          this.rejected.push({ reason: verdict.reason });
          response.writeHead(400).end(verdict.reason);
          return;
        }
        if (this.stalling > 0) {
          this.stalling -= 1;
          setTimeout(() => response.writeHead(200).end("late"), 10_000).unref();
          return;
        }
        if (this.failing.count > 0) {
          this.failing.count -= 1;
          response.writeHead(this.failing.status).end("failing on purpose");
          return;
        }
        const event = JSON.parse(body) as ReceivedEvent;
        this.arrivals.push(event.id);
        if (this.events.has(event.id)) this.duplicates += 1;
        else this.events.set(event.id, event);
        response.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks`;
  }

  failNext(count: number, status = 500): void {
    this.failing = { count, status };
  }

  stallNext(count: number): void {
    this.stalling = count;
  }

  /** The events of one order, by sequence number (the order they happened in, whatever order they arrived in). */
  eventsOf(orderId: string): ReceivedEvent[] {
    return [...this.events.values()].filter((e) => e.data.order.id === orderId).sort((a, b) => a.sequence - b.sequence);
  }

  /**
   * The ordering facts of each order's events, by sequence: sequences are
   * unique; OrderCreated comes first; OrderPaid comes before OrderFulfilled,
   * OrderFulfilled before OrderDelivered; nothing follows OrderCancelled but
   * money news (a late payment's refund). Empty when all hold.
   */
  orderingProblems(): string[] {
    const problems: string[] = [];
    const orders = new Set([...this.events.values()].map((e) => e.data.order.id));
    for (const orderId of orders) {
      const events = this.eventsOf(orderId);
      const types = events.map((e) => e.type);
      const sequences = new Set(events.map((e) => e.sequence));
      if (sequences.size !== events.length) problems.push(`${orderId}: two events share a sequence number`);
      const at = (type: string) => types.indexOf(type);
      if (types.includes("OrderCreated") && at("OrderCreated") !== 0) problems.push(`${orderId}: OrderCreated is not first`);
      const before = (a: string, b: string) => {
        if (types.includes(b) && (!types.includes(a) || at(a) > at(b))) problems.push(`${orderId}: ${b} without ${a} before it`);
      };
      before("OrderPaid", "OrderFulfilled");
      before("OrderFulfilled", "OrderDelivered");
      const cancelled = at("OrderCancelled");
      if (cancelled >= 0) {
        const after = types
          .slice(cancelled + 1)
          .filter((t) => !["OrderPaid", "RefundRequested", "PaymentRefunded", "RefundFailed"].includes(t));
        if (after.length > 0) problems.push(`${orderId}: ${after.join(", ")} after OrderCancelled`);
      }
    }
    return problems;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
