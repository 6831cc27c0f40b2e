import { describe, expect, it } from "vitest";
import { createActor, fromPromise, waitFor } from "xstate";
import { orderActionsFlow, type ActionResult } from "./order-actions-flow";
import type { UserAction } from "./order-status";

/** The flow with a scripted HTTP result; records the calls, redirects and refreshes it makes. */
function start(allowed: UserAction[], result: ActionResult | Error) {
  const calls: UserAction[] = [];
  const redirects: string[] = [];
  let refreshes = 0;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const machine = orderActionsFlow.provide({
    actors: {
      runAction: fromPromise(async ({ input }: { input: { action: UserAction } }) => {
        calls.push(input.action);
        await gate;
        if (result instanceof Error) throw result;
        return result;
      }),
    },
    actions: {
      openCheckout: (_, params: { url: string }) => void redirects.push(params.url),
      refreshOrder: () => void refreshes++,
    },
  });
  const actor = createActor(machine, { input: { allowed } }).start();
  return { actor, calls, redirects, refreshes: () => refreshes, release };
}

describe("the order page's action flow", () => {
  it("pay: one request, then off to the checkout URL with the buttons still disabled", async () => {
    const flow = start(["pay", "cancel"], { ok: true, checkoutUrl: "https://pay.test/cs_1" });
    flow.actor.send({ type: "RUN", action: "pay" });
    flow.actor.send({ type: "RUN", action: "pay" });
    flow.actor.send({ type: "RUN", action: "cancel" });
    expect(flow.actor.getSnapshot().value).toBe("working");
    flow.release();
    await waitFor(flow.actor, (s) => s.matches("leaving"));
    expect(flow.calls).toEqual(["pay"]);
    expect(flow.redirects).toEqual(["https://pay.test/cs_1"]);
    expect(flow.actor.getSnapshot().context.message).toMatch(/payment page/);
  });

  it("cancel: succeeds, says so and refreshes the order", async () => {
    const flow = start(["pay", "cancel"], { ok: true });
    flow.actor.send({ type: "RUN", action: "cancel" });
    flow.release();
    await waitFor(flow.actor, (s) => s.matches("idle") && s.context.message !== "");
    expect(flow.actor.getSnapshot().context).toMatchObject({ message: "Your order has been cancelled.", tone: "info" });
    expect(flow.refreshes()).toBe(1);
  });

  it("an action the machine does not allow is not sent", () => {
    const flow = start(["pay"], { ok: true });
    flow.actor.send({ type: "RUN", action: "refund" });
    expect(flow.actor.getSnapshot().value).toBe("idle");
    expect(flow.calls).toEqual([]);
    flow.actor.send({ type: "ALLOWED", actions: ["refund"] });
    flow.actor.send({ type: "RUN", action: "refund" });
    expect(flow.calls).toEqual(["refund"]);
  });

  it("a stale order (window closed) shows the server's message and refreshes; other errors only show it", async () => {
    const stale = start(["pay"], { ok: false, code: "payment_window_closed", message: "The time to pay has run out." });
    stale.actor.send({ type: "RUN", action: "pay" });
    stale.release();
    await waitFor(stale.actor, (s) => s.matches("idle") && s.context.tone === "error");
    expect(stale.actor.getSnapshot().context.message).toBe("The time to pay has run out.");
    expect(stale.refreshes()).toBe(1);

    const down = start(["pay"], { ok: false, code: "gateway_unavailable", message: "The payment provider is not answering." });
    down.actor.send({ type: "RUN", action: "pay" });
    down.release();
    await waitFor(down.actor, (s) => s.matches("idle") && s.context.tone === "error");
    expect(down.refreshes()).toBe(0);
    expect(down.redirects).toEqual([]);
  });

  it("a pay answer without a checkout URL, or a thrown request, is an error and the buttons come back", async () => {
    const empty = start(["pay"], { ok: true });
    empty.actor.send({ type: "RUN", action: "pay" });
    empty.release();
    await waitFor(empty.actor, (s) => s.matches("idle") && s.context.tone === "error");
    expect(empty.actor.getSnapshot().context.message).toMatch(/couldn’t open the payment page/);

    const thrown = start(["refund"], new Error("offline"));
    thrown.actor.send({ type: "RUN", action: "refund" });
    thrown.release();
    await waitFor(thrown.actor, (s) => s.matches("idle") && s.context.tone === "error");
    expect(thrown.actor.getSnapshot().context.message).toMatch(/couldn’t reach the store/);
  });
});
