import { faultPoint } from "@/lib/faults";
import { getDb } from "@/db";
import { dispatch } from "@/lib/orders/dispatch";
import { getPaymentGateway, RefundRefused, type RefundInfo } from "@/lib/payments/gateway";
import { settleRefundOutcome } from "@/lib/payments/refund-outcome";
import { refundToSend } from "@/lib/payments/store";
import { addJob } from "../jobs";
import { defineTask } from "../define-task";

// Sends a refund to the gateway once. The outcome arrives by webhook, or by
// polling (poll_refund) when the gateway answers "pending".
//
// Never twice: the refund id is the gateway's idempotency key, which covers a
// retry within the gateway's window (24 h at Stripe). A job run later than that
// (an order paused for days, then resumed: RESUME queues this job again for
// every pending refund) must not rely on it: a refund the gateway already has
// (its id recorded, or found by our refund id in its metadata after a run that
// crashed before recording it) is asked about, never sent again.
export const refundPayment = defineTask(
  "refund_payment",
  async ({ refundId }) => {
    const refund = await refundToSend(refundId);
    // (one owed outside the gateway is never sent: the gateway refuses it, an operator pays it)
    if (!refund || refund.status !== "pending" || refund.outside) return;
    const gateway = await getPaymentGateway();
    let info: RefundInfo;
    if (refund.gateway_refund_id) {
      info = await gateway.retrieveRefund(refund.gateway_refund_id);
    } else {
      let paymentIntentId = refund.payment_intent_id;
      if (!paymentIntentId && refund.session_id) {
        paymentIntentId = (await gateway.retrieveCheckoutSession(refund.session_id)).paymentIntentId;
      }
      if (!paymentIntentId) throw new Error(`refund ${refund.id}: the payment has no gateway payment to refund`);
      const sent = await gateway.findRefund(paymentIntentId, refund.id);
      faultPoint("refund_payment:before_gateway");
      try {
        info =
          sent ??
          (await gateway.createRefund({
            refundId: refund.id,
            paymentIntentId,
            amountCents: refund.amount_cents,
            orderId: refund.order_id,
          }));
      } catch (error) {
        // Refused for good (a chargeback took the money back, say): the refund failed, its claim on
        // the payment is given back and the order flagged, instead of the job retrying until it gives up.
        if (!(error instanceof RefundRefused)) throw error;
        await dispatch(refund.order_id, { type: "REFUND_FAILED", refundId: refund.id, reason: error.code }, "gateway");
        return;
      }
      faultPoint("refund_payment:after_gateway");
    }
    if ((await settleRefundOutcome(refund, info)) === "pending") {
      const { db } = await getDb();
      await addJob(
        db,
        "poll_refund",
        { orderId: refund.order_id, refundId: refund.id },
        {
          jobKey: `poll-refund:${refund.id}`,
          runAt: new Date(Date.now() + 30_000),
          maxAttempts: 20,
        },
      );
    }
  },
  "payment_processing",
);

// Asks the gateway about a refund still pending; throwing retries with backoff.
export const pollRefund = defineTask(
  "poll_refund",
  async ({ refundId }) => {
    const refund = await refundToSend(refundId);
    if (!refund || refund.status !== "pending" || refund.outside || !refund.gateway_refund_id) return;
    const info = await (await getPaymentGateway()).retrieveRefund(refund.gateway_refund_id);
    if ((await settleRefundOutcome(refund, info)) === "pending") throw new Error(`refund ${refund.id} still ${info.status}`);
  },
  "payment_processing",
);
