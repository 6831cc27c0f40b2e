import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { control, pay, sessionParams, startHarness, waitFor, type Harness } from "./test-support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ asyncDelayMs: 60_000 });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.emulator.reset();
  h.receiver.deliveries.length = 0;
});

describe("control API and pages", () => {
  it("settles a pending bank transfer on demand, overriding its outcome", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { bankAccount: "000111111113" });
    const settled = await control(h.emulator, `/sessions/${session.id}/settle`, { outcome: "succeeded" });
    expect(settled).toMatchObject({ http: 200, body: { session: { status: "complete", payment_status: "paid" } } });
    await waitFor(() => h.receiver.ofType("checkout.session.async_payment_succeeded")[0]);
    const again = await control(h.emulator, `/sessions/${session.id}/settle`, { outcome: "failed" });
    expect(again.http).toBe(409);
  });

  it("reports and changes settings; reset restores them and forgets everything", async () => {
    const changed = await control(h.emulator, "/config", { refundOutcome: "pending", latencyMs: 5, chaos: { duplicateRate: 0.25 } });
    expect(changed.body).toMatchObject({ refundOutcome: "pending", latencyMs: 5, chaos: { duplicateRate: 0.25, dropRate: 0 } });
    expect((await control(h.emulator, "/config", { refundOutcome: "maybe" })).http).toBe(400);
    await h.stripe.checkout.sessions.create(sessionParams());
    expect(h.emulator.state.sessions.size).toBe(1);
    await control(h.emulator, "/reset", {});
    expect(h.emulator.state.sessions.size).toBe(0);
    expect((await control(h.emulator, "/config")).body).toMatchObject({
      refundOutcome: "succeeded",
      latencyMs: 0,
      webhookUrl: h.receiver.url,
    });
  });

  it("moves the emulated clock for out-of-process tests", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await control(h.emulator, "/clock", { advanceMs: 32 * 60_000 });
    await waitFor(() => h.receiver.ofType("checkout.session.expired")[0]);
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe("expired");
  });

  it("the bank transfer form completes the session; a wrong account re-renders with an error", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    const wrong = await fetch(`${h.emulator.url}/pay/${session.id}`, {
      method: "POST",
      body: new URLSearchParams({ method: "bank", bank_account: "42" }),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Your bank account number is invalid.");
    const right = await fetch(`${h.emulator.url}/pay/${session.id}`, {
      method: "POST",
      body: new URLSearchParams({ method: "bank", bank_account: "000123456789" }),
      redirect: "manual",
    });
    expect(right.status).toBe(303);
    expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "complete", payment_status: "unpaid" });
  });

  it("the dashboard lists objects and events; its Redeliver button posts a form and comes back", async () => {
    const session = await h.stripe.checkout.sessions.create(sessionParams());
    await pay(h.emulator, session.id, { card: "4242424242424242" });
    await waitFor(() => h.receiver.ofType("checkout.session.completed")[0]);
    const html = await (await fetch(`${h.emulator.url}/`)).text();
    expect(html).toContain(session.id);
    expect(html).toContain("checkout.session.completed");
    const eventId = [...h.emulator.state.events.keys()].at(-1)!;
    expect(html).toContain(`action="/_emulator/events/${eventId}/redeliver"`);
    const posted = await fetch(`${h.emulator.url}/_emulator/events/${eventId}/redeliver`, {
      method: "POST",
      // As the browser posts it from the dashboard: with the emulator's own Origin.
      headers: { "content-type": "application/x-www-form-urlencoded", origin: h.emulator.publicUrl },
      body: "",
      redirect: "manual",
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe("/");
    expect(h.emulator.state.events.get(eventId)!.attempts.some((a) => a.manual)).toBe(true);
  });
});
