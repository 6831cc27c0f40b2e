import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { runDueJobs } from "@/test/run-jobs";
import { listStuckOrders } from "@/lib/admin/order-overview";
import { addJob } from "@/lib/worker/jobs";
import { cancelOrder } from "@/lib/orders/user-actions";
import { eventTypes, orderRow } from "@/test/fixtures";
import { emulatorControl, moneyAtGateway, paidOrderAtGateway, payAtGateway, placedOrder } from "@/test/gateway";
import { openUnrecordedSession, reconcileOnce } from "@/test/late-webhooks";
import { deliver, stripeEvent } from "@/test/webhooks";
import { startPayment } from "./start-payment";
import { stripeClient } from "./stripe-client";

// No money the store cannot place: a Checkout Session opened at the gateway
// but never recorded (START_PAYMENT refused, or the process died between the
// gateway and the database) is expired at once, and money that still arrives
// on one whose metadata names our order is refunded through the machine
// (UNRECORDED_PAYMENT), found by the webhook or, without it, by the reconciler.

async function runJobs(orderId: string): Promise<void> {
  const { db, url } = await getDb();
  await db.execute(sql`update graphile_worker._private_jobs set run_at = now() where locked_at is null and payload->>'orderId' = ${orderId}
    and task_id in (select id from graphile_worker._private_tasks where identifier in ('refund_payment', 'expire_checkout_session', 'poll_refund'))`);
  // Only this order's jobs: other files' in this worker's database (their refunds' retries) wait.
  await runDueJobs({ connectionString: url, orderId });
}

async function paymentsOf(orderId: string) {
  const { db } = await getDb();
  return db.execute<{ id: string; status: string; gateway_session_id: string | null }>(sql`
    select id, status, gateway_session_id from payments where order_id = ${orderId} order by created_at`);
}

async function refundsOf(orderId: string) {
  const { db } = await getDb();
  return db.execute<{ payment_id: string; status: string; reason: string; amount_cents: number }>(sql`
    select payment_id, status, reason, amount_cents from refunds where order_id = ${orderId} order by created_at`);
}

/** Every session the gateway holds for the order (its metadata names it), newest first. */
async function gatewaySessionsOf(orderId: string, since: number): Promise<Stripe.Checkout.Session[]> {
  const sessions = await stripeClient()
    .checkout.sessions.list({ created: { gte: since }, limit: 100 })
    .autoPagingToArray({ limit: 1000 });
  return sessions.filter((s) => s.metadata?.order_id === orderId);
}

beforeAll(async () => {
  await getDb();
});

afterEach(async () => {
  await emulatorControl("/_emulator/config", { latencyMs: 0 });
});

describe("money for a session the store never recorded", () => {
  it("reported by webhook: recorded, refunded through the machine, shown to operators; the repeat is a duplicate", async () => {
    const o = await paidOrderAtGateway({ stock: 3, priceCents: 1400 });
    const leaked = await openUnrecordedSession(o.orderId, 1400);
    await payAtGateway(leaked.sessionId);
    const session = await stripeClient().checkout.sessions.retrieve(leaked.sessionId);

    const first = await deliver(stripeEvent("checkout.session.completed", session as unknown as Record<string, unknown>));
    expect(first).toEqual({ status: 200, body: { received: true, outcome: "handled" } });
    expect((await orderRow(o.orderId)).status).toBe("paid");
    expect(await paymentsOf(o.orderId)).toEqual([
      expect.objectContaining({ id: o.paymentId, status: "paid" }),
      { id: leaked.paymentId, status: "paid", gateway_session_id: leaked.sessionId },
    ]);
    expect(await refundsOf(o.orderId)).toEqual([
      { payment_id: leaked.paymentId, status: "pending", reason: "unrecorded_payment", amount_cents: 1400 },
    ]);
    expect(await eventTypes(o.orderId)).toEqual(expect.arrayContaining(["UnrecordedPaymentReceived", "RefundRequested"]));
    const stuck = (await listStuckOrders(1000)).find((s) => s.id === o.orderId);
    expect(stuck?.reason).toBe(
      `money arrived for a checkout session the store never recorded (${leaked.sessionId}): refunded automatically`,
    );

    await runJobs(o.orderId);
    expect(await refundsOf(o.orderId)).toEqual([expect.objectContaining({ status: "succeeded" })]);
    expect((await paymentsOf(o.orderId)).map((p) => p.status)).toEqual(["paid", "refunded"]);
    expect(await moneyAtGateway(leaked.sessionId)).toEqual({ captured: 1400, refunded: 1400 });
    expect((await orderRow(o.orderId)).status).toBe("paid");

    const again = await deliver(stripeEvent("checkout.session.completed", session as unknown as Record<string, unknown>));
    expect(again.body.outcome).toBe("duplicate");
  });

  it("without any webhook, the reconciler finds it in the gateway's events and refunds it; a second run changes nothing", async () => {
    const o = await placedOrder({ stock: 3, priceCents: 1500 });
    await cancelOrder({ userId: o.userId, orderId: o.orderId });
    const leaked = await openUnrecordedSession(o.orderId, 1500);
    await payAtGateway(leaked.sessionId);

    await reconcileOnce();
    // Cancelled, then money came: it goes back (the refund job ran in the same worker pass).
    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect(await refundsOf(o.orderId)).toEqual([
      { payment_id: leaked.paymentId, status: "succeeded", reason: "unrecorded_payment", amount_cents: 1500 },
    ]);
    expect(await moneyAtGateway(leaked.sessionId)).toEqual({ captured: 1500, refunded: 1500 });
    const { db } = await getDb();
    const [received] = await db.execute<{ source: string }>(
      sql`select source from order_events where order_id = ${o.orderId} and type = 'UnrecordedPaymentReceived'`,
    );
    expect(received?.source).toBe("reconciler");

    const revision = (await orderRow(o.orderId)).revision;
    await reconcileOnce();
    expect((await orderRow(o.orderId)).revision).toBe(revision);
  });

  it("a session whose metadata names no order of ours is left alone", async () => {
    const stranger = randomUUID();
    const leaked = await openUnrecordedSession(stranger, 900);
    await payAtGateway(leaked.sessionId);
    const session = await stripeClient().checkout.sessions.retrieve(leaked.sessionId);
    expect((await deliver(stripeEvent("checkout.session.completed", session as unknown as Record<string, unknown>))).body.outcome).toBe(
      "unknown_payment",
    );
    await reconcileOnce();
    expect(await moneyAtGateway(leaked.sessionId)).toEqual({ captured: 900, refunded: 0 });
  });

  it("the expiry job closes an unrecorded session; one that was paid first is refunded", async () => {
    const o = await paidOrderAtGateway({ stock: 3, priceCents: 1600 });
    const open = await openUnrecordedSession(o.orderId, 1600);
    const paid = await openUnrecordedSession(o.orderId, 1600);
    await payAtGateway(paid.sessionId);
    const { db } = await getDb();
    for (const s of [open, paid])
      await addJob(
        db,
        "expire_checkout_session",
        { orderId: o.orderId, sessionId: s.sessionId },
        { jobKey: `expire-unrecorded:${s.sessionId}` },
      );
    await runJobs(o.orderId);
    expect((await stripeClient().checkout.sessions.retrieve(open.sessionId)).status).toBe("expired");
    expect((await paymentsOf(o.orderId)).map((p) => p.gateway_session_id)).not.toContain(open.sessionId);
    expect(await moneyAtGateway(paid.sessionId)).toEqual({ captured: 1600, refunded: 1600 });
    expect(await refundsOf(o.orderId)).toEqual([
      expect.objectContaining({ payment_id: paid.paymentId, reason: "unrecorded_payment", status: "succeeded" }),
    ]);
  });
});

