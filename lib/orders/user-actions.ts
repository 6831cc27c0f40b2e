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
      "This order cannot be refunded: refunds are possible for paid orders that have not shipped yet, within the refund window, and not while the payment is disputed",
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
      "This order cannot be refunded now: nothing is left to refund, or its payment is disputed (money lost in a dispute is never refunded)",
    ),
  );
}

/** An operator ships a paid order now: tracking number and estimated delivery. */
export function adminFulfil(input: { adminId: string; orderId: string }): Promise<OrderView> {
  return instrument("order_fulfillment", { name: "admin_fulfil", orderId: input.orderId }, async () => {
    const { event, address } = await fulfilEventFor(input.orderId);
    const refusal = address
      ? "Only a paid order can be fulfilled, and not while a dispute holds it"
      : "This order has no shipping address: it cannot be shipped";
    return act({ userId: input.adminId, role: "admin" }, input.orderId, event, "admin", refusal);
  });
}
