import { getAdjacencyMap, getShortestPaths } from "@xstate/graph";
import { initialTransition, transition } from "xstate";
import { refundableCents } from "@/machines/line-amounts";
import { orderMachine } from "@/machines/order-machine";
import { disputeStandingOf, statePath, statusOf, type OrderSnapshot } from "@/machines/order-status";
import type { OrderEvent, Sale, ShippingOption } from "@/machines/order-types";

// A finite model of the order machine for graph traversal: abstract ids
// (pay-1, ref-2) that tests map to real uuids, logical times around a deadline.

export const MODEL_DEADLINE = 1_800_000; // CHECKOUT at 0 with the default 1800 s window
export const BEFORE_DEADLINE = 60_000;
export const AFTER_DEADLINE = MODEL_DEADLINE + 60_000;
export const MODEL_TOTAL = 2 * 1299;
export const MAX_REFUND_ATTEMPTS = 3;
/** The model's dispute takes part of the payment, so a refund of the rest remains possible after it is lost. */
export const MODEL_DISPUTED = 1000;
const DAY = 86_400_000;

export const MODEL_SHIPPING: ShippingOption[] = [
  { method: "standard", amountCents: 499, minDays: 3, maxDays: 5 },
  { method: "express", amountCents: 1499, minDays: 1, maxDays: 2 },
];

/** What the gateway settles for the model's order: express, a code, tax on the discounted books and on shipping. */
export const MODEL_SALE: Sale = {
  currency: "usd",
  subtotalCents: MODEL_TOTAL,
  discountCents: 260,
  shippingCents: 1499,
  taxCents: 154,
  totalCents: MODEL_TOTAL - 260 + 1499 + 154,
  shippingMethod: "express",
  address: { name: "Ada Reader", line1: "1 Main St", line2: null, city: "Albany", postalCode: "12207", region: "NY", country: "US" },
  email: "ada@example.com",
  promotionCode: "TENOFF",
  lines: [{ discountCents: 260, taxCents: 94 }],
};

/** The model's book (its events name it; tests map it to a book of their own). */
export const MODEL_BOOK = 1;

export const checkoutEvent = (bookId: number): OrderEvent => ({
  type: "CHECKOUT",
  orderId: "order",
  items: [{ bookId, quantity: 2, unitPriceCents: 1299 }],
  totalCents: MODEL_TOTAL,
  currency: "usd",
  paymentDeadline: MODEL_DEADLINE,
  shippingOptions: MODEL_SHIPPING,
  at: 0,
});

const usable = (status: string) => status !== "paid" && status !== "refunded";