describe("START_PAYMENT refused after the session was opened", () => {
  it("the window closes while the gateway answers: that session is expired at once and nothing is recorded", async () => {
    const o = await placedOrder({ stock: 3, priceCents: 1700 });
    const since = Math.floor(Date.now() / 1000) - 1;
    const { db } = await getDb();
    // The deadline passes while the (slow) gateway creates the session: the order's own reads before
    // the gateway call get 2.5 s (a loaded machine, files in parallel: 800 ms was once too little), the gateway takes longer.
    const deadline = Date.now() + 2_500;
    await db.execute(sql`update orders set payment_deadline = ${new Date(deadline).toISOString()}::timestamptz,
      machine_snapshot = jsonb_set(machine_snapshot, '{context,paymentDeadline}', to_jsonb(${deadline}::bigint)) where id = ${o.orderId}`);
    await emulatorControl("/_emulator/config", { latencyMs: 3_500 });

    await expect(startPayment({ userId: o.userId, email: "r@example.com", orderId: o.orderId })).rejects.toMatchObject({
      code: "payment_window_closed",
    });
    const sessions = await gatewaySessionsOf(o.orderId, since);
    expect(sessions.map((s) => s.status)).toEqual(["expired"]);
    expect(await paymentsOf(o.orderId)).toEqual([]);
    const [refused] = await db.execute<{ outcome: string }>(
      sql`select outcome from ignored_events where order_id = ${o.orderId} and event_type = 'START_PAYMENT'`,
    );
    expect(refused?.outcome).toBe("ignored");
  });

  it("ten tabs and a cancel at once: afterwards no session of the order can take money", async () => {
    const o = await placedOrder({ stock: 3, priceCents: 1800 });
    const since = Math.floor(Date.now() / 1000) - 1;
    // A slow gateway: the cancel lands while the sessions are being opened.
    await emulatorControl("/_emulator/config", { latencyMs: 100 });
    const starts = Array.from({ length: 10 }, () =>
      startPayment({ userId: o.userId, email: "r@example.com", orderId: o.orderId }).then(
        () => "started",
        (e: { code?: string }) => e.code,
      ),
    );
    const results = await Promise.all([...starts, cancelOrder({ userId: o.userId, orderId: o.orderId }).then(() => "cancelled")]);
    expect(results.every((r) => ["started", "invalid_transition", "cancelled"].includes(String(r)))).toBe(true);
    await emulatorControl("/_emulator/config", { latencyMs: 0 });
    await runJobs(o.orderId);

    const recorded = new Set((await paymentsOf(o.orderId)).map((p) => p.gateway_session_id));
    const sessions = await gatewaySessionsOf(o.orderId, since);
    for (const session of sessions)
      expect({ id: session.id, status: session.status, recorded: recorded.has(session.id) }).toMatchObject({ status: "expired" });
    // A leaked URL cannot take money any more.
    for (const session of sessions) expect(await payAtGateway(session.id)).toMatchObject({ status: "expired" });
    expect((await orderRow(o.orderId)).status).toBe("cancelled");
  });
});
