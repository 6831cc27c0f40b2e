import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { paidModelEvents, runPure } from "@/test/order-model";
import { MACHINE_VERSION, orderMachine } from "./order-machine";
import { loadSnapshot, upgradeDeliveryV2, snapshotUpgrades, toStored, type StoredSnapshot } from "./order-snapshot";
import { allowedUserActions, isDuplicateEvent, statePath, statusOf } from "./order-status";
import type { OrderContext, OrderEvent } from "./order-types";

const DAY = 86_400_000;
const T = 10_000_000;
const paid: OrderEvent[] = paidModelEvents("rx");
const fulfil: OrderEvent = { type: "FULFIL", trackingNumber: "PL1", estimatedDelivery: "2030-01-04", at: 2000 };
const track = (
  sequence: number,
  status: "in_transit" | "out_for_delivery" | "exception" = "in_transit",
  id = `c${sequence}`,
): OrderEvent => ({
  type: "TRACKING_UPDATED",
  trackingNumber: "PL1",
  status,
  sequence,
  eventId: id,
  occurredAt: "2030-01-02T00:00:00.000Z",
  at: T,
});
const delivered = (sequence = 3, trackingNumber = "PL1"): OrderEvent => ({
  type: "DELIVER",
  by: "carrier",
  trackingNumber,
  sequence,
  eventId: `c${sequence}`,
  occurredAt: "2030-01-03T00:00:00.000Z",
  at: T,
});
const ask = (at = T + DAY, quantity = 1, returnId = "ret1"): OrderEvent => ({
  type: "REQUEST_RETURN",
  returnId,
  lines: [{ bookId: 1, quantity }],
  reason: "Arrived damaged",
  windowDays: 30,
  expiryDays: 21,
  at,
});
const deliveredOrder = () => runPure([...paid, fulfil, track(1), delivered()]);
// MODEL_SALE: 2 × 1299, line discount 260, tax 94 → 2432, units 1216 + 1216.
const UNIT = 1216;

describe("delivery", () => {
  it("tracking reports are recorded in order; delivery by the carrier ends in delivered with an e-mail", () => {
    const shipped = runPure([...paid, fulfil]);
    const [inTransit, actions] = transition(orderMachine, shipped, track(1));
    expect(actions.map((a) => a.type)).toEqual(["recordEvent"]);
    expect(statusOf(inTransit)).toBe("fulfilled");
    const out = runPure([...paid, fulfil, track(1), track(2, "out_for_delivery")]);
    expect(out.context.tracking.map((t) => [t.sequence, t.status])).toEqual([
      [1, "in_transit"],
      [2, "out_for_delivery"],
    ]);
    const [done, effects] = transition(orderMachine, out, delivered());
    expect(statePath(done)).toBe("settled.delivered");
    expect(effects.map((a) => a.type)).toEqual(["recordDelivery", "recordEvent", "sendEmail"]);
    expect(effects[2]!.params).toEqual({ template: "order_delivered" });
    expect(done.context.deliveredAt).toBe(T);
    expect(done.context.tracking.at(-1)).toMatchObject({ status: "delivered", sequence: 3 });
  });

  it("duplicates and late retries change nothing and count as duplicates; another shipment's reports are refused", () => {
    const s = runPure([...paid, fulfil, track(2, "out_for_delivery")]);
    expect(s.can(track(2, "out_for_delivery"))).toBe(false);
    expect(isDuplicateEvent(s, track(2, "out_for_delivery"))).toBe(true);
    // Out of order: sequence 1 arrives after 2.
    expect(s.can(track(1))).toBe(false);
    expect(isDuplicateEvent(s, track(1))).toBe(true);
    const other = { ...track(3), trackingNumber: "PL9" } as OrderEvent;
    expect(s.can(other)).toBe(false);
    expect(isDuplicateEvent(s, other)).toBe(false);
    expect(s.can(delivered(3, "PL9"))).toBe(false);
    // Delivered jumps over a missing report; then every later report is a duplicate.
    const d = runPure([...paid, fulfil, delivered(3)]);
    expect(statusOf(d)).toBe("delivered");
    expect(d.can(track(2, "out_for_delivery"))).toBe(false);
    expect(isDuplicateEvent(d, track(2, "out_for_delivery"))).toBe(true);
    expect(d.can(delivered(3))).toBe(false);
    expect(isDuplicateEvent(d, delivered(3))).toBe(true);
  });

  it("an operator marks a shipped order delivered; not a paid one", () => {
    const byAdmin: OrderEvent = { type: "DELIVER", by: "admin", at: T };
    expect(runPure([...paid]).can(byAdmin)).toBe(false);
    expect(statusOf(runPure([...paid, fulfil, byAdmin]))).toBe("delivered");
    expect(runPure([...paid, fulfil]).can(delivered())).toBe(true);
    expect(runPure([...paid]).can(delivered())).toBe(false);
  });
});

