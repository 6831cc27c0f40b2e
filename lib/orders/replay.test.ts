import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { initialTransition, transition } from "xstate";
import { getDb } from "@/db";
import { orderMachine } from "@/machines/order-machine";
import { statusOf } from "@/machines/order-status";
import type { OrderEvent } from "@/machines/order-types";
import { createBook, createUser } from "@/test/fixtures";
import { modelEvents, runPure } from "@/test/order-model";
import { seededRandom } from "@/test/random";
import { dispatch } from "./dispatch";
import { placeOrder } from "./place-order";

// Replay: folding an order's order_events through the machine from the start
// reproduces its stored status and snapshot, for many randomly driven orders.

describe("replaying order_events", () => {
  it("reproduces the stored status and snapshot of 60 randomly driven orders", async () => {
    const { db } = await getDb();
    const userId = await createUser();
    const random = seededRandom(20261123);
    for (let n = 0; n < 60; n++) {
      const bookId = await createBook(10);
      const { orderId } = await placeOrder({ userId, items: [{ bookId, quantity: 2 }], now: 0, offerShipping: true });
      const ids = new Map<string, string>();
      const real = (id: string) => ids.get(id) ?? ids.set(id, randomUUID()).get(id)!;
      let pure = runPure([]);
      [pure] = transition(orderMachine, pure, { ...modelEvents(pure)[0]!, items: [{ bookId, quantity: 2 }] } as OrderEvent);
      const steps = 1 + Math.floor(random() * 10);
      for (let s = 0; s < steps; s++) {
        const options = modelEvents(pure, { includeRefused: true });
        const event = options[Math.floor(random() * options.length)]!;
        const input = { ...event } as Record<string, unknown>;
        for (const key of ["paymentId", "refundId", "retryRefundId"])
          if (typeof input[key] === "string") input[key] = real(input[key] as string);
        await dispatch(orderId, input as never, "system");
        if (pure.can(event)) [pure] = transition(orderMachine, pure, event);
      }
      const rows = await db.execute<{ machine_event: OrderEvent }>(sql`
        select machine_event from order_events where order_id = ${orderId} and machine_event is not null order by id`);
      let replayed = initialTransition(orderMachine)[0];
      for (const row of rows) [replayed] = transition(orderMachine, replayed, row.machine_event);
      const [stored] = await db.execute<{ status: string; machine_snapshot: { value: unknown; context: unknown } }>(sql`
        select status, machine_snapshot from orders where id = ${orderId}`);
      expect(statusOf(replayed)).toBe(stored!.status);
      expect(statusOf(replayed)).toBe(statusOf(pure));
      expect({ value: replayed.value, context: replayed.context }).toEqual(stored!.machine_snapshot);
    }
  });
});
