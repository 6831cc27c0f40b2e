import { AppError } from "@/lib/errors";
import { gatewayCheckDue } from "@/lib/http/abuse-limits";
import { dispatch } from "@/lib/orders/dispatch";
import { settleFromGateway, type SettleOutcome } from "./settle-from-gateway";
import { paymentOfSessionForUser } from "./store";
import { instrument } from "@/lib/observability/operations";

/** Who came back from the payment page: the signed-in shopper and/or the holder of the order's guest link. */
type Returner = { userId: string | null; guestOrderId?: string | null };
type ReturnInput = Returner & { sessionId: string };

async function ownPayment(returner: Returner, sessionId: string) {
  if (!/^cs_[A-Za-z0-9_]{4,250}$/.test(sessionId)) throw new AppError("not_found", "Payment not found");
  const payment = await paymentOfSessionForUser(returner, sessionId);
  // Another user's session is as unknown as a made-up one.
  if (!payment) throw new AppError("not_found", "Payment not found");
  return payment;
}

/**
 * The success page: ask the gateway what happened and dispatch the same event
 * a webhook would, so the order is paid even if the webhook never arrives.
 */
export async function reconcileSuccessReturn(input: ReturnInput): Promise<{
  orderId: string;
  outcome: SettleOutcome | "gateway_unavailable" | "checked_recently";
}> {
  const payment = await ownPayment(input, input.sessionId);
  // A reload within seconds shows what the last check (or a webhook since) recorded.
  if (!(await gatewayCheckDue(input.userId ?? `guest:${payment.order_id}`, input.sessionId)))
    return { orderId: payment.order_id, outcome: "checked_recently" };
  try {
    const outcome = await instrument("payment_processing", { name: "return_from_gateway", orderId: payment.order_id }, () =>
      settleFromGateway(input.sessionId, "gateway"),
    );
    return { orderId: payment.order_id, outcome };
  } catch {
    // The webhook or the reconciler will settle it; the page says we are confirming.
    return { orderId: payment.order_id, outcome: "gateway_unavailable" };
  }
}

/** The cancel page: the shopper came back without paying; this attempt is over. */
export async function recordCancelledReturn(input: ReturnInput): Promise<{ orderId: string }> {
  const payment = await ownPayment(input, input.sessionId);
  await dispatch(payment.order_id, { type: "PAYMENT_CANCELLED", paymentId: payment.id }, "user");
  return { orderId: payment.order_id };
}
