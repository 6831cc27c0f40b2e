import { withOrderTransaction } from "@/db/transaction";
import { dispatch } from "@/lib/orders/dispatch";
import type { DispatchResult } from "@/lib/orders/types";
import type { RefundInfo } from "./gateway";
import { recordGatewayRefundId } from "./store";

/**
 * What the gateway says about one of our refunds, however we heard it (its
 * webhook, the refund job's answer, the poll job, the reconciler): its
 * gateway id is recorded the first time, and a final outcome is dispatched
 * as REFUND_SUCCEEDED or REFUND_FAILED. "pending" while the gateway has not
 * decided. Inside an order transaction (the webhook's) it joins it.
 */
export function settleRefundOutcome(refund: { id: string; order_id: string }, info: RefundInfo): Promise<DispatchResult | "pending"> {
  return withOrderTransaction(async ({ pipeline }) => {
    recordGatewayRefundId(pipeline, refund.id, info.id);
    if (info.status === "succeeded") return dispatch(refund.order_id, { type: "REFUND_SUCCEEDED", refundId: refund.id }, "gateway");
    if (info.status === "failed" || info.status === "canceled") {
      return dispatch(
        refund.order_id,
        { type: "REFUND_FAILED", refundId: refund.id, reason: info.failureReason ?? info.status },
        "gateway",
      );
    }
    return "pending";
  });
}