/** Events worth trying in a state, including ones the machine must refuse. */
export function modelEvents(snapshot: OrderSnapshot, options: { includeRefused?: boolean } = {}): OrderEvent[] {
  const c = snapshot.context;
  if (statusOf(snapshot) === "new") return [checkoutEvent(MODEL_BOOK)];
  const nextRefund = `ref-${c.refunds.length + 1}`;
  const paidAt = c.paidAt ?? BEFORE_DEADLINE;
  // Pause and resume, and the "ship by hand" queue: walked on plain orders only (each multiplies the graph).
  const handFulfil: OrderEvent = {
    type: "FULFIL",
    trackingNumber: "PL-TEST-1",
    estimatedDelivery: "2030-01-04",
    by: "admin",
    at: paidAt + 2000,
  };
  if (c.paused) {
    // Automation's events are refused (the timeout past its deadline, the warehouse job); an operator may ship
    // by hand; money that arrives is applied; RESUME replays what is due.
    const paused: OrderEvent[] = [
      { type: "RESUME", by: "admin", at: AFTER_DEADLINE },
      { type: "TIMEOUT", at: AFTER_DEADLINE },
      { type: "FULFIL", trackingNumber: "PL-TEST-1", estimatedDelivery: "2030-01-04", at: paidAt + 2000 },
      handFulfil,
      // The probe's news waits while paused (RESUME queues the probe again).
      { type: "GATEWAY_BACK", at: BEFORE_DEADLINE + 300 },
    ];
    for (const p of c.payments.filter((p) => usable(p.status))) {
      paused.push({
        type: "PAYMENT_SUCCEEDED",
        paymentId: p.id,
        amountCents: MODEL_SALE.totalCents,
        currency: c.currency,
        refundId: nextRefund,
        sale: MODEL_SALE,
        at: BEFORE_DEADLINE + 1000,
      });
    }
    if (options.includeRefused) paused.push({ type: "PAUSE", by: "admin", reason: "again", at: AFTER_DEADLINE });
    return paused;
  }
  // In the "ship by hand" queue: an operator ships it (paused or not); a second give-up is a duplicate.
  if (c.shipByHand) {
    return [
      handFulfil,
      { type: "PAUSE", by: "system", reason: "5 job runs failed in a row", at: paidAt + 3000 },
      { type: "FULFILMENT_FAILED", reason: "again", at: paidAt + 3000 },
    ];
  }
  const events: OrderEvent[] = [];
  const plainForPause =
    c.refunds.length === 0 && c.disputes.length === 0 && c.tracking.length === 0 && c.returns.length === 0 && c.payments.length <= 1;
  if (plainForPause) events.push({ type: "PAUSE", by: "admin", reason: "customer called", at: BEFORE_DEADLINE + 500 });
  if (plainForPause && c.paidPaymentId) events.push({ type: "FULFILMENT_FAILED", reason: "carrier down", at: paidAt + 3000 });
  if (c.payments.length < 2) events.push({ type: "START_PAYMENT", paymentId: `pay-${c.payments.length + 1}`, at: BEFORE_DEADLINE });
  // The gateway down when paying starts, and back (the probe job): before a second attempt, to keep the graph small.
  if (statusOf(snapshot) === "created" && c.payments.length < 2) {
    events.push({ type: "PAYMENT_DELAYED", reason: "circuit_open", at: BEFORE_DEADLINE + 200 });
    events.push({ type: "GATEWAY_BACK", at: BEFORE_DEADLINE + 300 });
  }
  for (const p of c.payments) {
    if (usable(p.status)) {
      events.push({
        type: "PAYMENT_SUCCEEDED",
        paymentId: p.id,
        amountCents: MODEL_SALE.totalCents,
        currency: c.currency,
        refundId: nextRefund,
        sale: MODEL_SALE,
        at: BEFORE_DEADLINE + 1000,
      });
    }
    if (p.status === "pending")
      events.push({ type: "PAYMENT_FAILED", paymentId: p.id, reason: "card_declined", at: BEFORE_DEADLINE + 1000 });
    if (p.status === "pending" || p.status === "failed")
      events.push({ type: "PAYMENT_CANCELLED", paymentId: p.id, at: BEFORE_DEADLINE + 1000 });
  }
  const last = c.payments.at(-1);
  if (last && usable(last.status) && !last.flagged) {
    // Tampered: the payment took more than the session's total the store agreed to.
    events.push({
      type: "PAYMENT_SUCCEEDED",
      paymentId: last.id,
      amountCents: MODEL_SALE.totalCents + 1,
      currency: c.currency,
      refundId: nextRefund,
      sale: MODEL_SALE,
      at: BEFORE_DEADLINE + 1000,
    });
  }
  events.push({ type: "CANCEL", at: BEFORE_DEADLINE + 2000 });
  events.push({ type: "TIMEOUT", at: AFTER_DEADLINE });
  // Bounded so the graph is finite: an operator could retry failed refunds forever.
  if (c.refunds.length < 4) {
    events.push({ type: "STOCK_UNAVAILABLE", refundId: nextRefund, at: paidAt + 1000 });
    events.push({ type: "REQUEST_REFUND", refundId: nextRefund, by: "user", windowDays: 14, at: paidAt + DAY });
    events.push({ type: "REQUEST_REFUND", refundId: nextRefund, by: "admin", windowDays: 14, at: paidAt + 2 * DAY });
  }
  // One partial refund per path (each multiplies the refund histories the graph walks): an operator's copy,
  // back on the shelf before shipping. Shoppers' and goodwill refunds: machines/order-machine.test.ts.
  // (Not on a path that already went through the carrier or a return: each of those dimensions multiplies the graph.)
  const beyondShipping = c.tracking.length > 0 || c.returns.length > 0;
  // The refund, dispute and delivery dimensions are walked on orders paid at the first attempt only.
  const onePayment = c.payments.length === 1;
  if (c.refunds.length === 0 && c.items[0] && !beyondShipping && onePayment) {
    const lines = [{ bookId: c.items[0].bookId, quantity: 1 }];
    events.push({ type: "REQUEST_PARTIAL_REFUND", refundId: nextRefund, by: "admin", lines, windowDays: 14, at: paidAt + DAY });
  }
  // After it landed, goodwill for all that is left: the partial refunds give back everything.
  const [only] = c.refunds;
  if (c.refunds.length === 1 && only?.partial && only.status === "succeeded") {
    const amountCents = refundableCents(c, c.paidPaymentId);
    events.push({ type: "REQUEST_PARTIAL_REFUND", refundId: nextRefund, by: "admin", amountCents, windowDays: 14, at: paidAt + 2 * DAY });
  }
  events.push({ type: "FULFIL", trackingNumber: "PL-TEST-1", estimatedDelivery: "2030-01-04", at: paidAt + 2000 });
  // After shipping: the carrier's reports (bounded), delivery by the carrier or an operator, then returns;
  // on paths without partial refunds or disputes (those combinations: lib/orders/returns.test.ts and
  // machines/delivery-returns.test.ts), so the graph stays small enough to walk through the database.
  const plain = c.disputes.length === 0 && (c.deliveredAt !== null || c.refunds.length === 0) && onePayment;
  const seq = c.tracking.length + 1;
  if (plain && c.tracking.length < 1) {
    events.push({
      type: "TRACKING_UPDATED",
      trackingNumber: "PL-TEST-1",
      status: "in_transit",
      sequence: seq,
      eventId: `cevt-${seq}`,
      occurredAt: "2030-01-02T10:00:00.000Z",
      at: paidAt + 3000,
    });
  }
  if (plain)
    events.push({
      type: "DELIVER",
      by: "carrier",
      trackingNumber: "PL-TEST-1",
      sequence: seq,
      eventId: `cevt-${seq}`,
      occurredAt: "2030-01-03T10:00:00.000Z",
      at: paidAt + 4000,
    });
  if (plain) events.push({ type: "DELIVER", by: "admin", at: paidAt + 4000 });
  const deliveredAt = c.deliveredAt ?? paidAt;
  const dispute = c.disputes[0];
  // A dispute lost for part of the payment after delivery: the shopper still sends lines back, and their
  // refund is owed outside the gateway (it refuses every refund of a charged-back payment).
  const chargedBackPart =
    dispute?.outcome === "lost" && dispute.amountCents < (c.payments.find((p) => p.id === c.paidPaymentId)?.amountCents ?? 0);
  if ((plain || (chargedBackPart && c.refunds.length === 0 && c.deliveredAt !== null)) && c.returns.length < 1) {
    events.push({
      type: "REQUEST_RETURN",
      returnId: `ret-${c.returns.length + 1}`,
      lines: [{ bookId: c.items[0]?.bookId ?? MODEL_BOOK, quantity: 1 }],
      reason: "Damaged cover",
      windowDays: 30,
      expiryDays: 21,
      at: deliveredAt + DAY,
    });
  }
  for (const r of c.returns.filter((r) => r.status === "requested")) {
    events.push({ type: "RECEIVE_RETURN", returnId: r.id, restock: r.lines, refundId: nextRefund, at: deliveredAt + 2 * DAY });
    events.push({
      type: "RECEIVE_RETURN",
      returnId: r.id,
      restock: r.lines.map((l) => ({ ...l, quantity: 0 })),
      refundId: nextRefund,
      at: deliveredAt + 2 * DAY,
    });
    events.push({ type: "REJECT_RETURN", returnId: r.id, note: "Not our book", at: deliveredAt + 2 * DAY });
    events.push({ type: "RETURN_EXPIRED", returnId: r.id, at: r.expiresAt });
  }
  const paidOutside = (refundId: string, at: number): OrderEvent => ({
    type: "REFUND_PAID_OUTSIDE",
    refundId,
    reference: "bank transfer TR-1",
    by: "admin",
    adminId: "00000000-0000-4000-8000-00000000a0a0",
    at,
  });
  const refundFailed = (refundId: string, reason: string, at: number): OrderEvent => ({
    type: "REFUND_FAILED",
    refundId,
    reason,
    retryRefundId: `ref-${c.refunds.length + 1}`,
    maxAttempts: MAX_REFUND_ATTEMPTS,
    at,
  });
  // The gateway's news of every pending refund (refused for one owed outside the gateway: it never had it),
  // and an operator recording one owed outside the gateway as paid (a bank transfer).
  for (const r of c.refunds.filter((r) => r.status === "pending")) {
    events.push({ type: "REFUND_SUCCEEDED", refundId: r.id, at: paidAt + 3 * DAY });
    events.push(refundFailed(r.id, "insufficient_funds", paidAt + 3 * DAY));
    if (r.outside) events.push(paidOutside(r.id, paidAt + 3 * DAY));
  }
  // A refund the gateway confirmed, reported failed afterwards (the card was closed): the last one only,
  // so the graph stays finite. (Not one paid outside the gateway: the gateway never made it.)
  const lastRefund = c.refunds.at(-1);
  if (lastRefund?.status === "succeeded" && !lastRefund.outside)
    events.push(refundFailed(lastRefund.id, "expired_or_canceled_card", paidAt + 4 * DAY));
  // After the gateway failed for good, an operator pays the rest back another way (REQUEST_REFUND with
  // outside: a closed card the gateway cannot pay back).
  const failedForGood = c.refunds.some((r) => r.status === "failed") && !c.refunds.some((r) => r.status === "pending");
  if (statusOf(snapshot) === "refund_pending" && failedForGood && c.refunds.length < 4) {
    events.push({ type: "REQUEST_REFUND", refundId: nextRefund, by: "admin", outside: true, windowDays: 14, at: paidAt + 5 * DAY });
  }
  // One dispute on the paid payment (the gateway allows one per charge), before any refund: opened,
  // reviewed, won or lost, and decided before the order heard it was opened (out of order). Lost for part
  // of the payment, the refunds that follow are owed outside the gateway (see above and the refund steps).
  if (c.paidPaymentId && c.refunds.length === 0 && !beyondShipping && onePayment && (!dispute || dispute.outcome === "open")) {
    const news = (type: "DISPUTE_OPENED" | "DISPUTE_UPDATED" | "DISPUTE_CLOSED", status: string): OrderEvent => ({
      type,
      paymentId: c.paidPaymentId!,
      disputeId: "dp-1",
      amountCents: MODEL_DISPUTED,
      reason: "fraudulent",
      status,
      evidenceDueBy: paidAt + 7 * DAY,
      at: paidAt + 4000,
    });
    if (!dispute) events.push(news("DISPUTE_OPENED", "needs_response"));
    if (dispute?.status === "needs_response") events.push(news("DISPUTE_UPDATED", "under_review"));
    events.push(news("DISPUTE_CLOSED", "won"), news("DISPUTE_CLOSED", "lost"));
    // Lost for all of the payment: nothing left to refund or ship (an operator's write-off closes it).
    const captured = c.payments.find((p) => p.id === c.paidPaymentId)?.amountCents ?? 0;
    events.push({ ...news("DISPUTE_CLOSED", "lost"), amountCents: captured } as OrderEvent);
  }
  if (options.includeRefused) {
    events.push({ type: "TIMEOUT", at: BEFORE_DEADLINE }); // too early
    events.push({ type: "START_PAYMENT", paymentId: "pay-late", at: AFTER_DEADLINE }); // window closed
    events.push({ type: "PAYMENT_DELAYED", reason: "circuit_open", at: AFTER_DEADLINE }); // window closed
    events.push({ type: "GATEWAY_BACK", at: AFTER_DEADLINE }); // window closed: the timer cancels it
    events.push({ type: "REQUEST_REFUND", refundId: nextRefund, by: "user", windowDays: 14, at: paidAt + 30 * DAY }); // outside policy
    // More than was captured; a shopper asking for shipping back.
    events.push({
      type: "REQUEST_PARTIAL_REFUND",
      refundId: nextRefund,
      by: "admin",
      amountCents: MODEL_SALE.totalCents + 1,
      windowDays: 14,
      at: paidAt + DAY,
    });
    events.push({ type: "REQUEST_PARTIAL_REFUND", refundId: nextRefund, by: "user", shippingCents: 100, windowDays: 14, at: paidAt + DAY });
    events.push({
      type: "PAYMENT_SUCCEEDED",
      paymentId: "pay-unknown",
      amountCents: MODEL_SALE.totalCents,
      currency: "usd",
      refundId: nextRefund,
      sale: MODEL_SALE,
      at: BEFORE_DEADLINE,
    });
    events.push({ type: "REFUND_SUCCEEDED", refundId: "ref-unknown", at: BEFORE_DEADLINE });
    // Recorded as paid outside the gateway: a refund the gateway makes (pending or done), one recorded
    // already (a repeat: duplicate), one the order does not have.
    for (const r of c.refunds.filter((r) => !r.outside || r.status !== "pending")) events.push(paidOutside(r.id, paidAt + 5 * DAY));
    events.push(paidOutside("ref-unknown", paidAt + 5 * DAY));
    events.push(checkoutEvent(MODEL_BOOK));
    // Outside the return window.
    events.push({
      type: "REQUEST_RETURN",
      returnId: "ret-late",
      lines: [{ bookId: c.items[0]?.bookId ?? MODEL_BOOK, quantity: 1 }],
      reason: "Too late",
      windowDays: 30,
      expiryDays: 21,
      at: deliveredAt + 31 * DAY,
    });
    // Decisions on a return the order does not have.
    events.push({ type: "RECEIVE_RETURN", returnId: "ret-unknown", restock: [], refundId: nextRefund, at: deliveredAt + DAY });
    events.push({ type: "REJECT_RETURN", returnId: "ret-unknown", note: "No such return", at: deliveredAt + DAY });
    events.push({ type: "RETURN_EXPIRED", returnId: "ret-unknown", at: deliveredAt + 60 * DAY });
  }
  return events;
}

