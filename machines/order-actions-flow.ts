import { assertEvent, assign, fromPromise, setup } from "xstate";
import type { UserAction } from "./order-status";

// The shopper's side of an order page: which buttons show, what happens after
// a click. Runs in the browser (@xstate/react). Pure like the order machine:
// the page provides the `runAction` actor (the HTTP call) and the
// `openCheckout` / `refreshOrder` actions.

export type ActionResult = { ok: true; checkoutUrl?: string } | { ok: false; code: string; message: string };

type Context = {
  allowed: UserAction[];
  action: UserAction | null;
  message: string;
  tone: "info" | "error";
  checkoutUrl: string;
};

type Event = { type: "RUN"; action: UserAction } | { type: "ALLOWED"; actions: UserAction[] };

// The order changed under us (deadline passed, paid meanwhile): show it as it is now.
const STALE = new Set(["payment_window_closed", "invalid_transition", "not_found"]);

const done: Record<Exclude<UserAction, "pay">, string> = {
  cancel: "Your order has been cancelled.",
  // ("Cancel and refund": a free order has nothing to refund, and is only cancelled)
  refund: "Your order has been cancelled; any refund is on its way.",
  return: "Your return has been requested.",
};

export const orderActionsFlow = setup({
  types: { context: {} as Context, events: {} as Event, input: {} as { allowed: UserAction[] } },
  actors: {
    runAction: fromPromise<ActionResult, { action: UserAction }>(async () => {
      throw new Error("runAction is provided by the page");
    }),
  },
  actions: {
    openCheckout: (_, _params: { url: string }) => {},
    refreshOrder: () => {},
  },
  guards: {
    isAllowed: ({ context, event }) => {
      assertEvent(event, "RUN");
      return context.allowed.includes(event.action);
    },
  },
}).createMachine({
  id: "orderActions",
  context: ({ input }) => ({ allowed: input.allowed, action: null, message: "", tone: "info", checkoutUrl: "" }),
  initial: "idle",
  on: { ALLOWED: { actions: assign({ allowed: ({ event }) => event.actions }) } },
  states: {
    idle: {
      on: {
        RUN: { guard: "isAllowed", target: "working", actions: assign({ action: ({ event }) => event.action, message: "" }) },
      },
    },
    // One request at a time: a second click while working is ignored.
    working: {
      invoke: {
        src: "runAction",
        input: ({ context }) => ({ action: context.action! }),
        onDone: [
          {
            guard: ({ context, event }) => context.action === "pay" && event.output.ok && !!event.output.checkoutUrl,
            target: "leaving",
            actions: assign({
              checkoutUrl: ({ event }) => (event.output.ok ? event.output.checkoutUrl! : ""),
              message: "Taking you to the payment page…",
              tone: "info",
            }),
          },
          {
            guard: ({ context, event }) => context.action !== "pay" && event.output.ok,
            target: "idle",
            actions: [
              assign({ message: ({ context }) => done[context.action as keyof typeof done], tone: "info", action: null }),
              "refreshOrder",
            ],
          },
          {
            guard: ({ event }) => !event.output.ok && STALE.has(event.output.code),
            target: "idle",
            actions: [
              assign({ message: ({ event }) => (event.output.ok ? "" : event.output.message), tone: "error", action: null }),
              "refreshOrder",
            ],
          },
          {
            target: "idle",
            actions: assign({
              message: ({ event }) => (event.output.ok ? "We couldn’t open the payment page. Please try again." : event.output.message),
              tone: "error",
              action: null,
            }),
          },
        ],
        onError: {
          target: "idle",
          actions: assign({ message: "We couldn’t reach the store. Check your connection and try again.", tone: "error", action: null }),
        },
      },
    },
    // The browser is on its way to the payment page; the buttons stay disabled.
    leaving: {
      entry: { type: "openCheckout", params: ({ context }) => ({ url: context.checkoutUrl }) },
    },
  },
});
