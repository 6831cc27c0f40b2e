import { randomUUID } from "node:crypto";
import { getDb } from "@/db";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { partialRefundProblem } from "@/machines/line-amounts";
import { loadSnapshot } from "@/machines/order-snapshot";
import type { LineItem, OrderEvent } from "@/machines/order-types";
import { fulfilEventFor, handShipmentEventFor } from "./shipping";
import { completeEvent, dispatch } from "./dispatch";
import { getOrder, getOrderForViewer, type OrderView } from "./order-view";
import { orderRow, type OrderViewer } from "./store";
import type { EventSource, OrderEventInput } from "./types";
import { instrument } from "@/lib/observability/operations";

// A shopper (signed in, or a guest holding the order's link) or an operator.
type Actor = OrderViewer & { role: "customer" | "admin" };

async function act(actor: Actor, orderId: string, event: OrderEventInput, source: EventSource, refusal: string): Promise<OrderView> {
  // Ownership first: another user's order does not exist for this caller.
  const asAdmin = actor.role === "admin" && source === "admin";
  if (asAdmin) await getOrder(orderId);
  else await getOrderForViewer(actor, orderId);
  const result = await dispatch(orderId, event, source);
  if (result.outcome === "ignored") throw new AppError("invalid_transition", refusal, { status: result.status });
  return asAdmin ? getOrder(orderId) : getOrderForViewer(actor, orderId);
}

type ShopperInput = OrderViewer & { orderId: string };

/** A shopper cancels an unpaid order: stock released, open sessions expired. */
export function cancelOrder(input: ShopperInput): Promise<OrderView> {
  return instrument("payment_processing", { name: "cancel_order", orderId: input.orderId }, () =>
    act({ ...input, role: "customer" }, input.orderId, { type: "CANCEL" }, "user", "Only an unpaid order can be cancelled"),
  );
}

/** A shopper asks for a refund; allowed while paid, not shipped, within the refund window. */
export function requestRefund(input: ShopperInput & { reason?: string }): Promise<OrderView> {
  return instrument("payment_processing", { name: "request_refund", orderId: input.orderId }, () =>
    act(
      { userId: input.userId, guestOrderId: input.guestOrderId, role: "customer" },
      input.orderId,
      { type: "REQUEST_REFUND", by: "user", reason: input.reason },
      "user",
      "This order cannot be refunded: refunds are possible for paid orders that have not shipped yet, within the refund window, and not while the payment is disputed",
    ),
  );
}

/** An operator refunds any paid or fulfilled order (or retries a failed refund). */
export function adminRefund(input: { adminId: string; orderId: string; reason?: string; outside?: boolean }): Promise<OrderView> {
  return instrument("payment_processing", { name: "admin_refund", orderId: input.orderId }, () =>
    act(
      { userId: input.adminId, role: "admin" },
      input.orderId,
      { type: "REQUEST_REFUND", by: "admin", reason: input.reason, ...(input.outside ? { outside: true } : {}) },
      "admin",
      "This order cannot be refunded now: nothing is left to refund, or its payment is disputed (money lost in a dispute is never refunded)",
    ),
  );
}

/**
 * An operator records a refund owed outside the gateway as paid (a bank transfer, cash): `reference`
 * says how. The order's machine settles it as the gateway's REFUND_SUCCEEDED settles a gateway refund.
 */
export function adminRecordOutsideRefund(input: {
  adminId: string;
  orderId: string;
  refundId: string;
  reference: string;
}): Promise<OrderView> {
  return instrument("payment_processing", { name: "admin_refund_paid_outside", orderId: input.orderId }, () =>
    act(
      { userId: input.adminId, role: "admin" },
      input.orderId,
      { type: "REFUND_PAID_OUTSIDE", refundId: input.refundId, reference: input.reference, by: "admin", adminId: input.adminId },
      "admin",
      "No refund of this order is owed outside the gateway under that id, or a dispute of its payment is still open (record it once decided)",
    ),
  );
}

/**
 * An operator ships a paid order now: tracking number and estimated delivery.
 * By hand (the order is in the "ship by hand" queue, or the operator typed the
 * parcel's tracking number): no carrier call; without a tracking number the
 * store gives the parcel its own reference. Allowed while automation is paused.
 */
export function adminFulfil(input: { adminId: string; orderId: string; trackingNumber?: string }): Promise<OrderView> {
  return instrument("order_fulfillment", { name: "admin_fulfil", orderId: input.orderId }, async () => {
    const byHand = input.trackingNumber !== undefined || (await inShipByHandQueue(input.orderId));
    const { event, address } = byHand
      ? await handShipmentEventFor(input.orderId, input.trackingNumber)
      : await fulfilEventFor(input.orderId);
    const refusal = address
      ? "Only a paid order can be shipped, and not while a dispute holds it"
      : "This order has no shipping address: it cannot be shipped";
    return act({ userId: input.adminId, role: "admin" }, input.orderId, { ...event, by: "admin" }, "admin", refusal);
  });
}

async function inShipByHandQueue(orderId: string): Promise<boolean> {
  if (!isUuid(orderId)) return false;
  const { db } = await getDb();
  const row = await orderRow(db, orderId);
  return !!row && loadSnapshot(row.machine_snapshot, row.machine_version).context.shipByHand !== null;
}

