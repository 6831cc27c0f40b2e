import { sql } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST as paymentsRoute } from "@/app/api/orders/[id]/payments/route";
import { getDb } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { LIMITS } from "@/lib/http/abuse-limits";
import { dispatch } from "@/lib/orders/dispatch";
import { guestOrderLink } from "@/lib/orders/guest-link";
import { getOrder } from "@/lib/orders/order-view";
import { eventTypes, jobKeys, orderRow, stockOf } from "@/test/fixtures";
import { runDueJobs } from "@/test/run-jobs";
import { emulatorControl, payAtGateway, placedGuestOrder, placedOrder } from "@/test/gateway";
import { signInAs } from "@/test/session";
import { probeGatewayForOrder } from "./offer-pay-link";
import { GATEWAY_HALF_OPEN_AFTER_MS, gatewayBreakerTiming } from "./resilience";
import { reconcileSuccessReturn } from "./return-from-gateway";
import { openPayment, startPayment } from "./start-payment";
import { resetStripeClient } from "./stripe-client";

// Issue #21, second point: the card gateway is down when a shopper goes to pay. The order is not
// failed: its payment is delayed (created.paymentDelayed), its books stay reserved until the same
// deadline, and a job probes the gateway; when it answers, the shopper gets one e-mail with a link
// to pay. Driven through dispatch, the real worker tasks and the emulator's failNext and latency.

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (await import("@/test/session")).fakeSession.session,
}));
// A signed-in shopper carries no guest cookie.
vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined, set: () => {}, delete: () => {} }) }));

let url = "";
const email = "r@example.com";

beforeAll(() => {
  url = process.env.DATABASE_URL!;
});

// The breaker is one per process: each test starts with it letting calls through at once, so one
// test's outage never refuses the next one's calls.
beforeEach(() => {
  gatewayBreakerTiming.halfOpenAfterMs = 0;
});

afterEach(async () => {
  gatewayBreakerTiming.halfOpenAfterMs = GATEWAY_HALF_OPEN_AFTER_MS;
  await emulatorControl("/_emulator/config", { failNext: null, latencyMs: 0 });
});

const gatewayDown = () => emulatorControl("/_emulator/config", { failNext: { count: 1000, status: 503 } });
const gatewayBack = () => emulatorControl("/_emulator/config", { failNext: null });

async function delayedOrder(options: { guest?: boolean } = {}) {
  const placed = options.guest ? await placedGuestOrder({ stock: 4, priceCents: 1200 }) : await placedOrder({ stock: 4, priceCents: 1200 });
  await gatewayDown();
  const userId = "userId" in placed ? placed.userId : null;
  const started = await openPayment({ userId, guestOrderId: userId ? null : placed.orderId, email, orderId: placed.orderId });
  expect(started).toMatchObject({ delayed: true });
  return { ...placed, userId };
}

async function probeJob(orderId: string) {
  const { db } = await getDb();
  const [job] = await db.execute<{ attempt: number; run_at: Date }>(sql`
    select (payload->>'attempt')::int as attempt, run_at from graphile_worker._private_jobs where key = ${`gateway-probe:${orderId}`}`);
  return job;
}

async function payLinkEmails(orderId: string) {
  const { db } = await getDb();
  return db.execute<{ text_body: string; html_body: string }>(
    sql`select text_body, html_body from emails where order_id = ${orderId} and subject like 'You can pay%'`,
  );
}

/** Runs the order's due jobs as a worker would (twice: a retried job is a second run). */
async function runJobs(orderId: string) {
  const { db } = await getDb();
  for (let round = 0; round < 2; round++) {
    await db.execute(
      sql`update graphile_worker._private_jobs set run_at = now() where locked_at is null and payload->>'orderId' = ${orderId}`,
    );
    await runDueJobs({ connectionString: url, orderId });
  }
}