describe("returns", () => {
  it("inside the window a shopper asks to return lines: recorded, an expiry timer, an e-mail; outside it, refused", () => {
    const d = deliveredOrder();
    expect(allowedUserActions(d, T + DAY, 14, 30)).toEqual(["return"]);
    expect(allowedUserActions(d, T + 31 * DAY, 14, 30)).toEqual([]);
    const [asked, actions] = transition(orderMachine, d, ask());
    expect(actions.map((a) => a.type)).toEqual(["createReturn", "scheduleReturnExpiry", "recordEvent", "sendEmail"]);
    expect(actions[1]!.params).toEqual({ returnId: "ret1", runAt: T + DAY + 21 * DAY });
    expect(asked.context.returns[0]).toMatchObject({ status: "requested", lines: [{ bookId: 1, quantity: 1 }] });
    expect(d.can(ask(T + 30 * DAY))).toBe(true);
    expect(d.can(ask(T + 30 * DAY + 1))).toBe(false);
    expect(d.can({ ...ask(), reason: "  " } as OrderEvent)).toBe(false);
    expect(d.can(ask(T + DAY, 3))).toBe(false);
    expect(d.can({ ...ask(), lines: [{ bookId: 42, quantity: 1 }] } as OrderEvent)).toBe(false);
    // The same copy cannot be asked for twice; the other one can.
    expect(asked.can(ask(T + DAY, 2, "ret2"))).toBe(false);
    expect(asked.can(ask(T + DAY, 1, "ret2"))).toBe(true);
    expect(isDuplicateEvent(asked, ask())).toBe(true);
    // Not before delivery.
    expect(runPure([...paid, fulfil]).can(ask(T))).toBe(false);
  });

  it("received with restock: stock back, the paid amount refunded under its own id, e-mails at each step", () => {
    const asked = runPure([...paid, fulfil, delivered(), ask()]);
    const receive: OrderEvent = {
      type: "RECEIVE_RETURN",
      returnId: "ret1",
      restock: [{ bookId: 1, quantity: 1 }],
      refundId: "rf1",
      at: T + 3 * DAY,
    };
    const [received, actions] = transition(orderMachine, asked, receive);
    expect(actions.map((a) => a.type)).toEqual([
      "setReturnStatus",
      "returnStock",
      "cancelReturnExpiry",
      "recordEvent",
      "sendEmail",
      "createRefund",
      "refundPayment",
      "recordEvent",
    ]);
    expect(actions[1]!.params).toEqual({ items: [{ bookId: 1, quantity: 1 }] });
    expect(actions[5]!.params).toEqual({ refundId: "rf1", paymentId: "p1", amountCents: UNIT, currency: "usd", reason: "returned" });
    expect(received.context.returns[0]).toMatchObject({ status: "received", refundCents: UNIT, refundId: "rf1" });
    expect(isDuplicateEvent(received, receive)).toBe(true);
    // The refund lands: the payment keeps the rest (still paid), the shopper is told.
    const [settled, done] = transition(orderMachine, received, { type: "REFUND_SUCCEEDED", refundId: "rf1", at: T + 4 * DAY });
    expect(done.map((a) => a.type)).toEqual(["setRefundStatus", "recordEvent", "sendEmail"]);
    expect(done[2]!.params).toEqual({ template: "return_refunded", data: { amountCents: UNIT } });
    expect(settled.context.payments[0]!.status).toBe("paid");
    expect(statusOf(settled)).toBe("delivered");
    // The second copy: the last unit, and then all the line's money went back.
    const again = runPure([
      ...paid,
      fulfil,
      delivered(),
      ask(),
      receive,
      { type: "REFUND_SUCCEEDED", refundId: "rf1", at: T + 4 * DAY },
      ask(T + 5 * DAY, 1, "ret2"),
    ]);
    const [second, more] = transition(orderMachine, again, {
      type: "RECEIVE_RETURN",
      returnId: "ret2",
      restock: [],
      refundId: "rf2",
      at: T + 6 * DAY,
    });
    expect(more.find((a) => a.type === "createRefund")!.params).toMatchObject({ amountCents: 2432 - UNIT });
    expect(more.find((a) => a.type === "returnStock")!.params).toEqual({ items: [] });
    const [, last] = transition(orderMachine, second, { type: "REFUND_SUCCEEDED", refundId: "rf2", at: T + 7 * DAY });
    // Books refunded, shipping and its tax kept: the payment is not wholly refunded.
    expect(last.map((a) => a.type)).not.toContain("setPaymentStatus");
  });

  it("received without restock: no stock moves, still refunded; restock of lines not on the return is refused", () => {
    const asked = runPure([...paid, fulfil, delivered(), ask()]);
    const none: OrderEvent = { type: "RECEIVE_RETURN", returnId: "ret1", restock: [], refundId: "rf1", at: T + 3 * DAY };
    const [, actions] = transition(orderMachine, asked, none);
    expect(actions.find((a) => a.type === "returnStock")!.params).toEqual({ items: [] });
    expect(actions.find((a) => a.type === "createRefund")!.params).toMatchObject({ amountCents: UNIT });
    expect(asked.can({ ...none, restock: [{ bookId: 1, quantity: 2 }] } as OrderEvent)).toBe(false);
    expect(asked.can({ ...none, restock: [{ bookId: 7, quantity: 1 }] } as OrderEvent)).toBe(false);
    // The same line twice would restock more than came back.
    const twice = {
      ...none,
      restock: [
        { bookId: 1, quantity: 1 },
        { bookId: 1, quantity: 1 },
      ],
    } as OrderEvent;
    expect(asked.can(twice)).toBe(false);
    expect(asked.can({ ...none, returnId: "nope" } as OrderEvent)).toBe(false);
  });

  it("rejected or expired: an e-mail, nothing refunded; expiry only at its time; the copies can be asked for again", () => {
    const asked = runPure([...paid, fulfil, delivered(), ask()]);
    const [rejected, actions] = transition(orderMachine, asked, {
      type: "REJECT_RETURN",
      returnId: "ret1",
      note: "Not from us",
      at: T + 2 * DAY,
    });
    expect(actions.map((a) => a.type)).toEqual(["setReturnStatus", "cancelReturnExpiry", "recordEvent", "sendEmail"]);
    expect(rejected.context.returns[0]!.status).toBe("rejected");
    expect(rejected.can(ask(T + 3 * DAY, 2, "ret2"))).toBe(true);
    const expiresAt = asked.context.returns[0]!.expiresAt;
    expect(asked.can({ type: "RETURN_EXPIRED", returnId: "ret1", at: expiresAt - 1 })).toBe(false);
    const [expired, effects] = transition(orderMachine, asked, { type: "RETURN_EXPIRED", returnId: "ret1", at: expiresAt });
    expect(effects.map((a) => a.type)).toEqual(["setReturnStatus", "recordEvent", "sendEmail"]);
    expect(expired.context.returns[0]!.status).toBe("expired");
    expect(expired.can({ type: "RECEIVE_RETURN", returnId: "ret1", restock: [], refundId: "rf", at: expiresAt + 1 })).toBe(false);
    expect(rejected.can({ type: "RETURN_EXPIRED", returnId: "ret1", at: expiresAt })).toBe(false);
  });

  it("an operator's whole refund after delivery gives back what is left once a return gave money back", () => {
    const admin: OrderEvent = { type: "REQUEST_REFUND", refundId: "rr", by: "admin", windowDays: 14, at: T + 4 * DAY };
    expect(deliveredOrder().can(admin)).toBe(true);
    const returned = runPure([
      ...paid,
      fulfil,
      delivered(),
      ask(),
      { type: "RECEIVE_RETURN", returnId: "ret1", restock: [], refundId: "rf1", at: T + 3 * DAY },
    ]);
    expect(returned.can(admin)).toBe(true);
    const [after] = transition(orderMachine, returned, admin);
    const [returnRefund, rest] = after.context.refunds;
    expect(returnRefund!.amountCents + rest!.amountCents).toBe(after.context.totalCents);
    expect(rest).toMatchObject({ id: "rr", status: "pending" });
  });
});