/** An operator pauses automation on an order: no timer or job moves it until resumed. */
export function adminPause(input: { adminId: string; orderId: string; reason: string }): Promise<OrderView> {
  return instrument("order_fulfillment", { name: "admin_pause", orderId: input.orderId }, () =>
    act(
      { userId: input.adminId, role: "admin" },
      input.orderId,
      { type: "PAUSE", by: "admin", reason: input.reason },
      "admin",
      "This order cannot be paused",
    ),
  );
}

/** An operator resumes automation: what fell due while paused runs now. */
export function adminResume(input: { adminId: string; orderId: string }): Promise<OrderView> {
  return instrument("order_fulfillment", { name: "admin_resume", orderId: input.orderId }, () =>
    act({ userId: input.adminId, role: "admin" }, input.orderId, { type: "RESUME", by: "admin" }, "admin", "This order is not paused"),
  );
}

export type PartialRefundRequest = { lines?: LineItem[]; shippingCents?: number; amountCents?: number; reason?: string };

/** Why the order refused this partial refund, in words (the machine's own check, on the order as it is now). */
async function partialRefundRefusal(orderId: string, event: OrderEventInput, fallback: string): Promise<string> {
  const { db } = await getDb();
  const row = await orderRow(db, orderId);
  if (!row) return fallback;
  const context = loadSnapshot(row.machine_snapshot, row.machine_version).context;
  const problem = partialRefundProblem(context, completeEvent(event) as Extract<OrderEvent, { type: "REQUEST_PARTIAL_REFUND" }>);
  return problem ? `This refund cannot be made: ${problem}` : fallback;
}

async function partialRefund(actor: Actor, orderId: string, request: PartialRefundRequest, refusal: string): Promise<OrderView> {
  const by = actor.role === "admin" ? ("admin" as const) : ("user" as const);
  const event: OrderEventInput = { type: "REQUEST_PARTIAL_REFUND", by, ...request };
  try {
    return await act(actor, orderId, event, by, refusal);
  } catch (error) {
    if (error instanceof AppError && error.code === "invalid_transition") {
      throw new AppError("invalid_transition", await partialRefundRefusal(orderId, event, refusal), error.details);
    }
    throw error;
  }
}

/** A shopper asks some lines back: paid, not shipped yet, within the refund window. */
export function requestPartialRefund(input: ShopperInput & { lines: LineItem[]; reason?: string }): Promise<OrderView> {
  return instrument("payment_processing", { name: "request_partial_refund", orderId: input.orderId }, () =>
    partialRefund(
      { userId: input.userId, guestOrderId: input.guestOrderId, role: "customer" },
      input.orderId,
      { lines: input.lines, reason: input.reason },
      "These lines cannot be refunded: refunds are possible for paid orders that have not shipped yet, within the refund window",
    ),
  );
}

export type ReturnLineInput = { bookId: number; quantity: number };

/** A shopper returns delivered lines with a reason; allowed within RETURN_WINDOW_DAYS of delivery. */
export function requestReturn(input: ShopperInput & { lines: ReturnLineInput[]; reason: string }): Promise<OrderView> {
  return instrument("order_fulfillment", { name: "request_return", orderId: input.orderId }, () =>
    act(
      { userId: input.userId, guestOrderId: input.guestOrderId, role: "customer" },
      input.orderId,
      { type: "REQUEST_RETURN", returnId: randomUUID(), lines: input.lines, reason: input.reason },
      "user",
      "These books cannot be returned: returns are possible for delivered orders within the return window, for copies not already returned",
    ),
  );
}

/** An operator refunds lines, the shipping or an amount of a paid or shipped order, never more than was captured. */
export function adminPartialRefund(input: { adminId: string; orderId: string } & PartialRefundRequest): Promise<OrderView> {
  const { adminId, orderId, ...request } = input;
  return instrument("payment_processing", { name: "admin_partial_refund", orderId }, () =>
    partialRefund({ userId: adminId, role: "admin" }, orderId, request, "This order cannot be refunded now"),
  );
}

/** An operator marks a shipped order delivered (the carrier's report never came). */
export function adminDeliver(input: { adminId: string; orderId: string }): Promise<OrderView> {
  return instrument("order_fulfillment", { name: "admin_deliver", orderId: input.orderId }, () =>
    act(
      { userId: input.adminId, role: "admin" },
      input.orderId,
      { type: "DELIVER", by: "admin" },
      "admin",
      "Only a shipped order can be marked delivered",
    ),
  );
}

/** An operator received a return's parcel: restock these lines; what the shopper paid for the returned lines is refunded. */
export function adminReceiveReturn(input: {
  adminId: string;
  orderId: string;
  returnId: string;
  restock: ReturnLineInput[];
}): Promise<OrderView> {
  return instrument("payment_processing", { name: "admin_receive_return", orderId: input.orderId }, () =>
    act(
      { userId: input.adminId, role: "admin" },
      input.orderId,
      { type: "RECEIVE_RETURN", returnId: input.returnId, restock: input.restock },
      "admin",
      "This return cannot be received: it is not open, or the restocked copies are not on it",
    ),
  );
}

/** An operator rejects a requested return, saying why. */
export function adminRejectReturn(input: { adminId: string; orderId: string; returnId: string; note: string }): Promise<OrderView> {
  return instrument("order_fulfillment", { name: "admin_reject_return", orderId: input.orderId }, () =>
    act(
      { userId: input.adminId, role: "admin" },
      input.orderId,
      { type: "REJECT_RETURN", returnId: input.returnId, note: input.note },
      "admin",
      "Only a requested return can be rejected",
    ),
  );
}