describe("the gateway down when the shopper goes to pay", () => {
  it("delays the payment: the order stays placed, its books reserved until the same deadline, a probe queued", async () => {
    const { userId, orderId, bookId } = await placedOrder({ stock: 4, priceCents: 1200 });
    const deadline = (await getOrder(orderId)).paymentDeadline;
    await gatewayDown();
    const started = await openPayment({ userId, email, orderId });
    expect(started).toEqual({ delayed: true, paymentDeadline: deadline, message: expect.stringMatching(/Payment is delayed/) });
    if (!("delayed" in started)) throw new Error("not delayed");
    expect(started.message).toMatch(/e-mail you a link to pay/);
    expect(started.message).toContain(new Date(deadline).toUTCString());
    const order = await getOrder(orderId);
    expect([order.status, order.state, order.paymentDeadline]).toEqual(["created", "created.paymentDelayed", deadline]);
    expect(await stockOf(bookId)).toMatchObject({ available: 3, reserved: 1 });
    expect(await eventTypes(orderId)).toEqual(["OrderCreated", "PaymentDelayed"]);
    expect(await jobKeys(orderId)).toEqual(expect.arrayContaining([`gateway-probe:${orderId}`, `payment-timeout:${orderId}`]));
    // Another click while it is still down: told the same, and nothing more is written (a duplicate).
    const revision = (await orderRow(orderId)).revision;
    expect(await openPayment({ userId, email, orderId })).toMatchObject({ delayed: true });
    expect((await orderRow(orderId)).revision).toBe(revision);
    // Callers that need a page still hear gateway_unavailable.
    await expect(startPayment({ userId, email, orderId })).rejects.toMatchObject({ code: "gateway_unavailable" });
  });

  it("an open circuit delays it with reason circuit_open, without calling the gateway", async () => {
    const { userId, orderId } = await placedOrder({ stock: 4, priceCents: 1200 });
    gatewayBreakerTiming.halfOpenAfterMs = 3_600_000;
    await gatewayDown();
    // Open the breaker with another order's failing calls (5 in a row).
    const other = await placedOrder({ stock: 4, priceCents: 1200 });
    await openPayment({ userId: other.userId, email, orderId: other.orderId });
    await openPayment({ userId: other.userId, email, orderId: other.orderId });
    await gatewayBack();
    expect(await openPayment({ userId, email, orderId })).toMatchObject({ delayed: true });
    const { db } = await getDb();
    const [event] = await db.execute<{ payload: { reason: string } }>(
      sql`select payload from order_events where order_id = ${orderId} and type = 'PaymentDelayed'`,
    );
    expect(event!.payload.reason).toBe("circuit_open");
  });

  it("a gateway slower than the client's timeout delays it too", async () => {
    const before = process.env.STRIPE_TIMEOUT_MS;
    process.env.STRIPE_TIMEOUT_MS = "300";
    resetEnvCache();
    resetStripeClient();
    try {
      const { userId, orderId } = await placedOrder({ stock: 4, priceCents: 1200 });
      await emulatorControl("/_emulator/config", { latencyMs: 1500 });
      expect(await openPayment({ userId, email, orderId })).toMatchObject({ delayed: true });
      expect((await getOrder(orderId)).state).toBe("created.paymentDelayed");
    } finally {
      if (before === undefined) delete process.env.STRIPE_TIMEOUT_MS;
      else process.env.STRIPE_TIMEOUT_MS = before;
      resetEnvCache();
      resetStripeClient();
    }
  });

  it("POST /api/orders/:id/payments answers 202 with what happens next, not a 503; another shopper still gets 404", async () => {
    const { userId, orderId } = await placedOrder({ stock: 4, priceCents: 1200 });
    await gatewayDown();
    signInAs(userId);
    const request = () => new Request("http://localhost/api/x", { method: "POST" });
    const response = await paymentsRoute(request(), { params: Promise.resolve({ id: orderId }) });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { status: string; message: string; paymentDeadline: string };
    expect(body).toEqual({
      status: "delayed",
      message: expect.stringMatching(/Payment is delayed.*held for you until/s),
      paymentDeadline: (await getOrder(orderId)).paymentDeadline,
    });
    signInAs((await placedOrder()).userId);
    expect((await paymentsRoute(request(), { params: Promise.resolve({ id: orderId }) })).status).toBe(404);
    signInAs(null);
  });
});

describe("a shopper pressing Pay now while the gateway is down", () => {
  it("counts against their payment rate like any start: past it, 429 and the gateway is not asked", async () => {
    const { userId, orderId } = await placedOrder({ stock: 4, priceCents: 1200 });
    // An open circuit: each try is refused at once, without a gateway call.
    gatewayBreakerTiming.halfOpenAfterMs = 3_600_000;
    await gatewayDown();
    for (let i = 0; i < LIMITS.paymentStart.points; i++) {
      expect(await openPayment({ userId, email, orderId })).toMatchObject({ delayed: true });
    }
    await expect(openPayment({ userId, email, orderId })).rejects.toMatchObject({ code: "rate_limited" });
    expect(await eventTypes(orderId)).toEqual(["OrderCreated", "PaymentDelayed"]);
  });
});

