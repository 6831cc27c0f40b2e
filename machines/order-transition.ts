import { createActor, type AnyActorScope } from "xstate";
import { orderMachine } from "./order-machine";
import type { OrderSnapshot } from "./order-status";
import type { OrderEvent } from "./order-types";

/** An action as xstate's pure transition returns it. */
export type MachineAction = { type: string; params?: unknown };

let scope: AnyActorScope | undefined;
const ignore = () => {};

/**
 * The order machine's next snapshot and the actions to run for `event`: what
 * xstate's `transition(orderMachine, snapshot, event)` returns, without the
 * actor it builds on every call to hold the actions (`createInertActorScope`:
 * an Actor, its system and its initial snapshot, a fifth of xstate's time on
 * a paid webhook: docs/BENCHMARKS.md, issue 22). The scope here is built once,
 * as xstate builds it, and only its action collector changes per call. That
 * is safe because the scope is inert (its `defer`, `stopChild`, `emit` and
 * logger do nothing) and the order machine spawns and invokes no actor, so
 * its system never holds one; and a transition runs to its end synchronously.
 * order-transition.test.ts compares it with xstate's over the whole model.
 */
export function orderTransition(snapshot: OrderSnapshot, event: OrderEvent): [OrderSnapshot, MachineAction[]] {
  scope ??= inertScope();
  const actions: MachineAction[] = [];
  scope.actionExecutor = (action) => {
    actions.push(action);
  };
  try {
    return [orderMachine.transition(snapshot, event, scope), actions];
  } finally {
    scope.actionExecutor = ignore;
  }
}

function inertScope(): AnyActorScope {
  const self = createActor(orderMachine);
  return {
    self,
    defer: ignore,
    id: "",
    logger: ignore,
    sessionId: "",
    stopChild: ignore,
    system: self.system,
    emit: ignore,
    actionExecutor: ignore,
  };
}
