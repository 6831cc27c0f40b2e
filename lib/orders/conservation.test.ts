import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { runDueJobs, runOrderJobs } from "@/test/run-jobs";
import { addCartItem, createCart, loadCart } from "@/lib/cart/cart-store";
import { resetEnvCache } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { reconcileSuccessReturn, recordCancelledReturn } from "@/lib/payments/return-from-gateway";
import { GATEWAY_HALF_OPEN_AFTER_MS, gatewayBreakerTiming } from "@/lib/payments/resilience";
import { openPayment, startPayment } from "@/lib/payments/start-payment";
import { createBook, createUser } from "@/test/fixtures";
import { createPromotionCode, emulatorControl, guestIdentity, payAtGateway as gatewayPay, payAtGatewayWith } from "@/test/gateway";
import { openUnrecordedSession, reconcileOnce } from "@/test/late-webhooks";
import { stripeClient } from "@/lib/payments/stripe-client";
import { seededRandom } from "@/test/random";
import { deliver, stripeEvent } from "@/test/webhooks";
import { checkoutCart, checkoutGuestCart } from "./checkout-cart";
import { dispatch } from "./dispatch";
import { getOrder } from "./order-view";
import {
  adminDeliver,
  adminFulfil,
  adminPartialRefund,
  adminPause,
  adminReceiveReturn,
  adminRecordOutsideRefund,
  adminRefund,
  adminRejectReturn,
  adminResume,
  cancelOrder,
  requestPartialRefund,
  requestRefund,
  requestReturn,
} from "./user-actions";

// A randomized run of many orders through checkout, pay, decline, cancel,
// timeout, late payment, refund, partial refunds and fulfilment, and money through sessions
// the store never recorded, by shoppers with accounts and by guests (some of
// whose orders an account claims midway), with the worker, the reconciler and the emulated
// gateway doing their part. Afterwards stock is conserved and every captured
// payment is on a paid order or refunded, in the store and at the gateway.

/**
 * The paths after payment, by the value that picks them below: the shopper's refund, shipped, shipped then
 * refunded, a copy back before shipping, shipping and goodwill back, delivered (then returns: three times), nothing.
 */
const PATHS_AFTER_PAYMENT = [0.8, 0.1, 0.85, 0.25, 0.35, 0.88, 0.5, 0.6, 0.95];

let url = "";

/** Runs this run's jobs (retries made due) but the warehouse's and the payment timers. */
async function drainJobs(orderIds: string[]) {
  const { db } = await getDb();
  for (let round = 0; round < 4; round++) {
    await db.execute(sql`update graphile_worker._private_jobs set run_at = now()
      where locked_at is null and payload->>'orderId' = any(${`{${orderIds.join(",")}}`}::text[])
        and task_id not in (select id from graphile_worker._private_tasks where identifier in ('fulfil_order', 'payment_timeout'))`);
    await runDueJobs({ connectionString: url });
  }
}

/** Lets through only the refusal the randomized run expects (e.g. out_of_stock); anything else fails the test. */
const refusal = (code: string) => (error: unknown) => {
  if (isAppError(error) && error.code === code) return undefined;
  throw error;
};

const DISPUTED_CARD = "4000000000000259"; // pays, then the card network opens a chargeback at once

type DisputeEnd = "open" | "won" | "lost";

/**
 * The gateway disputed the session's payment (Stripe's test card 0259): its
 * dispute delivered as the signed webhook, then decided at the emulator and
 * the closing webhook delivered too (or left open).
 */
async function disputeByWebhook(sessionId: string, end: DisputeEnd): Promise<void> {
  const stripe = stripeClient();
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  const [dispute] = (await stripe.disputes.list({ payment_intent: String(session.payment_intent) })).data;
  expect(dispute, "the card opens a dispute").toBeDefined();
  const object = (d: object) => d as unknown as Record<string, unknown>;
  expect((await deliver(stripeEvent("charge.dispute.created", object(dispute!)))).body.outcome).toBe("handled");
  if (end === "open") return;
  await emulatorControl(`/_emulator/disputes/${dispute!.id}/close`, { outcome: end });
  const closed = await stripe.disputes.retrieve(dispute!.id);
  expect((await deliver(stripeEvent("charge.dispute.closed", object(closed)))).body.outcome).toBe("handled");
}

/**
 * What does not add up in stock, per book of `received` (copies received at the start): every copy is available,
 * reserved by an open order, or sold to a paid/shipped one (less the copies refunded before shipping, back on the
 * shelf, and the returned copies put back; those written off stay sold); no counter is negative; and per order, a
 * return never put back more copies of a book than were shipped (the copies refunded before shipping never left).
 */
async function stockProblems(received: Map<number, number>): Promise<string[]> {
  const { db } = await getDb();
  const problems: string[] = [];
  for (const [bookId, stock] of received) {
    const [row] = await db.execute<{ a: number; r: number; s: number; rec: number; open: number; kept: number; restocked: number }>(sql`
      select b.stock_available as a, b.stock_reserved as r, b.stock_sold as s, b.stock_received as rec,
        coalesce((select sum(oi.quantity) from order_items oi join orders o on o.id = oi.order_id where oi.book_id = b.id and o.status = 'created'), 0)::int as open,
        coalesce((select sum(oi.quantity - coalesce((select sum((r->>'quantity')::int) from jsonb_array_elements(o.machine_snapshot->'context'->'restocked') r
                                                     where (r->>'bookId')::int = oi.book_id), 0))
                  from order_items oi join orders o on o.id = oi.order_id
                  where oi.book_id = b.id and (o.status in ('paid', 'fulfilled', 'delivered') or (o.status in ('refund_pending', 'refunded') and o.fulfilled_at is not null))), 0)::int as kept,
        coalesce((select sum((l->>'quantity')::int) from order_returns rt cross join jsonb_array_elements(rt.restocked) l
                  where (l->>'bookId')::int = b.id), 0)::int as restocked
      from books b where b.id = ${bookId}`);
    const { a, r, s, rec } = row!;
    const at = `book ${bookId}`;
    if (rec !== stock) problems.push(`${at}: received ${rec}, not ${stock}`);
    if (a + r + s !== stock) problems.push(`${at}: available ${a} + reserved ${r} + sold ${s} is not the ${stock} received`);
    if (a < 0 || r < 0 || s < 0) problems.push(`${at}: a negative counter (available ${a}, reserved ${r}, sold ${s})`);
    if (r !== row!.open) problems.push(`${at}: reserved ${r}, but open orders hold ${row!.open}`);
    if (s !== row!.kept - row!.restocked)
      problems.push(`${at}: sold ${s}, but paid/shipped orders keep ${row!.kept} less ${row!.restocked} returned to the shelf`);
  }
  const books = `{${[...received.keys()].join(",")}}`;
  const overRestocked = await db.execute<{ order_id: string; book_id: number; shipped: number; restocked: number }>(sql`
    select oi.order_id, oi.book_id,
      (case when o.fulfilled_at is null then 0 else oi.quantity - coalesce((select sum((r->>'quantity')::int)
         from jsonb_array_elements(o.machine_snapshot->'context'->'restocked') r where (r->>'bookId')::int = oi.book_id), 0) end)::int as shipped,
      coalesce((select sum((l->>'quantity')::int) from order_returns rt cross join jsonb_array_elements(rt.restocked) l
                where rt.order_id = o.id and (l->>'bookId')::int = oi.book_id), 0)::int as restocked
    from order_items oi join orders o on o.id = oi.order_id where oi.book_id = any(${books}::int[])`);
  for (const row of overRestocked) {
    if (row.restocked > row.shipped)
      problems.push(`order ${row.order_id} book ${row.book_id}: ${row.restocked} copies restocked from returns, ${row.shipped} shipped`);
  }
  return problems;
}

type RefundInSnapshot = {
  status: string;
  amountCents: number;
  partial?: { lines: { bookId: number; quantity: number; cents?: number }[] };
};

/**
 * What does not add up in money, per payment and per line of these orders, in the store and at the gateway:
 * refunded (succeeded, by the gateway or paid outside it) + lost in disputes <= captured, and = captured once
 * the payment or its order is refunded; the payment holds exactly its pending and succeeded refunds
 * (refunded_cents); the gateway captured the same, refunded exactly the succeeded refunds it made (never one
 * owed outside it: those an operator paid another way), so that what it refunded + what was paid outside it +
 * what it took back in disputes is what the store counts given back and lost; and no line's copies got back
 * (or are getting back) more copies or cents than the line had and was paid.
 */