describe("the probe, and the pay link when the gateway is back", () => {
  it("still down: the probe asks again later with backoff and changes nothing; a failed ping is no job failure", async () => {
    const { orderId } = await delayedOrder();
    const revision = (await orderRow(orderId)).revision;
    expect(await probeGatewayForOrder(orderId, 0)).toBe("still_down");
    const job = await probeJob(orderId);
    expect(job!.attempt).toBe(1);
    expect(new Date(job!.run_at).getTime() - Date.now()).toBeGreaterThan(15_000);
    expect((await orderRow(orderId)).revision).toBe(revision);
    // Through the worker (twice): each run queues the next and succeeds; nothing counts towards pausing the order.
    await runJobs(orderId);
    const { db } = await getDb();
    const runs = await db.execute<{ outcome: string }>(
      sql`select outcome from job_runs where order_id = ${orderId} and task = 'probe_gateway'`,
    );
    expect(runs.map((r) => r.outcome)).toEqual(["succeeded", "succeeded"]);
    expect((await probeJob(orderId))!.attempt).toBe(3);
    expect((await getOrder(orderId)).state).toBe("created.paymentDelayed");
    // Past the window there is nothing to wait for: the payment timer cancels the order.
    const deadline = new Date((await getOrder(orderId)).paymentDeadline).getTime();
    expect(await probeGatewayForOrder(orderId, 3, deadline - 1000)).toBe("gave_up");
  });

  it("back: one pay-link e-mail through the outbox, even with two workers probing and the e-mail job run twice", async () => {
    const { orderId } = await delayedOrder();
    await gatewayBack();
    const outcomes = await Promise.all([probeGatewayForOrder(orderId, 1), probeGatewayForOrder(orderId, 1)]);
    expect(outcomes).toContain("offered");
    expect(outcomes.filter((o) => o === "offered")).toHaveLength(1);
    expect((await getOrder(orderId)).state).toBe("created.awaitingPayment");
    expect(await eventTypes(orderId)).toEqual(["OrderCreated", "PaymentDelayed", "PaymentResumable"]);
    expect(await jobKeys(orderId)).not.toContain(`gateway-probe:${orderId}`);
    expect(await dispatch(orderId, { type: "GATEWAY_BACK" }, "system")).toMatchObject({ outcome: "duplicate" });
    await runJobs(orderId);
    const emails = await payLinkEmails(orderId);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.text_body).toContain(`/orders/${orderId}`);
    expect(emails[0]!.html_body).toMatch(new RegExp(`<a href="[^"]*/orders/${orderId}"[^>]*>Pay for your order</a>`));
    expect(await probeGatewayForOrder(orderId, 2)).toBe("not_delayed");
  });

  it("through the worker: the probe job finds the gateway back; a guest's e-mail carries their signed link", async () => {
    const { orderId } = await delayedOrder({ guest: true });
    await gatewayBack();
    await runJobs(orderId);
    expect(await eventTypes(orderId)).toEqual(["OrderCreated", "PaymentDelayed", "PaymentResumable"]);
    const emails = await payLinkEmails(orderId);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.text_body).toContain(guestOrderLink(orderId));
  });

  it("the shopper who tries again once it is back pays normally; the probe then has nothing to do", async () => {
    const { userId, orderId } = await delayedOrder();
    await gatewayBack();
    const { checkoutUrl } = await startPayment({ userId, email, orderId });
    const sessionId = checkoutUrl.split("/pay/")[1]!;
    expect(await jobKeys(orderId)).not.toContain(`gateway-probe:${orderId}`);
    await payAtGateway(sessionId);
    await reconcileSuccessReturn({ userId: userId!, sessionId });
    expect((await orderRow(orderId)).status).toBe("paid");
    expect(await eventTypes(orderId)).toEqual(["OrderCreated", "PaymentDelayed", "PaymentStarted", "OrderPaid"]);
    expect(await probeGatewayForOrder(orderId, 1)).toBe("not_delayed");
    expect(await payLinkEmails(orderId)).toHaveLength(0);
  });

  it("the window ends first: the timeout cancels the delayed order, releases its books, and no link is sent", async () => {
    const { orderId, bookId } = await delayedOrder();
    const deadline = new Date((await getOrder(orderId)).paymentDeadline).getTime();
    expect(await dispatch(orderId, { type: "TIMEOUT", at: deadline + 1 }, "timer")).toMatchObject({
      outcome: "accepted",
      status: "cancelled",
    });
    expect(await stockOf(bookId)).toMatchObject({ available: 4, reserved: 0 });
    expect(await jobKeys(orderId)).not.toContain(`gateway-probe:${orderId}`);
    await gatewayBack();
    expect(await probeGatewayForOrder(orderId, 1)).toBe("not_delayed");
    expect(await dispatch(orderId, { type: "GATEWAY_BACK" }, "system")).toMatchObject({ outcome: "ignored" });
    expect(await payLinkEmails(orderId)).toHaveLength(0);
  });

  it("paused: the probe job leaves the order alone; RESUME queues it again and it then sends the link", async () => {
    const { orderId } = await delayedOrder();
    await dispatch(orderId, { type: "PAUSE", by: "admin", reason: "checking the customer" }, "admin");
    await gatewayBack();
    await runJobs(orderId);
    expect((await getOrder(orderId)).state).toBe("created.paymentDelayed");
    expect(await payLinkEmails(orderId)).toHaveLength(0);
    await dispatch(orderId, { type: "RESUME", by: "admin" }, "admin");
    expect(await jobKeys(orderId)).toContain(`gateway-probe:${orderId}`);
    await runJobs(orderId);
    expect((await getOrder(orderId)).state).toBe("created.awaitingPayment");
    expect(await payLinkEmails(orderId)).toHaveLength(1);
  });
});
