import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DeliveryAttempt, DeliveryState } from "./store";
import { control, pay, sessionParams, startHarness, waitFor, WEBHOOK_SECRET, type Harness } from "./test-support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());
beforeEach(() => {
  h.emulator.reset();
  h.receiver.deliveries.length = 0;
});

type EventsView = { data: { event: { id: string; type: string }; delivery: DeliveryState; attempts: DeliveryAttempt[] }[] };

async function eventsOfType(type: string): Promise<EventsView["data"]> {
  return ((await control(h.emulator, `/events?type=${type}`)).body as unknown as EventsView).data;
}

async function completeOne(): Promise<string> {
  const session = await h.stripe.checkout.sessions.create(sessionParams());
  await pay(h.emulator, session.id, { card: "4242424242424242" });
  return session.id;
}

/**
 * Proves that events already recorded are never sent, without waiting a while
 * and hoping: with delivery back on, one more payment's events arrive, and
 * first attempts go out one at a time in event order, so anything queued for
 * the earlier events would have arrived before them.
 */
async function expectNeverDelivered(eventIds: string[]): Promise<void> {
  const recorded = h.emulator.state.events.size;
  await completeOne();
  const fresh = h.emulator.state.events.size - recorded;
  await waitFor(() => h.receiver.deliveries.length >= fresh);
  expect(h.receiver.deliveries).toHaveLength(fresh);
  expect(h.receiver.deliveries.filter((d) => eventIds.includes(d.event.id))).toEqual([]);
}

describe("webhook delivery", () => {
  it("retries after a receiver 500 with exponential backoff, recording every attempt", async () => {
    h.receiver.respondWith(500, 503);
    await control(h.emulator, "/config", { enabledEvents: ["checkout.session.completed"] });
    await completeOne();
    const [record] = await waitFor(async () => {
      const events = await eventsOfType("checkout.session.completed");
      return events[0]?.delivery === "delivered" && events;
    });
    expect(record!.attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
    const [first, second, third] = record!.attempts.map((a) => Date.parse(a.at));
    expect(second! - first!).toBeGreaterThanOrEqual(40 - 5);
    expect(third! - second!).toBeGreaterThanOrEqual(80 - 5);
    // The same event (same id, same bytes) each time, each signature valid.
    const copies = h.receiver.ofType("checkout.session.completed");
    expect(new Set(copies.map((d) => d.event.id)).size).toBe(1);
    for (const copy of copies)
      expect(h.stripe.webhooks.constructEvent(copy.body, copy.signature, WEBHOOK_SECRET).id).toBe(record!.event.id);
    // Other event types were recorded but not sent (Stripe's enabled_events).
    expect((await eventsOfType("payment_intent.succeeded"))[0]?.delivery).toBe("filtered");
  });

  it("gives up after maxAttempts and records a network error when the receiver is unreachable", async () => {
    await control(h.emulator, "/config", {
      webhookUrl: "http://127.0.0.1:9/unreachable",
      maxAttempts: 2,
      enabledEvents: ["checkout.session.completed"],
    });
    await completeOne();
    const [record] = await waitFor(async () => {
      const events = await eventsOfType("checkout.session.completed");
      return events[0]?.delivery === "failed" && events;
    });
    expect(record!.attempts).toHaveLength(2);
    expect(record!.attempts[0]).toMatchObject({ status: null, error: expect.any(String) });
  });

  it("chaos duplicateRate 1 delivers every event twice with the same id", async () => {
    await control(h.emulator, "/config", { chaos: { duplicateRate: 1 } });
    await completeOne();
    const copies = await waitFor(() => {
      const found = h.receiver.ofType("checkout.session.completed");
      return found.length === 2 && found;
    });
    expect(copies[0]!.event.id).toBe(copies[1]!.event.id);
    expect(copies[0]!.body).toBe(copies[1]!.body);
  });

  it("chaos dropRate 1 records events without delivering them; redeliver sends one by hand", async () => {
    await control(h.emulator, "/config", { chaos: { dropRate: 1 } });
    await completeOne();
    const dropped = [...h.emulator.state.events.values()];
    expect(dropped.map((r) => [r.delivery, r.attempts.length])).toEqual(dropped.map(() => ["dropped", 0]));
    await control(h.emulator, "/config", { chaos: null });
    await expectNeverDelivered(dropped.map((r) => r.event.id));
    h.receiver.deliveries.length = 0;

    const [record] = await eventsOfType("checkout.session.completed");
    expect(record?.delivery).toBe("dropped");
    const redelivered = await control(h.emulator, `/events/${record!.event.id}/redeliver`, {});
    expect(redelivered.body).toMatchObject({ attempt: { eventId: record!.event.id, status: 200, manual: true } });
    expect(h.receiver.ofType("checkout.session.completed")).toHaveLength(1);
  });

  it("shuffle delivers everything, not necessarily in order", async () => {
    await control(h.emulator, "/config", { chaos: { shuffle: true, maxDelayMs: 50 } });
    await completeOne();
    const total = h.emulator.state.events.size;
    await waitFor(() => h.receiver.deliveries.length === total);
    expect(new Set(h.receiver.deliveries.map((d) => d.event.id)).size).toBe(total);
  });

  it("without chaos, events arrive in the order they happened", async () => {
    await completeOne();
    const total = h.emulator.state.events.size;
    await waitFor(() => h.receiver.deliveries.length === total);
    expect(h.receiver.deliveries.map((d) => d.event.id)).toEqual([...h.emulator.state.events.keys()]);
    expect(h.receiver.deliveries.map((d) => d.event.type)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
  });

  it("webhooksEnabled false records events with pending_webhooks 0 and sends nothing", async () => {
    await control(h.emulator, "/config", { webhooksEnabled: false });
    await completeOne();
    const [record] = await eventsOfType("checkout.session.completed");
    expect(record).toMatchObject({ delivery: "disabled", event: { pending_webhooks: 0 }, attempts: [] });
    const unsent = [...h.emulator.state.events.values()];
    expect(unsent.every((r) => r.delivery === "disabled")).toBe(true);
    await control(h.emulator, "/config", { webhooksEnabled: true });
    await expectNeverDelivered(unsent.map((r) => r.event.id));
  });
});