async function moneyProblems(orderIds: string[]): Promise<string[]> {
  const { db } = await getDb();
  const stripe = stripeClient();
  const problems: string[] = [];
  const ids = sql`(select unnest(${`{${orderIds.join(",")}}`}::uuid[]))`;
  const payments = await db.execute<{
    id: string;
    order_id: string;
    order_status: string;
    status: string;
    amount_cents: number;
    refunded_cents: number;
    gateway_session_id: string | null;
    at_gateway: number;
    outside: number;
    pending: number;
    lost: number;
    outside_ids: string[] | null;
    outside_sent: number;
  }>(sql`
    select p.id, p.order_id, o.status as order_status, p.status, p.amount_cents, p.refunded_cents, p.gateway_session_id,
      coalesce((select sum(r.amount_cents) from refunds r where r.payment_id = p.id and r.status = 'succeeded' and not r.outside), 0)::int as at_gateway,
      coalesce((select sum(r.amount_cents) from refunds r where r.payment_id = p.id and r.status = 'succeeded' and r.outside), 0)::int as outside,
      coalesce((select sum(r.amount_cents) from refunds r where r.payment_id = p.id and r.status = 'pending'), 0)::int as pending,
      coalesce((select sum(d.amount_cents) from disputes d where d.payment_id = p.id and d.outcome = 'lost'), 0)::int as lost,
      (select array_agg(r.id::text) from refunds r where r.payment_id = p.id and r.outside) as outside_ids,
      (select count(*)::int from refunds r where r.payment_id = p.id and r.outside and r.gateway_refund_id is not null) as outside_sent
    from payments p join orders o on o.id = p.order_id
    where p.order_id in ${ids} and p.status in ('paid', 'refunded') order by p.created_at`);
  for (const p of payments) {
    const at = `order ${p.order_id} (${p.order_status}) payment ${p.id} (${p.status})`;
    const succeeded = p.at_gateway + p.outside;
    const back = `refunded ${p.at_gateway} by the gateway + ${p.outside} outside it + lost ${p.lost}`;
    if (succeeded + p.lost > p.amount_cents) problems.push(`${at}: ${back} > captured ${p.amount_cents}`);
    if ((p.status === "refunded" || p.order_status === "refunded") && succeeded + p.lost !== p.amount_cents)
      problems.push(`${at}: refunded, but ${back} is not the ${p.amount_cents} captured`);
    if (p.refunded_cents !== succeeded + p.pending)
      problems.push(`${at}: refunded_cents ${p.refunded_cents}, its refunds hold ${succeeded} succeeded + ${p.pending} pending`);
    if (p.outside_sent > 0) problems.push(`${at}: ${p.outside_sent} refunds owed outside the gateway have a gateway refund`);
    if (!p.gateway_session_id) {
      problems.push(`${at}: captured with no gateway session`);
      continue;
    }
    const session = await stripe.checkout.sessions.retrieve(p.gateway_session_id);
    const intent = await stripe.paymentIntents.retrieve(String(session.payment_intent), { expand: ["latest_charge"] });
    const charge = intent.latest_charge as Stripe.Charge | null;
    const lostAtGateway = (await stripe.disputes.list({ payment_intent: intent.id })).data
      .filter((d) => d.status === "lost")
      .reduce((sum, d) => sum + d.amount, 0);
    if (charge?.amount_captured !== p.amount_cents)
      problems.push(`${at}: the gateway captured ${charge?.amount_captured}, the store ${p.amount_cents}`);
    if (charge?.amount_refunded !== p.at_gateway)
      problems.push(`${at}: the gateway refunded ${charge?.amount_refunded}, the store ${p.at_gateway} through it`);
    if (lostAtGateway !== p.lost) problems.push(`${at}: the gateway lost ${lostAtGateway} in disputes, the store ${p.lost}`);
    if ((charge?.amount_refunded ?? 0) + p.outside + lostAtGateway !== succeeded + p.lost)
      problems.push(
        `${at}: the gateway refunded ${charge?.amount_refunded} + ${p.outside} paid outside it + lost ${lostAtGateway}, the store ${back}`,
      );
    // No refund owed outside the gateway ever reached it (the gateway's refunds name ours in their metadata).
    const outsideIds = new Set(p.outside_ids ?? []);
    const reached = (await stripe.refunds.list({ payment_intent: intent.id, limit: 100 })).data.filter((r) =>
      outsideIds.has(r.metadata?.refund_id ?? ""),
    );
    if (reached.length > 0) problems.push(`${at}: refunds owed outside the gateway reached it: ${reached.map((r) => r.id).join(", ")}`);
  }
  const lines = await db.execute<{
    id: string;
    refunds: RefundInSnapshot[] | null;
    items: { bookId: number; quantity: number; paid: number }[];
  }>(sql`
    select o.id, o.machine_snapshot->'context'->'refunds' as refunds,
      (select json_agg(json_build_object('bookId', oi.book_id, 'quantity', oi.quantity,
         'paid', oi.unit_price_cents * oi.quantity - oi.discount_cents + oi.tax_cents)) from order_items oi where oi.order_id = o.id) as items
    from orders o where o.id in ${ids}`);
  for (const order of lines) {
    // Refunds that give money back or did (a failed one gave its claim back).
    const holding = (order.refunds ?? []).filter((r) => r.status !== "failed").flatMap((r) => r.partial?.lines ?? []);
    for (const item of order.items ?? []) {
      const mine = holding.filter((l) => l.bookId === item.bookId);
      const cents = mine.reduce((sum, l) => sum + (l.cents ?? Number.NaN), 0);
      const copies = mine.reduce((sum, l) => sum + l.quantity, 0);
      const at = `order ${order.id} book ${item.bookId}`;
      if (!(cents <= item.paid)) problems.push(`${at}: its refunds give back ${cents} of the line's ${item.paid} paid`);
      if (copies > item.quantity) problems.push(`${at}: its refunds give back ${copies} of the line's ${item.quantity} copies`);
    }
  }
  return problems;
}

/** Where a refund of the steps below goes: the gateway takes it, fails it for good (at once, or pending then failed), or fails it once and the machine's own retry goes through. */
type RefundFate = "succeeds" | "fails" | "pendingThenFails" | "failsThenRetried";

const REFUND_FATES: RefundFate[] = ["succeeds", "succeeds", "succeeds", "succeeds", "fails", "pendingThenFails", "failsThenRetried"];

function setJobMaxAttempts(attempts: number | null) {
  if (attempts === null) delete process.env.JOB_MAX_ATTEMPTS;
  else process.env.JOB_MAX_ATTEMPTS = String(attempts);
  resetEnvCache();
}

/** The gateway as the test setup left it: refunds succeed, pending ones settle after 300 ms (test/global-setup.ts). */
async function gatewayTakesRefunds() {
  await emulatorControl("/_emulator/config", { refundOutcome: "succeeded", asyncDelayMs: 300 });
  setJobMaxAttempts(null);
}

/** The order's refunds just started reach the gateway, which settles them as `fate` says; their jobs run to the end. */
async function refundsMeet(orderId: string, fate: RefundFate): Promise<void> {
  try {
    if (fate === "fails") {
      // Refused (declined), final at once: handed to an operator.
      await emulatorControl("/_emulator/config", { refundOutcome: "failed" });
      setJobMaxAttempts(1);
      await runOrderJobs(orderId, { rounds: 2 });
    } else if (fate === "pendingThenFails") {
      // Pending at the gateway, then failed there: the poll finds it failed, final at once.
      await emulatorControl("/_emulator/config", { refundOutcome: "pending", asyncDelayMs: 600_000 });
      setJobMaxAttempts(1);
      await runOrderJobs(orderId);
      const { db } = await getDb();
      const sent = await db.execute<{ gateway_refund_id: string }>(sql`
        select gateway_refund_id from refunds where order_id = ${orderId} and status = 'pending' and gateway_refund_id is not null`);
      for (const refund of sent) {
        const settled = (await emulatorControl(`/_emulator/refunds/${refund.gateway_refund_id}/settle`, { outcome: "failed" })) as {
          refund?: { status: string };
        };
        expect(settled.refund?.status).toBe("failed");
      }
      await runOrderJobs(orderId, { rounds: 2 });
    } else if (fate === "failsThenRetried") {
      // Refused once; the machine queues its own retry (a minute later), which the gateway, back, takes.
      await emulatorControl("/_emulator/config", { refundOutcome: "failed" });
      setJobMaxAttempts(2);
      await runOrderJobs(orderId);
      await gatewayTakesRefunds();
    }
  } finally {
    await gatewayTakesRefunds();
  }
  await runOrderJobs(orderId, { rounds: 2 });
}

/** A dispute's signed webhook (created or closed) as the gateway has it now. */
async function deliverDispute(disputeId: string, type: "charge.dispute.created" | "charge.dispute.closed"): Promise<void> {
  const dispute = await stripeClient().disputes.retrieve(disputeId);
  expect((await deliver(stripeEvent(type, dispute as unknown as Record<string, unknown>))).body.outcome).toBe("handled");
}