describe("snapshot v2 → v3", () => {
  it(`MACHINE_VERSION is 5 and snapshotUpgrades[2] includes upgradeDeliveryV2`, () => {
    expect(MACHINE_VERSION).toBe(5);
    const v3 = toStored(runPure([...paid, fulfil]));
    const { tracking: _t, deliveredAt: _d, returns: _r, ...v2context } = v3.context;
    const upgraded = snapshotUpgrades[2]!({ value: v3.value, context: v2context as OrderContext });
    expect(upgraded.context).toMatchObject(upgradeDeliveryV2({ value: v3.value, context: v2context as OrderContext }).context);
  });

  it("a stored v2 fulfilled order loads under v3, is delivered and returned and refunded", () => {
    const v3 = toStored(runPure([...paid, fulfil]));
    // What v2 stored: no tracking, delivery or returns, items without prices.
    const { tracking: _t, deliveredAt: _d, returns: _r, ...v2context } = v3.context;
    const v2: StoredSnapshot = {
      value: v3.value,
      context: { ...v2context, items: v3.context.items.map(({ bookId, quantity }) => ({ bookId, quantity })) } as unknown as OrderContext,
    };
    const loaded = loadSnapshot(v2, 2);
    expect(statePath(loaded)).toBe("settled.fulfilled");
    expect(loaded.context).toMatchObject({
      tracking: [],
      deliveredAt: null,
      returns: [],
      items: [{ bookId: 1, quantity: 2, unitPriceCents: 1299 }],
    });
    let s = loaded;
    for (const e of [
      delivered(1),
      ask(),
      { type: "RECEIVE_RETURN", returnId: "ret1", restock: [{ bookId: 1, quantity: 1 }], refundId: "rf1", at: T + 2 * DAY } as OrderEvent,
    ]) {
      expect(s.can(e), e.type).toBe(true);
      [s] = transition(orderMachine, s, e);
    }
    expect(s.context.refunds.at(-1)).toMatchObject({ id: "rf1", amountCents: UNIT, reason: "returned" });
  });

  it("a v2 order of several lines gets prices spread from its subtotal (when migration 0011 found none): delivered and returned", () => {
    const stored = toStored(runPure([...paid, fulfil]));
    const v2 = {
      value: stored.value,
      context: {
        ...stored.context,
        items: [
          { bookId: 1, quantity: 1 },
          { bookId: 2, quantity: 1 },
        ],
      },
    } as StoredSnapshot;
    const up = loadSnapshot(v2, 2);
    const half = Math.floor(stored.context.subtotalCents / 2);
    expect(up.context.items).toEqual([
      { bookId: 1, quantity: 1, unitPriceCents: half },
      { bookId: 2, quantity: 1, unitPriceCents: half },
    ]);
    const [d] = transition(orderMachine, up, delivered(1));
    expect(statusOf(d)).toBe("delivered");
    expect(d.can(ask(T + DAY, 1))).toBe(true);
  });
});
