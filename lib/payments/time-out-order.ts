import { faultPoint } from "@/lib/faults";
import { dispatch } from "@/lib/orders/dispatch";
import type { DispatchResult } from "@/lib/orders/types";
import { settleFromGateway } from "./settle-from-gateway";
import { openSessionsOfUnpaidOrder } from "./store";

/**
 * An unpaid order past its deadline (the payment_timeout job, or the
 * reconciler for one a dead worker never settled): every open session is
 * closed at the gateway first, and a session that turns out paid wins over
 * the timeout (a last-second payment is not lost); otherwise the order gets
 * TIMEOUT: cancelled, its stock released. A session the gateway cannot close
 * now throws, unless `onSessionError` takes it (the reconciler logs it and
 * times the order out anyway).
 */
export async function timeOutOrder(
  orderId: string,
  source: "timer" | "reconciler",
  onSessionError?: (sessionId: string, error: unknown) => void,
): Promise<"paid" | DispatchResult> {
  for (const sessionId of await openSessionsOfUnpaidOrder(orderId)) {
    const outcome = await settleFromGateway(sessionId, source, { expire: true }).catch((error: unknown) => {
      if (!onSessionError) throw error;
      onSessionError(sessionId, error);
      return undefined;
    });
    if (outcome === "paid") return "paid";
  }
  faultPoint("payment_timeout:after_expire"); // sessions closed at the gateway, order not yet cancelled
  return dispatch(orderId, { type: "TIMEOUT" }, source);
}