beforeAll(async () => {
  url = (await getDb()).url;
});

afterEach(gatewayTakesRefunds);

describe("conservation under a randomized run", () => {
  it("keeps stock and money consistent across 40 orders", async () => {
    const random = seededRandom(4242);
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
    const books = await Promise.all([createBook(12, 900), createBook(8, 1500), createBook(5, 2200), createBook(3, 3100)]);
    const received = new Map<number, number>([
      [books[0]!, 12],
      [books[1]!, 8],
      [books[2]!, 5],
      [books[3]!, 3],
    ]);
    const admin = await createUser("admin");
    const codes = [await createPromotionCode({ percentOff: 15 }), await createPromotionCode({ amountOff: 300 })];
    const { db } = await getDb();
    const since = Math.floor(Date.now() / 1000) - 1;
    const orderIds = new Set<string>();
    const orders: string[] = [];
    let refusedForStock = 0;
    const claimed: string[] = [];
    let partialRefunds = 0;
    let returned = 0;
    let paidOrders = 0;
    // Disputes draw from their own sequence, so the rest of the run is the one it always was.
    const disputeRandom = seededRandom(1919);
    const replaceRandom = seededRandom(2020);
    const replaced: string[] = [];
    const ends: DisputeEnd[] = [];
    // Pauses too (issue #21): some paid orders are paused by an operator, some of those handed to people
    // to ship by hand; all are resumed at the end, and what waited then runs.
    const pauseRandom = seededRandom(2121);
    const pausedOrders: string[] = [];
    let handedOver = 0;
    for (let n = 0; n < 40; n++) {
      // Every third shopper is a guest (chosen by n, so the seeded paths stay those of the run without guests).
      const guest = n % 3 === 1 ? guestIdentity() : null;
      const account = guest ? null : await createUser();
      const cart = await createCart(account);
      await addCartItem(cart, pick(books), 1 + Math.floor(random() * 2));
      if (random() < 0.4) await addCartItem(cart, pick(books), 1);
      // The books run out during the run: a refused checkout is part of it.
      const placed = await (guest ? checkoutGuestCart({ ...guest, cartId: cart }) : checkoutCart({ userId: account! })).catch(
        refusal("out_of_stock"),
      );
      if (!placed) {
        refusedForStock++;
        continue;
      }
      const orderId = placed.order.id;
      orderIds.add(orderId);
      orders.push(orderId);
      // A guest acts through the order's link; an account of the guest's (proven) address may claim it at any point.
      const viewer = { userId: account, guestOrderId: guest ? orderId : null };
      if (guest && n % 6 === 1) {
        expect((await dispatch(orderId, { type: "CLAIM", userId: await createUser() }, "user")).outcome).toBe("accepted");
        claimed.push(orderId);
      }
      const drawn = random();
      // One guest's order is always cancelled by its guest (the draws stay those of the seeded run).
      const path = n === 4 ? 0.1 : drawn;
      // A session the store never recorded (START_PAYMENT refused, its expiry lost), paid through a leaked URL.
      if (path > 0.9) await gatewayPay((await openUnrecordedSession(orderId, placed.order.totalCents)).sessionId);
      if (path < 0.15) {
        await cancelOrder({ ...viewer, orderId });
        continue;
      }
      const { checkoutUrl } = await startPayment({ ...viewer, email: guest ? undefined : "r@example.com", orderId });
      const sessionId = checkoutUrl.split("/pay/")[1]!;
      if (path < 0.25) {
        // Never paid: the window closes.
        await db.execute(
          sql`update orders set machine_snapshot = jsonb_set(machine_snapshot, '{context,paymentDeadline}', '0'::jsonb) where id = ${orderId}`,
        );
        await dispatch(orderId, { type: "TIMEOUT" }, "timer");
        if (random() < 0.5) {
          // Too late: paid before the expiry job closed the session (then refunded), or refused as expired.
          const late = (await gatewayPay(sessionId, "4242424242424242")) as { status: string };
          expect(["succeeded", "expired"]).toContain(late.status);
        }
        continue;
      }
      if (path < 0.35) {
        await recordCancelledReturn({ ...viewer, sessionId });
        continue;
      }
      if (path < 0.45) await gatewayPay(sessionId, "4000000000000002");
      if (path < 0.5) {
        // Paid at the gateway after the shopper cancelled in another tab.
        await cancelOrder({ ...viewer, orderId });
        await gatewayPay(sessionId, "4242424242424242");
        await reconcileSuccessReturn({ ...viewer, sessionId });
        continue;
      }
      // Some payments are disputed: left open, won or lost.
      const end: DisputeEnd | null = disputeRandom() < 0.4 ? (["open", "won", "lost"] as const)[ends.length % 3]! : null;
      // Shoppers pick express or standard and some enter a code: the amounts the gateway settles vary.
      await payAtGatewayWith(sessionId, {
        method: random() < 0.5 ? "express" : "standard",
        promotionCode: random() < 0.4 ? pick(codes) : undefined,
        card: end ? "4000000000000259" : undefined,
      });
      await reconcileSuccessReturn({ ...viewer, sessionId });
      if (end) {
        ends.push(end);
        await disputeByWebhook(sessionId, end);
      }
      if (!end && pauseRandom() < 0.35) {
        // Paused: the warehouse, refunds and timers wait; the shopper and the operator carry on.
        await adminPause({ adminId: admin, orderId, reason: "checking the address with the shopper" });
        pausedOrders.push(orderId);
        if (pauseRandom() < 0.5) {
          // The warehouse gave up on it: people ship it (adminFulfil below ships it by hand, if its path ships).
          expect((await dispatch(orderId, { type: "FULFILMENT_FAILED", reason: "carrier down" }, "system")).outcome).toBe("accepted");
          handedOver++;
        }
      }
      // Paid orders take the paths after payment in turn (deliveries and returns twice), so every kind of
      // refund, shipment and return is in every run; what happens on each path stays random.
      random(); // the draw that used to pick the path: the rest of the seeded run stays as it was
      const after = PATHS_AFTER_PAYMENT[paidOrders++ % PATHS_AFTER_PAYMENT.length]!;
      if (end === "open" || end === "lost") {
        // An open or lost dispute holds the order: its refunds and shipping are refused.
        const held = refusal("invalid_transition");
        if (after < 0.3) await requestRefund({ ...viewer, orderId }).catch(held);
        else if (after < 0.45) await adminFulfil({ adminId: admin, orderId }).catch(held);
        else if (after < 0.7) {
          await adminFulfil({ adminId: admin, orderId }).catch(held);
          await adminRefund({ adminId: admin, orderId }).catch(held);
        } else
          await requestPartialRefund({ ...viewer, orderId, lines: [{ bookId: placed.order.items[0]!.bookId, quantity: 1 }] }).catch(held);
      } else if (after < 0.2) await requestRefund({ ...viewer, orderId });
      else if (after < 0.3) await adminFulfil({ adminId: admin, orderId });
      else if (after < 0.4) {
        await adminFulfil({ adminId: admin, orderId });
        await adminRefund({ adminId: admin, orderId });
      } else if (after < 0.55) {
        // A copy back before shipping (on the shelf again), sometimes then the rest.
        const [line] = placed.order.items;
        await requestPartialRefund({ ...viewer, orderId, lines: [{ bookId: line!.bookId, quantity: 1 }] });
        partialRefunds++;
        if (random() < 0.3) await requestRefund({ ...viewer, orderId });
        // Nothing left to ship when that was the only copy: the warehouse is refused.
        else if (random() < 0.5) await adminFulfil({ adminId: admin, orderId }).catch(refusal("invalid_transition"));
      } else if (after < 0.65) {
        // Shipped, then the shipping and some goodwill back.
        const shipped = await adminFulfil({ adminId: admin, orderId });
        await adminPartialRefund({ adminId: admin, orderId, shippingCents: shipped.shippingCents, amountCents: 150 });
        partialRefunds++;
      } else if (after < 0.92) {
        // Delivered, then some lines come back: restocked or written off, refunded; or the return is rejected.
        await adminFulfil({ adminId: admin, orderId });
        await adminDeliver({ adminId: admin, orderId });
        const { items } = await getOrder(orderId);
        const lines = items
          .filter(() => random() < 0.7)
          .map((i) => ({ bookId: i.bookId, quantity: 1 + Math.floor(random() * i.quantity) }));
        if (lines.length > 0) {
          const asked = await requestReturn({ ...viewer, orderId, lines, reason: "Not what I expected" });
          const ret = asked.returns.at(-1)!;
          const decision = random();
          if (decision < 0.2) await adminRejectReturn({ adminId: admin, orderId, returnId: ret.id, note: "Read already" });
          else {
            const restock = lines.map((l) => ({
              bookId: l.bookId,
              quantity: decision < 0.6 ? l.quantity : Math.floor(random() * (l.quantity + 1)),
            }));
            await adminReceiveReturn({ adminId: admin, orderId, returnId: ret.id, restock });
            returned++;
          }
        }
      }
      if (n % 8 === 0) await drainJobs(orders);
    }
    // Issue #20: shoppers come back through the cart (books and draws of their own, so the run above stays the one it
    // always was): the same cart goes to the same order; a changed cart replaces it (cancelled through dispatch, its
    // stock released), sometimes after its payment page was opened, and that stale page is sometimes paid (a late
    // payment, refunded). The new order is then paid, cancelled or left open.
    const returning = await Promise.all([createBook(6, 1100), createBook(4, 1900)]);
    returning.forEach((bookId, i) => received.set(bookId, [6, 4][i]!));
    books.push(...returning);
    for (let n = 0; n < 10; n++) {
      const guest = n % 3 === 1 ? guestIdentity() : null;
      const account = guest ? null : await createUser();
      const cart = await createCart(account);
      await addCartItem(cart, returning[Math.floor(replaceRandom() * 2)]!, 1);
      const checkout = () =>
        (guest ? checkoutGuestCart({ ...guest, cartId: cart }) : checkoutCart({ userId: account! })).catch(refusal("out_of_stock"));
      const first = await checkout();
      if (!first) continue;
      orders.push(first.order.id);
      orderIds.add(first.order.id);
      const viewerOf = (orderId: string) => ({ userId: account, guestOrderId: guest ? orderId : null });
      const email = guest ? undefined : "r@example.com";
      const stale = replaceRandom() < 0.6 ? await startPayment({ ...viewerOf(first.order.id), email, orderId: first.order.id }) : null;
      expect((await checkout())?.order.id).toBe(first.order.id);
      await addCartItem(cart, returning[Math.floor(replaceRandom() * 2)]!, 1);
      const second = await checkout();
      if (!second) {
        expect((await getOrder(first.order.id)).status).toBe("created");
        continue;
      }
      expect(second.order.id).not.toBe(first.order.id);
      replaced.push(first.order.id);
      orders.push(second.order.id);
      orderIds.add(second.order.id);
      if (stale && replaceRandom() < 0.5) {
        // Paid on the replaced order's page before its expiry job ran: refunded as a late payment.
        const sessionId = stale.checkoutUrl.split("/pay/")[1]!;
        await gatewayPay(sessionId, "4242424242424242");
        await reconcileSuccessReturn({ ...viewerOf(first.order.id), sessionId });
      }
      const next = replaceRandom();
      if (next < 0.5) {
        const { checkoutUrl } = await startPayment({ ...viewerOf(second.order.id), email, orderId: second.order.id });
        const sessionId = checkoutUrl.split("/pay/")[1]!;
        await payAtGatewayWith(sessionId, { method: "standard" });
        await reconcileSuccessReturn({ ...viewerOf(second.order.id), sessionId });
      } else if (next < 0.75) await cancelOrder({ ...viewerOf(second.order.id), orderId: second.order.id });
    }
    // Issue #21: partial orders. Carts ask for more than the shelf holds (books and draws of their own); the whole order
    // is refused, the shopper agrees to what is there, pays, cancels or leaves it open. Paid, the cart keeps
    // exactly what was left out; the stock sums below hold these orders too.
    const partialRandom = seededRandom(2222);
    const scarce = await Promise.all([createBook(3, 1300), createBook(2, 2100)]);
    scarce.forEach((bookId, i) => received.set(bookId, [3, 2][i]!));
    books.push(...scarce);
    let partials = 0;
    let paidPartials = 0;
    for (let n = 0; n < 6; n++) {
      const guest = n % 3 === 1 ? guestIdentity() : null;
      const account = guest ? null : await createUser();
      const cart = await createCart(account);
      const asked = new Map(scarce.map((bookId) => [bookId, 1 + Math.floor(partialRandom() * 3)]));
      for (const [bookId, quantity] of asked) await addCartItem(cart, bookId, quantity);
      const checkout = (partial: boolean) =>
        (guest ? checkoutGuestCart({ ...guest, cartId: cart, partial }) : checkoutCart({ userId: account!, partial })).catch(
          refusal("out_of_stock"),
        );
      const whole = await checkout(false);
      const placed = whole ?? (await checkout(true));
      if (!placed) continue;
      const { order } = placed;
      if (!whole) {
        partials++;
        expect(order.leftOut.length).toBeGreaterThan(0);
      }
      for (const line of order.leftOut) expect(asked.get(line.bookId)).toBe(line.requested);
      orders.push(order.id);
      orderIds.add(order.id);
      const viewer = { userId: account, guestOrderId: guest ? order.id : null };
      const next = partialRandom();
      if (next < 0.6) {
        const { checkoutUrl } = await startPayment({ ...viewer, email: guest ? undefined : "r@example.com", orderId: order.id });
        const sessionId = checkoutUrl.split("/pay/")[1]!;
        await payAtGatewayWith(sessionId, { method: "standard" });
        await reconcileSuccessReturn({ ...viewer, sessionId });
        const ordered = new Map(order.items.map((i) => [i.bookId, i.quantity]));
        const left = [...asked].map(([bookId, q]) => ({ bookId, quantity: q - (ordered.get(bookId) ?? 0) })).filter((l) => l.quantity > 0);
        if (!whole) paidPartials++;
        const { items } = await loadCart(cart);
        expect(items.map((i) => ({ bookId: i.bookId, quantity: i.quantity })).sort((a, b) => a.bookId - b.bookId)).toEqual(
          left.sort((a, b) => a.bookId - b.bookId),
        );
      } else if (next < 0.8) await cancelOrder({ ...viewer, orderId: order.id });
    }
    expect(partials).toBeGreaterThan(0);
    expect(paidPartials).toBeGreaterThan(0);
    // Issue #21: the gateway down when shoppers go to pay (draws of their own). Each payment is delayed, the books
    // stay reserved; then the gateway comes back and the probe e-mails a pay link (then paid, or left), the shopper
    // pays by themselves, cancels, or the window ends first; some orders are still waiting at the end.
    const delayRandom = seededRandom(2222);
    const delayed: { orderId: string; linked: boolean }[] = [];
    const waiting = await createBook(12, 1300);
    received.set(waiting, 12);
    books.push(waiting);
    gatewayBreakerTiming.halfOpenAfterMs = 0; // each outage here is the emulator's; the breaker lets the next call try
    for (let n = 0; n < 10; n++) {
      const account = await createUser();
      const cart = await createCart(account);
      await addCartItem(cart, waiting, 1 + Math.floor(delayRandom() * 2));
      const placed = await checkoutCart({ userId: account }).catch(refusal("out_of_stock"));
      if (!placed) continue;
      const orderId = placed.order.id;
      orders.push(orderId);
      orderIds.add(orderId);
      const viewer = { userId: account, email: "r@example.com", orderId };
      await emulatorControl("/_emulator/config", { failNext: { count: 1000, status: 503 } });
      expect(await openPayment(viewer)).toMatchObject({ delayed: true });
      const way = n % 5;
      if (way === 0 || way === 1) {
        await emulatorControl("/_emulator/config", { failNext: null });
        await drainJobs([orderId]); // the probe finds the gateway back: GATEWAY_BACK, the pay-link e-mail, then sent
        delayed.push({ orderId, linked: true });
        if (way === 0) {
          const { checkoutUrl } = await startPayment(viewer);
          const sessionId = checkoutUrl.split("/pay/")[1]!;
          await payAtGatewayWith(sessionId, { method: delayRandom() < 0.5 ? "express" : "standard" });
          await reconcileSuccessReturn({ userId: account, sessionId });
        }
        continue;
      }
      // Still waiting when the gateway comes back for good: its probe sends the link in the drain below.
      delayed.push({ orderId, linked: way === 4 && n < 5 });
      if (way === 2) {
        await emulatorControl("/_emulator/config", { failNext: null });
        const { checkoutUrl } = await startPayment(viewer);
        const sessionId = checkoutUrl.split("/pay/")[1]!;
        await payAtGatewayWith(sessionId, { method: "standard" });
        await reconcileSuccessReturn({ userId: account, sessionId });
      } else if (way === 3) {
        await db.execute(
          sql`update orders set machine_snapshot = jsonb_set(machine_snapshot, '{context,paymentDeadline}', '0'::jsonb) where id = ${orderId}`,
        );
        await dispatch(orderId, { type: "TIMEOUT" }, "timer");
      } else if (n >= 5) await cancelOrder({ userId: account, guestOrderId: null, orderId }); // else: still waiting
      await emulatorControl("/_emulator/config", { failNext: null });
    }
    gatewayBreakerTiming.halfOpenAfterMs = GATEWAY_HALF_OPEN_AFTER_MS;
    await drainJobs(orders);
    // Exactly one pay link per order whose probe saw the gateway back; none for the others (paid, cancelled, timed out).
    const delayedIds = sql`(select unnest(${`{${delayed.map((d) => d.orderId).join(",")}}`}::uuid[]))`;
    const links = await db.execute<{ order_id: string; n: number }>(sql`
      select order_id, count(*)::int as n from emails where subject like 'You can pay%' and order_id in ${delayedIds} group by order_id`);
    expect(Object.fromEntries(links.map((l) => [l.order_id, l.n]))).toEqual(
      Object.fromEntries(delayed.filter((d) => d.linked).map((d) => [d.orderId, 1])),
    );
    const delayEnds = await db.execute<{ status: string; state: string }>(sql`
      select status, machine_snapshot->'value'->>'created' as state from orders where id in ${delayedIds}`);
    expect(new Set(delayEnds.map((e) => e.status))).toEqual(new Set(["paid", "created", "cancelled"]));
    expect(delayEnds.filter((e) => e.state === "paymentDelayed")).toEqual([]);
    // While paused, no refund of a paused order reached the gateway; resume replays them (none is left
    // pending below).
    expect(pausedOrders.length).toBeGreaterThan(2);
    expect(handedOver).toBeGreaterThan(0);
    const pausedIds = sql`(select unnest(${`{${pausedOrders.join(",")}}`}::uuid[]))`;
    const [waited] = await db.execute<{ waiting: number; sent: number }>(sql`
      select count(*) filter (where status = 'pending' and gateway_refund_id is null)::int as waiting,
             count(*) filter (where gateway_refund_id is not null)::int as sent
      from refunds where order_id in ${pausedIds}`);
    expect(waited!.sent).toBe(0);
    expect(waited!.waiting).toBeGreaterThan(0);
    for (const orderId of pausedOrders) await adminResume({ adminId: admin, orderId });
    await drainJobs(orders);
    // No webhooks in this run: the reconciler finds the money nobody recorded.
    await reconcileOnce();
    await drainJobs(orders);

    // Stock: every copy is available, reserved by an open order, or sold to a paid/shipped one
    // (less the copies refunded before shipping, back on the shelf, and the returned copies put back;
    // those written off stay sold).
    expect(await stockProblems(received)).toEqual([]);
    // Money: a captured payment is on a paid or shipped order, or it was refunded.
    // (Other test files share this database: look only at this run's orders.)
    const ours = sql`(select oi.order_id from order_items oi where oi.book_id = any(${`{${books.join(",")}}`}::int[]))`;
    const stray = await db.execute(sql`
      select p.id, p.status, o.status as order_status from payments p join orders o on o.id = p.order_id
      where p.status = 'paid' and o.status not in ('paid', 'fulfilled', 'delivered') and o.id in ${ours}`);
    expect(stray).toEqual([]);
    const unsettled = await db.execute(sql`select id from refunds where status = 'pending' and order_id in ${ours}`);
    expect(unsettled).toEqual([]);
    const [counts] = await db.execute<{ paid: number; refunded: number; cancelled: number }>(sql`
      select count(*) filter (where status in ('paid', 'fulfilled', 'delivered'))::int as paid, count(*) filter (where status = 'refunded')::int as refunded,
             count(*) filter (where status = 'cancelled')::int as cancelled from orders o
      where exists (select 1 from order_items oi where oi.order_id = o.id and oi.book_id = any(${`{${books.join(",")}}`}::int[]))`);
    // The run really exercised the paths.
    expect(replaced.length).toBeGreaterThan(0);
    const replacedEnds = await db.execute<{ status: string; reason: string }>(sql`
      select o.status, (select e.payload->>'reason' from order_events e where e.order_id = o.id and e.type = 'OrderCancelled' limit 1) as reason
      from orders o where o.id = any(${`{${replaced.join(",")}}`}::uuid[])`);
    for (const end of replacedEnds) {
      expect(end.reason).toBe("replaced_by_new_order");
      expect(["cancelled", "refunded"]).toContain(end.status);
    }
    // Some replaced orders' stale payment pages were paid, and that money went back.
    expect(new Set(replacedEnds.map((end) => end.status))).toEqual(new Set(["cancelled", "refunded"]));
    expect(counts!.paid).toBeGreaterThan(3);
    expect(counts!.refunded).toBeGreaterThan(1);
    expect(counts!.cancelled).toBeGreaterThan(2);
    expect(refusedForStock).toBeGreaterThan(0);
    // Guests went through the same paths: paid and cancelled guest orders, claimed ones, all held to the same sums below.
    const [guests] = await db.execute<{ paid: number; cancelled: number; claimed: number }>(sql`
      select count(*) filter (where status in ('paid', 'fulfilled', 'refund_pending', 'refunded'))::int as paid,
             count(*) filter (where status = 'cancelled')::int as cancelled,
             count(*) filter (where user_id is not null)::int as claimed
      from orders o where o.guest_email is not null and o.id in ${ours}`);
    expect(guests!.paid).toBeGreaterThan(0);
    expect(guests!.cancelled).toBeGreaterThan(0);
    expect(guests!.claimed).toBe(claimed.length);
    expect(claimed.length).toBeGreaterThan(0);
    expect(partialRefunds).toBeGreaterThan(1);
    expect(returned).toBeGreaterThan(1);
    const reasons = await db.execute<{
      reason: string;
    }>(sql`select distinct r.reason from refunds r join order_items oi on oi.order_id = r.order_id
      where oi.book_id = any(${`{${books.join(",")}}`}::int[]) and r.status = 'succeeded'`);
    expect(reasons.map((r) => r.reason)).toEqual(
      expect.arrayContaining(["late_payment", "requested_by_customer", "requested_by_admin", "unrecorded_payment", "returned"]),
    );

    // At the gateway: money kept on a session of this run's orders is exactly the paid orders' payments, less their returns' refunds.
    const stripe = stripeClient();
    const sessions = (
      await stripe.checkout.sessions.list({ created: { gte: since }, status: "complete", limit: 100 }).autoPagingToArray({ limit: 10_000 })
    ).filter((s) => orderIds.has(s.metadata?.order_id ?? ""));
    // What a lost dispute took back at the gateway, per payment intent.
    const lostAtGateway = new Map<string, number>();
    for (const dispute of await stripe.disputes.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })) {
      if (dispute.status === "lost" && typeof dispute.payment_intent === "string")
        lostAtGateway.set(dispute.payment_intent, dispute.amount);
    }
    const kept = new Map<string, number>();
    let lostOfOurs = 0;
    for (const session of sessions) {
      const intent = await stripe.paymentIntents.retrieve(String(session.payment_intent), { expand: ["latest_charge"] });
      const charge = intent.latest_charge as { amount_captured: number; amount_refunded: number } | null;
      const lost = lostAtGateway.get(intent.id) ?? 0;
      lostOfOurs += lost;
      const net = (charge?.amount_captured ?? 0) - (charge?.amount_refunded ?? 0) - lost;
      if (net !== 0) kept.set(session.id, net);
    }
    // A paid order keeps its total less what partial refunds and returns gave back and what lost disputes took.
    const paidHere = await db.execute<{ gateway_session_id: string; kept_cents: number }>(sql`
      select p.gateway_session_id,
        (o.total_cents
          - coalesce((select sum(r.amount_cents) from refunds r where r.payment_id = p.id and r.status = 'succeeded'), 0)
          - coalesce((select sum(d.amount_cents) from disputes d where d.payment_id = p.id and d.outcome = 'lost'), 0))::int as kept_cents
      from payments p join orders o on o.id = p.order_id
      where p.status = 'paid' and o.status in ('paid', 'fulfilled', 'delivered') and o.id in ${ours}`);
    expect(Object.fromEntries(kept)).toEqual(
      Object.fromEntries(paidHere.filter((p) => p.kept_cents !== 0).map((p) => [p.gateway_session_id, p.kept_cents])),
    );
    // The run disputed payments and ended each way; every dispute the gateway opened reached its order.
    expect(new Set(ends)).toEqual(new Set(["open", "won", "lost"]));
    const [disputeCounts] = await db.execute<{ n: number; lost: number }>(sql`
      select count(*)::int as n, count(*) filter (where outcome = 'lost')::int as lost from disputes where order_id in ${ours}`);
    expect(disputeCounts).toEqual({ n: ends.length, lost: ends.filter((e) => e === "lost").length });

    // Captured = kept (paid orders' totals less their partial refunds) + refunded, at the gateway and in the
    // store; every order's amounts add up; every payment holds exactly its pending and succeeded refunds.
    let captured = 0;
    let refundedAtGateway = 0;
    for (const session of sessions) {
      const intent = await stripe.paymentIntents.retrieve(String(session.payment_intent), { expand: ["latest_charge"] });
      const charge = intent.latest_charge as { amount_captured: number; amount_refunded: number } | null;
      captured += charge?.amount_captured ?? 0;
      refundedAtGateway += charge?.amount_refunded ?? 0;
    }
    const [money] = await db.execute<{
      paid: number;
      refunds: number;
      captured: number;
      broken: number;
      misheld: number;
      sold_with_shipping: number;
      discounted: number;
      lost: number;
      lost_on_kept: number;
    }>(sql`
      select
        ((select coalesce(sum(o.total_cents), 0)::int from orders o where o.status in ('paid', 'fulfilled', 'delivered') and o.id in ${ours})
          - (select coalesce(sum(r.amount_cents), 0)::int from refunds r join payments p on p.id = r.payment_id join orders o on o.id = p.order_id
             where r.status = 'succeeded' and p.status = 'paid' and o.status in ('paid', 'fulfilled', 'delivered') and o.id in ${ours})) as paid,
        (select coalesce(sum(d.amount_cents), 0)::int from disputes d where d.outcome = 'lost' and d.order_id in ${ours}) as lost,
        (select coalesce(sum(d.amount_cents), 0)::int from disputes d join orders o on o.id = d.order_id
           where d.outcome = 'lost' and o.status in ('paid', 'fulfilled', 'delivered') and o.id in ${ours}) as lost_on_kept,
        (select count(*)::int from payments p where p.order_id in ${ours} and p.refunded_cents <>
           coalesce((select sum(r.amount_cents) from refunds r where r.payment_id = p.id and r.status in ('pending', 'succeeded')), 0)) as misheld,
        (select coalesce(sum(r.amount_cents), 0)::int from refunds r where r.status = 'succeeded' and r.order_id in ${ours}) as refunds,
        (select coalesce(sum(p.amount_cents), 0)::int from payments p where p.status in ('paid', 'refunded') and p.order_id in ${ours}) as captured,
        (select count(*)::int from orders o where o.id in ${ours}
           and o.total_cents <> o.subtotal_cents - o.discount_cents + o.shipping_cents + o.tax_cents) as broken,
        (select count(*)::int from orders o where o.id in ${ours} and o.shipping_cents > 0 and o.shipping_country is not null) as sold_with_shipping,
        (select count(*)::int from orders o where o.id in ${ours} and o.discount_cents > 0 and o.promotion_code is not null) as discounted`);
    expect(money!.broken).toBe(0);
    expect(money!.misheld).toBe(0);
    expect(money!.sold_with_shipping).toBeGreaterThan(3);
    expect(money!.discounted).toBeGreaterThan(0);
    expect(captured).toBe(money!.captured);
    expect(captured).toBe(money!.paid + money!.refunds);
    // Captured = kept + refunded + lost in disputes, and the gateway lost what the store counts lost.
    expect(money!.lost).toBeGreaterThan(0);
    // (paid: the paid orders' totals less their refunds, the lost money still in them.)
    expect(money!.lost_on_kept).toBe(money!.lost);
    const keptByOrders = money!.paid - money!.lost_on_kept;
    expect(captured).toBe(keptByOrders + money!.refunds + money!.lost);
    expect(lostOfOurs).toBe(money!.lost);
    expect(refundedAtGateway).toBe(money!.refunds);
    // And per payment and per line, in the store and at the gateway, every order of the run adds up.
    const everyOrder = await db.execute<{ id: string }>(sql`select distinct order_id as id from order_items where order_id in ${ours}`);
    expect(await moneyProblems(everyOrder.map((o) => o.id))).toEqual([]);
  }, 120_000);

  it("gives back no more than was captured, per payment and per line, through failed refunds, retries, returns and disputes", async () => {
    // Orders of their own (books, draws and orders), each paid and then put through random steps of what the
    // machine allows: partial refunds (copies, shipping, goodwill), whole refunds, shipping, delivery, returns
    // received (some copies restocked) or rejected, disputes opened and won or lost, and the refunds' fates at
    // the gateway (taken, failed at once, pending then failed, failed once then retried by the machine), with
    // operators retrying the failed ones. After each order's steps, and at the end, money and stock add up.
    const random = seededRandom(2525);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const books = await Promise.all([createBook(40, 1300), createBook(40, 700), createBook(30, 2400)]);
    const received = new Map(books.map((bookId, i) => [bookId, [40, 40, 30][i]!]));
    const admin = await createUser("admin");
    const codes = [await createPromotionCode({ amountOff: 100 }), await createPromotionCode({ percentOff: 15 })];
    const stripe = stripeClient();
    const orderIds: string[] = [];
    const logs = new Map<string, string[]>();
    // What was done (accepted) and what the machine refused, by step; and the refunds' fates.
    const done = new Map<string, number>();
    const count = (key: string) => done.set(key, (done.get(key) ?? 0) + 1);
    const refused = refusal("invalid_transition");
    // Refunds owed outside the gateway (a payment charged back in part; an operator's choice) and operators
    // recording them paid draw from their own sequence.
    const outsideRandom = seededRandom(2727);
    let partialAfterChargeback = 0;
    let paidEndings = 0;
    // The last six orders take no random steps: shipped or not, they are charged back in part (below).
    for (let n = 0; n < 30; n++) {
      const userId = await createUser();
      const cart = await createCart(userId);
      const [first, second] = [pick(books), pick(books)];
      await addCartItem(cart, first, 2 + Math.floor(random() * 2));
      if (second !== first && random() < 0.6) await addCartItem(cart, second, 1 + Math.floor(random() * 2));
      const { order } = await checkoutCart({ userId });
      const orderId = order.id;
      orderIds.push(orderId);
      const log: string[] = [];
      logs.set(orderId, log);
      const viewer = { userId, guestOrderId: null, orderId };
      const { checkoutUrl } = await startPayment({ ...viewer, email: "r@example.com" });
      const sessionId = checkoutUrl.split("/pay/")[1]!;
      // Every third order's card is charged back at once (Stripe's 0259): the store hears of it when a step delivers it.
      const chargedBack = n % 3 === 2 && n < 24;
      const method = random() < 0.5 ? "express" : "standard";
      const promotionCode = random() < 0.5 ? pick(codes) : undefined;
      await payAtGatewayWith(sessionId, { method, promotionCode, card: chargedBack ? DISPUTED_CARD : undefined });
      expect((await reconcileSuccessReturn({ userId, sessionId })).outcome).toBe("paid");
      log.push(`paid ${method}${promotionCode ? " with a code" : ""}${chargedBack ? " by 0259" : ""}`);
      const intent = await stripe.paymentIntents.retrieve(String((await stripe.checkout.sessions.retrieve(sessionId)).payment_intent), {
        expand: ["latest_charge"],
      });
      const chargeId = (intent.latest_charge as Stripe.Charge).id;
      let disputeId: string | null = null;
      let disputeKnown = false;
      if (chargedBack) disputeId = (await stripe.disputes.list({ payment_intent: intent.id })).data[0]!.id;

      /** A step that starts a refund: the machine's answer, then the gateway's. */
      const refunding = async (name: string, act: () => Promise<unknown>) => {
        const fate = pick(REFUND_FATES);
        const before = new Set((await getOrder(orderId)).refunds.map((r) => r.id));
        const accepted = await act().then(
          () => true,
          (error: unknown) => refused(error) ?? false,
        );
        if (!accepted) {
          log.push(`${name} (refused in ${(await getOrder(orderId)).status})`);
          count(`${name.split(" ")[0]} refused`);
          return;
        }
        count(name.split(" ")[0]!);
        // Owed outside the gateway (its payment was charged back, or the operator chose it): no job, and the
        // gateway never hears of it. An operator pays it another way: at once, at a later step, or at the end.
        const fresh = (await getOrder(orderId)).refunds.filter((r) => !before.has(r.id));
        if (fresh.length > 0 && fresh.every((r) => r.outside)) {
          count("outside");
          log.push(`${name} [owed outside the gateway: ${fresh.map((r) => r.amountCents).join(", ")}]`);
          await runOrderJobs(orderId, { rounds: 2 });
          if (outsideRandom() < 0.5) for (const r of fresh) await recordOutside(r.id);
          return;
        }
        count(fate);
        await refundsMeet(orderId, fate);
        // What the gateway made of it: each refund this step started (a machine's retry too), amount and end.
        const started = (await getOrder(orderId)).refunds.filter((r) => !before.has(r.id));
        log.push(`${name} [${fate}: ${started.map((r) => `${r.amountCents} ${r.status}`).join(", ") || "no refund"}]`);
      };
      /**
       * An operator records a refund owed outside the gateway as paid (a bank transfer): by the console's action or
       * the event itself. Sometimes they click twice (a duplicate: nothing changes), or try to record a refund the
       * gateway makes (refused).
       */
      const recordOutside = async (refundId: string) => {
        const reference = `transfer TR-${n}-${refundId.slice(0, 8)}`;
        const amount = (await getOrder(orderId)).refunds.find((r) => r.id === refundId)!.amountCents;
        if (outsideRandom() < 0.5) await adminRecordOutsideRefund({ adminId: admin, orderId, refundId, reference });
        else {
          const event = { type: "REFUND_PAID_OUTSIDE", refundId, reference, by: "admin", adminId: admin } as const;
          expect((await dispatch(orderId, event, "admin")).outcome).toBe("accepted");
        }
        const view = await getOrder(orderId);
        expect(view.refunds.find((r) => r.id === refundId)).toMatchObject({
          status: "succeeded",
          outside: true,
          outsideReference: reference,
        });
        log.push(`paid outside ${amount}`);
        count("record");
        if (outsideRandom() < 0.3) {
          const again = { type: "REFUND_PAID_OUTSIDE", refundId, reference: "cash", by: "admin", adminId: admin } as const;
          expect((await dispatch(orderId, again, "admin")).outcome).toBe("duplicate");
          expect(await getOrder(orderId)).toEqual(view);
          count("record again");
        }
        const byGateway = view.refunds.find((r) => !r.outside);
        if (byGateway && outsideRandom() < 0.3) {
          await expect(adminRecordOutsideRefund({ adminId: admin, orderId, refundId: byGateway.id, reference })).rejects.toMatchObject({
            code: "invalid_transition",
          });
          count("record refused");
        }
      };
      /** The operator receives a requested return (restocking some of its copies; its refund) or rejects it. */
      const settleReturn = async (ret: { id: string; lines: { bookId: number; quantity: number }[] }) => {
        if (random() < 0.2) {
          await adminRejectReturn({ adminId: admin, orderId, returnId: ret.id, note: "Read already" });
          log.push("return rejected");
          count("reject");
          return;
        }
        const restock = ret.lines.map((l) => ({ bookId: l.bookId, quantity: Math.floor(random() * (l.quantity + 1)) }));
        await refunding(`receive (restock ${restock.map((l) => `${l.quantity}×${l.bookId}`).join(", ")})`, () =>
          adminReceiveReturn({ adminId: admin, orderId, returnId: ret.id, restock }),
        );
      };
      // Every third order is delivered first (by n, not a draw): returns, and refunds after delivery, in every run.
      if (n % 3 === 0) {
        await adminFulfil({ adminId: admin, orderId });
        await adminDeliver({ adminId: admin, orderId });
        log.push("fulfil → deliver");
      }
      if (n >= 24 && n % 3 !== 0 && n % 2 === 0) {
        await adminFulfil({ adminId: admin, orderId });
        log.push("fulfil");
      }
      const steps = n < 24 ? 4 + Math.floor(random() * 4) : 0;
      for (let step = 0; step < steps; step++) {
        const view = await getOrder(orderId);
        const live = ["paid", "fulfilled", "delivered"].includes(view.status);
        const requested = view.returns.find((r) => r.status === "requested");
        const failed = view.refunds.some((r) => r.status === "failed") && !view.refunds.some((r) => r.status === "pending");
        const choices: string[] = [];
        if (live && view.refundableLines.length > 0) choices.push("lines", "lines");
        if (live && view.refundableShippingCents > 0) choices.push("shipping");
        if (live && view.refundableCents > 0) choices.push("goodwill");
        if (live && view.refundableCents > 0 && random() < 0.5) choices.push("refund");
        if (view.status === "paid") choices.push("fulfil", "fulfil");
        if (view.status === "fulfilled") choices.push("deliver", "deliver");
        if (view.status === "delivered") choices.push("return", "return", "return");
        if (requested) choices.push("receive", "receive", "receive");
        if (failed && view.refundableCents > 0) choices.push("retry", "retry");
        const owed = view.refunds.filter((r) => r.status === "pending" && r.outside);
        if (owed.length > 0) choices.push("record", "record");
        if (!disputeKnown && (chargedBack || view.refundableCents > 0)) choices.push("dispute");
        if (disputeKnown && view.dispute?.standing === "disputed") choices.push("decide", "decide");
        if (choices.length === 0) break;
        const choice = pick(choices);
        if (choice === "lines") {
          const line = pick(view.refundableLines);
          const lines = [{ bookId: line.bookId, quantity: 1 + Math.floor(random() * line.quantity) }];
          // The shopper, before shipping; the operator, any time.
          const byShopper = view.status === "paid" && random() < 0.5;
          await refunding(`lines ${lines[0]!.quantity}×${line.bookId} by ${byShopper ? "shopper" : "operator"}`, () =>
            byShopper ? requestPartialRefund({ ...viewer, lines }) : adminPartialRefund({ adminId: admin, orderId, lines }),
          );
        } else if (choice === "shipping") {
          const shippingCents = random() < 0.6 ? view.refundableShippingCents : Math.ceil(view.refundableShippingCents / 2);
          const amountCents = random() < 0.4 ? Math.min(view.refundableCents, 50 + Math.floor(random() * 300)) : undefined;
          await refunding(`shipping ${shippingCents}${amountCents ? ` + goodwill ${amountCents}` : ""}`, () =>
            adminPartialRefund({ adminId: admin, orderId, shippingCents, amountCents }),
          );
        } else if (choice === "goodwill") {
          const amountCents = Math.min(view.refundableCents, 50 + Math.floor(random() * 400));
          await refunding(`goodwill ${amountCents}`, () => adminPartialRefund({ adminId: admin, orderId, amountCents }));
        } else if (choice === "refund") {
          const byShopper = view.status === "paid" && random() < 0.5;
          await refunding(`refund by ${byShopper ? "shopper" : "operator"}`, () =>
            byShopper ? requestRefund(viewer) : adminRefund({ adminId: admin, orderId }),
          );
        } else if (choice === "retry") {
          // The operator retries a failed refund: all that is left (adminRefund), or, on a paid or shipped
          // order, the failed partial refund asked again for what of it is still refundable.
          const last = view.refunds.filter((r) => r.status === "failed").at(-1)!;
          const again = live && last.partial && random() < 0.5 ? last.partial : null;
          const left = new Map(view.refundableLines.map((l) => [l.bookId, l.quantity]));
          const lines = (again?.lines ?? [])
            .map((l) => ({ bookId: l.bookId, quantity: Math.min(l.quantity, left.get(l.bookId) ?? 0) }))
            .filter((l) => l.quantity > 0);
          const shippingCents = Math.min(again?.shippingCents ?? 0, view.refundableShippingCents);
          if (again && (lines.length > 0 || shippingCents > 0 || again.goodwillCents > 0))
            await refunding(`retry as partial`, () =>
              adminPartialRefund({ adminId: admin, orderId, lines, shippingCents, amountCents: again.goodwillCents || undefined }),
            );
          // Or the rest paid back another way (the card is closed): owed outside the gateway.
          else if (outsideRandom() < 0.35)
            await refunding("retry outside the gateway", () => adminRefund({ adminId: admin, orderId, outside: true }));
          else await refunding("retry by operator", () => adminRefund({ adminId: admin, orderId }));
        } else if (choice === "fulfil" || choice === "deliver") {
          const accepted = await (
            choice === "fulfil" ? adminFulfil({ adminId: admin, orderId }) : adminDeliver({ adminId: admin, orderId })
          ).then(
            () => true,
            (error: unknown) => refused(error) ?? false,
          );
          log.push(`${choice}${accepted ? "" : " (refused)"}`);
          count(accepted ? choice : `${choice} refused`);
        } else if (choice === "return") {
          const lines = view.items
            .filter(() => random() < 0.7)
            .map((i) => ({ bookId: i.bookId, quantity: 1 + Math.floor(random() * i.quantity) }));
          if (lines.length === 0) continue;
          const accepted = await requestReturn({ ...viewer, lines, reason: "Not what I expected" }).then(
            () => true,
            (error: unknown) => refused(error) ?? false,
          );
          log.push(`return ${lines.map((l) => `${l.quantity}×${l.bookId}`).join(", ")}${accepted ? "" : " (refused)"}`);
          count(accepted ? "return" : "return refused");
          // Often the parcel arrives before anything else happens to the order.
          if (accepted && random() < 0.6) await settleReturn((await getOrder(orderId)).returns.at(-1)!);
        } else if (choice === "record") {
          await recordOutside(owed[0]!.id);
        } else if (choice === "receive") {
          await settleReturn(requested!);
        } else if (choice === "dispute") {
          if (!disputeId) {
            // The shopper's bank charges back what is left at the gateway, or some of it.
            const charge = await stripe.charges.retrieve(chargeId);
            const left = charge.amount - charge.amount_refunded;
            if (left <= 0) continue;
            const amount = random() < 0.5 ? left : Math.max(1, Math.floor(left / 2));
            const opened = (await emulatorControl(`/_emulator/charges/${chargeId}/dispute`, { amount })) as { dispute: { id: string } };
            disputeId = opened.dispute.id;
            log.push(`dispute ${amount} of ${left} left`);
          } else log.push("dispute (0259) delivered");
          await deliverDispute(disputeId, "charge.dispute.created");
          disputeKnown = true;
          count("dispute");
        } else if (choice === "decide") {
          // Won and lost in turn (the draw still taken, so the run's other draws stay where they were).
          random();
          const outcome = (done.get("won") ?? 0) <= (done.get("lost") ?? 0) ? "won" : "lost";
          await emulatorControl(`/_emulator/disputes/${disputeId}/close`, { outcome });
          await deliverDispute(disputeId!, "charge.dispute.closed");
          log.push(`dispute ${outcome}`);
          count(outcome);
          // Charged back in part: what is left of the payment can only be paid back outside the gateway.
          if (outcome === "lost" && (await getOrder(orderId)).refundableCents > 0) count("lost in part");
        }
      }
      // Then every order not disputed yet and still paid or shipped is charged back in part (its own draws): a
      // dispute for some of what is left, lost. The gateway refuses every refund of that payment from then on, so
      // each refund that follows is owed outside it: two partial ones in turn (lines, goodwill, a return
      // received), then one of all that is left (a write-off before shipping, or an operator's refund).
      const charged = await getOrder(orderId);
      if (!disputeId && ["paid", "fulfilled", "delivered"].includes(charged.status) && charged.refundableCents > 1) {
        const charge = await stripe.charges.retrieve(chargeId);
        const left = charge.amount - charge.amount_refunded;
        const amount = Math.max(1, Math.floor(left * (0.2 + 0.6 * outsideRandom())));
        const opened = (await emulatorControl(`/_emulator/charges/${chargeId}/dispute`, { amount })) as { dispute: { id: string } };
        disputeId = opened.dispute.id;
        await deliverDispute(disputeId, "charge.dispute.created");
        await emulatorControl(`/_emulator/disputes/${disputeId}/close`, { outcome: "lost" });
        await deliverDispute(disputeId, "charge.dispute.closed");
        log.push(`dispute ${amount} of ${left} left, lost`);
        count("lost in part");
        for (let k = 0; k < 3; k++) {
          const view = await getOrder(orderId);
          if (!["paid", "fulfilled", "delivered"].includes(view.status) || view.refundableCents <= 0) break;
          const partials = [
            view.refundableLines.length > 0 ? "lines" : null,
            "goodwill",
            view.status === "delivered" && view.refundableLines.length > 0 ? "return" : null,
          ].filter((kind) => kind !== null);
          // (before shipping, the write-off and the operator's refund in turn)
          const ending = view.status === "paid" && paidEndings++ % 2 === 0 ? "write-off" : "refund";
          const kind = k < 2 ? partials[partialAfterChargeback++ % partials.length]! : ending;
          const before = new Set(view.refunds.map((r) => r.id));
          let name = kind;
          let act: () => Promise<unknown>;
          if (kind === "write-off") {
            // The operator's write-off of the order's copies (lib/catalog/stock-admin.ts) reaches it as this event.
            act = async () => expect((await dispatch(orderId, { type: "STOCK_UNAVAILABLE" }, "admin")).outcome).toBe("accepted");
          } else if (kind === "refund") act = () => adminRefund({ adminId: admin, orderId });
          else if (kind === "goodwill") {
            const amountCents = Math.min(view.refundableCents, 50 + Math.floor(outsideRandom() * 400));
            name = `goodwill ${amountCents}`;
            act = () => adminPartialRefund({ adminId: admin, orderId, amountCents });
          } else {
            const line = view.refundableLines[Math.floor(outsideRandom() * view.refundableLines.length)]!;
            const lines = [{ bookId: line.bookId, quantity: 1 + Math.floor(outsideRandom() * line.quantity) }];
            const restock = lines.map((l) => ({ bookId: l.bookId, quantity: Math.floor(outsideRandom() * (l.quantity + 1)) }));
            name = `${kind} ${lines[0]!.quantity}×${line.bookId}`;
            act =
              kind === "lines"
                ? () => adminPartialRefund({ adminId: admin, orderId, lines })
                : async () => {
                    // A return the shopper asked for earlier is received first.
                    const ret =
                      view.returns.find((r) => r.status === "requested") ??
                      (await requestReturn({ ...viewer, lines, reason: "Not what I expected" })).returns.at(-1)!;
                    const restocked = ret.lines.map((l) => ({ bookId: l.bookId, quantity: Math.min(l.quantity, restock[0]!.quantity) }));
                    await adminReceiveReturn({ adminId: admin, orderId, returnId: ret.id, restock: restocked });
                  };
          }
          // (lines may be worth more than a chargeback left; a return, more copies than are left to return)
          if (
            !(await act().then(
              () => true,
              (error: unknown) => refused(error) ?? false,
            ))
          ) {
            log.push(`${name} (refused after a chargeback)`);
            count(`${kind} refused after a chargeback`);
            continue;
          }
          await runOrderJobs(orderId, { rounds: 2 });
          const started = (await getOrder(orderId)).refunds.filter((r) => !before.has(r.id));
          // Owed outside the gateway, and still owed: no job sent it (the gateway would have refused it).
          expect(
            started.map((r) => `${r.status}${r.outside ? " outside" : ""}`),
            log.join(" → "),
          ).toEqual(["pending outside"]);
          log.push(`${name} [owed outside the gateway: ${started[0]!.amountCents}]`);
          count("outside");
          count(`outside after a chargeback: ${kind}`);
          if (outsideRandom() < 0.5) await recordOutside(started[0]!.id);
        }
      }
      // The operator pays what is still owed outside the gateway.
      for (const r of (await getOrder(orderId)).refunds.filter((r) => r.status === "pending" && r.outside)) await recordOutside(r.id);
      // Every step's refunds settled: none is left pending, and this order adds up.
      expect(
        (await getOrder(orderId)).refunds.filter((r) => r.status === "pending"),
        log.join(" → "),
      ).toEqual([]);
      expect(await moneyProblems([orderId]), log.join(" → ")).toEqual([]);
    }
    // The run did each kind of step and met each fate.
    const kinds = [
      ...["lines", "shipping", "goodwill", "refund", "retry", "receive", "return", "fulfil", "deliver", "dispute", "won", "lost"],
      // Refunds owed outside the gateway after a dispute lost in part, and operators recording them paid.
      ...["lost in part", "outside", "record", "record again", "record refused"],
      ...["write-off", "refund", "lines", "goodwill", "return"].map((kind) => `outside after a chargeback: ${kind}`),
    ];
    const fates = ["succeeds", "fails", "pendingThenFails", "failsThenRetried"];
    const story = [...logs.values()].map((l) => l.join(" → ")).join("\n");
    expect(Object.fromEntries(done), story).toEqual(
      expect.objectContaining(Object.fromEntries([...kinds, ...fates].map((k) => [k, expect.any(Number)]))),
    );
    const { db } = await getDb();
    const ids = `{${orderIds.join(",")}}`;
    const [refunds] = await db.execute<{ failed: number; returned: number; restocked: number }>(sql`
      select count(*) filter (where status = 'failed')::int as failed,
        count(*) filter (where status = 'succeeded' and reason = 'returned')::int as returned,
        (select count(*)::int from order_returns rt, jsonb_array_elements(rt.restocked) l
           where rt.order_id = any(${ids}::uuid[]) and (l->>'quantity')::int > 0) as restocked
      from refunds where order_id = any(${ids}::uuid[])`);
    expect(refunds!.failed, story).toBeGreaterThan(2);
    expect(refunds!.returned, story).toBeGreaterThan(0);
    expect(refunds!.restocked, "some returned copies went back on the shelf").toBeGreaterThan(0);
    expect(await moneyProblems(orderIds)).toEqual([]);
    expect(await stockProblems(received)).toEqual([]);
  }, 120_000);
});
