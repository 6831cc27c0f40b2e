import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/errors";
import { fulfilEventFor } from "./shipping";
import { dispatch } from "./dispatch";
import { getOrder, getOrderForUser, type OrderView } from "./order-view";
import type { EventSource, OrderEventInput } from "./types";
import { instrument } from "@/lib/observability/operations";

type Actor = { userId: string; role: "customer" | "admin" };

async function act(actor: Actor, orderId: string, event: OrderEventInput, source: EventSource, refusal: string): Promise<OrderView> {
  // Ownership first: another user's order does not exist for this caller.
  if (actor.role === "admin" && source === "admin") await getOrder(orderId);
  else await getOrderForUser(actor.userId, orderId);
  const result = await dispatch(orderId, event, source);
  if (result.outcome === "ignored") throw new AppError("invalid_transition", refusal, { status: result.status });
  return actor.role === "admin" && source === "admin" ? getOrder(orderId) : getOrderForUser(actor.userId, orderId);
}

/** A shopper cancels an unpaid order: stock released, open sessions expired. */
export function cancelOrder(input: { userId: string; orderId: string }): Promise<OrderView> {
  return instrument("payment_processing", { name: "cancel_order", orderId: input.orderId }, () =>
    act({ userId: input.userId, role: "customer" }, input.orderId, { type: "CANCEL" }, "user", "Only an unpaid order can be cancelled"),
  );
}

/** A shopper asks for a refund; allowed while paid, not shipped, within the refund window. */
export function requestRefund(input: { userId: string; orderId: string; reason?: string }): Promise<OrderView> {
  return instrument("payment_processing", { name: "request_refund", orderId: input.orderId }, () =>
    act(
      { userId: input.userId, role: "customer" },
      input.orderId,
      { type: "REQUEST_REFUND", by: "user", reason: input.reason },
      "user",
      "This order cannot be refunded: refunds are possible for paid orders that have not shipped yet, within the refund window",
    ),
  );
}

/** An operator refunds any paid or fulfilled order (or retries a failed refund). */
export function adminRefund(input: { adminId: string; orderId: string; reason?: string }): Promise<OrderView> {
  return instrument("payment_processing", { name: "admin_refund", orderId: input.orderId }, () =>
    act(
      { userId: input.adminId, role: "admin" },
      input.orderId,
      { type: "REQUEST_REFUND", by: "admin", reason: input.reason },
      "admin",
      "This order cannot be refunded now",
    ),
  );
}

/** An operator ships a paid order now: tracking number and estimated delivery. */
export function adminFulfil(input: { adminId: string; orderId: string }): Promise<OrderView> {
  return instrument("order_fulfillment", { name: "admin_fulfil", orderId: input.orderId }, async () => {
    const { event, address } = await fulfilEventFor(input.orderId);
    const refusal = address ? "Only a paid order can be fulfilled" : "This order has no shipping address: it cannot be shipped";
    return act({ userId: input.adminId, role: "admin" }, input.orderId, event, "admin", refusal);
  });
}

export type ReturnLineInput = { bookId: number; quantity: number };

/** A shopper returns delivered lines with a reason; allowed within RETURN_WINDOW_DAYS of delivery. */
export function requestReturn(input: { userId: string; orderId: string; lines: ReturnLineInput[]; reason: string }): Promise<OrderView> {
  return instrument("order_fulfillment", { name: "request_return", orderId: input.orderId }, () =>
    act(
      { userId: input.userId, role: "customer" },
      input.orderId,
      { type: "REQUEST_RETURN", returnId: randomUUID(), lines: input.lines, reason: input.reason },
      "user",
      "These books cannot be returned: returns are possible for delivered orders within the return window, for copies not already returned",
    ),
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