/**
 * Money for a gateway session the store never recorded, in any state: kept
 * off the traversal (it can come at any step, which would multiply the graph);
 * the model test tries it in every leaf state instead. The second event names
 * a payment the order has: a repeat, refused.
 */
export function unrecordedPaymentEvents(snapshot: OrderSnapshot): OrderEvent[] {
  const c = snapshot.context;
  const refundId = `ref-${c.refunds.length + 1}`;
  const event = (paymentId: string, sessionId: string): OrderEvent => ({
    type: "UNRECORDED_PAYMENT",
    paymentId,
    sessionId,
    amountCents: c.totalCents,
    currency: c.currency,
    refundId,
    paymentIntentId: `pi-${sessionId}`,
    at: BEFORE_DEADLINE + 1500,
  });
  const events = c.payments.some((p) => p.id === "pay-unrecorded") ? [] : [event("pay-unrecorded", "cs-unrecorded")];
  if (c.payments[0]) events.push(event(c.payments[0].id, "cs-recorded"));
  return events;
}

/** Abstract state: what matters for money and stock, not ids or times. */
export function serializeModelState(snapshot: OrderSnapshot): string {
  const c = snapshot.context;
  return JSON.stringify({
    value: snapshot.value,
    payments: c.payments.map((p) => `${p.status}${p.flagged ? "!" : ""}`),
    // (one owed outside the gateway takes other events: an operator's, not the gateway's)
    refunds: c.refunds.map((r) => `${r.status}${r.outside ? " outside" : ""}`),
    failures: c.refundFailures,
    stock: c.stock,
    restocked: c.restocked.reduce((sum, l) => sum + l.quantity, 0),
    paid: c.paidPaymentId !== null,
    tracking: c.tracking.length,
    delivered: c.deliveredAt !== null,
    returns: c.returns.map((r) => `${r.status}${r.restocked.length}`),
    disputes: c.disputes.map((d) => `${d.outcome} ${d.status} ${d.amountCents}`),
    paused: c.paused !== null,
    shipByHand: c.shipByHand !== null,
  });
}

