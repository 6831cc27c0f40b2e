import { initialTransition, transition } from "xstate";
import { describe, expect, it } from "vitest";
import { modelEvents } from "@/test/order-model";
import { orderMachine } from "./order-machine";
import { toStored } from "./order-snapshot";
import { statePath, type OrderSnapshot } from "./order-status";
import { orderTransition, type MachineAction } from "./order-transition";

/** What dispatch's effects read of an action (each also carries the actor it ran in, which differs by design). */
const named = (actions: MachineAction[]) => actions.map(({ type, params }) => ({ type, params }));

describe("orderTransition", () => {
  it("returns what xstate's transition returns, for every event of the model in every state it reaches", () => {
    const [initial] = initialTransition(orderMachine);
    const seen = new Set<string>();
    let queue: OrderSnapshot[] = [initial];
    let compared = 0;
    // Breadth first over the model, each state once, events the machine refuses included.
    for (let depth = 0; depth < 12 && queue.length > 0; depth++) {
      const next: OrderSnapshot[] = [];
      for (const snapshot of queue) {
        for (const event of modelEvents(snapshot, { includeRefused: true })) {
          const [expected, expectedActions] = transition(orderMachine, snapshot, event);
          const [actual, actualActions] = orderTransition(snapshot, event);
          expect(toStored(actual)).toEqual(toStored(expected));
          expect(actual.status).toBe(expected.status);
          expect(named(actualActions)).toEqual(named(expectedActions));
          compared++;
          const key = JSON.stringify(toStored(expected));
          if (!seen.has(key)) {
            seen.add(key);
            next.push(expected);
          }
        }
      }
      queue = next.slice(0, 400);
    }
    expect(compared).toBeGreaterThan(40_000);
    expect(new Set([...seen].map((s) => statePath(JSON.parse(s) as Pick<OrderSnapshot, "value">))).size).toBeGreaterThan(10);
  });

  it("keeps no action of one call for the next", () => {
    const [initial] = initialTransition(orderMachine);
    const [created, first] = orderTransition(initial, modelEvents(initial)[0]!);
    expect(first.length).toBeGreaterThan(0);
    const refused = modelEvents(created, { includeRefused: true }).find((e) => !created.can(e));
    expect(refused).toBeDefined();
    expect(named(orderTransition(created, refused!)[1])).toEqual(named(transition(orderMachine, created, refused!)[1]));
  });
});