const traversal = {
  events: (snapshot: OrderSnapshot) => modelEvents(snapshot),
  serializeState: (snapshot: OrderSnapshot) => serializeModelState(snapshot),
  serializeEvent: (event: OrderEvent) => JSON.stringify(event),
};

export type ModelStep = { from: OrderSnapshot; event: OrderEvent; path: OrderEvent[]; key: string };

function actionSignature(from: OrderSnapshot, event: OrderEvent): string {
  const [, actions] = transition(orderMachine, from, event);
  return [...new Set(actions.map((a) => a.type))].sort().join(",");
}

/**
 * Every distinct transition of the machine (source state, event, target state
 * and the set of effects it emits), each with a shortest event path from the
 * start to its source. Covers every arrow and every guarded branch.
 */
export function distinctTransitions(): ModelStep[] {
  const shortest = new Map<string, OrderEvent[]>();
  for (const path of getShortestPaths(orderMachine, traversal)) {
    shortest.set(
      serializeModelState(path.state),
      path.steps.map((s) => s.event).filter((e) => (e.type as string) !== "xstate.init"),
    );
  }
  const best = new Map<string, ModelStep>();
  for (const vertex of Object.values(getAdjacencyMap(orderMachine, traversal))) {
    const path = shortest.get(serializeModelState(vertex.state));
    if (!path) continue;
    for (const { event, state: to } of Object.values(vertex.transitions) as { event: OrderEvent; state: OrderSnapshot }[]) {
      if (!vertex.state.can(event)) continue;
      const key = `${statePath(vertex.state)} --${event.type}--> ${statePath(to)} [${actionSignature(vertex.state, event)}]`;
      const current = best.get(key);
      if (!current || current.path.length > path.length) best.set(key, { from: vertex.state, event, path, key });
    }
  }
  return [...best.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** One shortest path to each distinct leaf state and context shape that matters. */
export function pathsToEveryLeafState(): { state: OrderSnapshot; events: OrderEvent[] }[] {
  const best = new Map<string, { state: OrderSnapshot; events: OrderEvent[] }>();
  for (const path of getShortestPaths(orderMachine, traversal)) {
    const c = path.state.context;
    const outside = c.refunds.some((r) => r.outside && r.status === "pending")
      ? "owed"
      : c.refunds.some((r) => r.outside)
        ? "paid"
        : "none";
    const key = `${statePath(path.state)}|${c.stock}|${c.refunds.some((r) => r.status === "pending")}|${outside}|${c.payments.some((p) => p.status === "pending")}|${disputeStandingOf(c)}|${c.paused !== null}|${c.shipByHand !== null}`;
    const events = path.steps.map((s) => s.event).filter((e) => (e.type as string) !== "xstate.init");
    const current = best.get(key);
    if (!current || current.events.length > events.length) best.set(key, { state: path.state, events });
  }
  return [...best.values()];
}

/** Runs events through the pure machine from the start. */
export function runPure(events: OrderEvent[]): OrderSnapshot {
  let [snapshot] = initialTransition(orderMachine);
  for (const event of events) [snapshot] = transition(orderMachine, snapshot, event);
  return snapshot;
}

/** The events that place a model order and pay it in full (payment p1, MODEL_SALE's total). */
export function paidModelEvents(refundId = "r1"): OrderEvent[] {
  return [
    checkoutEvent(1),
    { type: "START_PAYMENT", paymentId: "p1", at: 500 },
    {
      type: "PAYMENT_SUCCEEDED",
      paymentId: "p1",
      amountCents: MODEL_SALE.totalCents,
      currency: "usd",
      refundId,
      sale: MODEL_SALE,
      at: 1000,
    },
  ];
}

/** A model order paid in full, not shipped: the pure machine's snapshot. */
export function paidModelOrder(): OrderSnapshot {
  return runPure(paidModelEvents());
}
