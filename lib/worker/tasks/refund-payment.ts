import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { faultPoint } from "@/lib/faults";
import { dispatch } from "@/lib/orders/dispatch";
import { addJob } from "@/lib/orders/jobs";
import { getPaymentGateway, type RefundInfo } from "@/lib/payments/gateway";
import { defineTask } from "../define-task";

type RefundRow = {
  id: string;
  order_id: string;
  status: string;
  amount_cents: number;
  gateway_refund_id: string | null;
  payment_intent_id: string | null;
  session_id: string | null;
};

async function loadRefund(refundId: string): Promise<RefundRow | undefined> {
  const { db } = await getDb();
  const [row] = await db.execute<RefundRow>(sql`
    select r.id, r.order_id, r.status, r.amount_cents, r.gateway_refund_id,
           p.gateway_payment_intent_id as payment_intent_id, p.gateway_session_id as session_id
    from refunds r join payments p on p.id = r.payment_id where r.id = ${refundId}`);
  return row;
}

/** Dispatches what the gateway says about a refund; true when it is settled. */
export async function settleRefund(refund: Pick<RefundRow, "id" | "order_id">, info: RefundInfo, requestId?: string): Promise<boolean> {
  if (info.status === "succeeded") {
    await dispatch(refund.order_id, { type: "REFUND_SUCCEEDED", refundId: refund.id }, "gateway", { requestId });
    return true;
  }
  if (info.status === "failed" || info.status === "canceled") {
    await dispatch(refund.order_id, { type: "REFUND_FAILED", refundId: refund.id, reason: info.failureReason ?? info.status }, "gateway", { requestId });
    return true;
  }
  return false;
}

// Sends a refund to the gateway with the refund id as idempotency key, so a
// retried or crashed job never refunds twice. The outcome arrives by webhook,
// or by polling (poll_refund) when the gateway answers "pending".
export const refundPayment = defineTask("refund_payment", async ({ refundId, requestId }) => {
  const refund = await loadRefund(String(refundId));
  if (!refund || refund.status !== "pending") return;
  const gateway = await getPaymentGateway();
  let paymentIntentId = refund.payment_intent_id;
  if (!paymentIntentId && refund.session_id) {
    paymentIntentId = (await gateway.retrieveCheckoutSession(refund.session_id)).paymentIntentId;
  }
  if (!paymentIntentId) throw new Error(`refund ${refund.id}: the payment has no gateway payment to refund`);
  faultPoint("refund_payment:before_gateway");
  const info = await gateway.createRefund({ refundId: refund.id, paymentIntentId, amountCents: refund.amount_cents, orderId: refund.order_id });
  faultPoint("refund_payment:after_gateway");
  const { db } = await getDb();
  await db.execute(sql`update refunds set gateway_refund_id = ${info.id}, updated_at = now() where id = ${refund.id} and gateway_refund_id is null`);
  if (!(await settleRefund(refund, info, requestId))) {
    await addJob(db, "poll_refund", { orderId: refund.order_id, refundId: refund.id, requestId }, {
      jobKey: `poll-refund:${refund.id}`,
      runAt: new Date(Date.now() + 30_000),
      maxAttempts: 20,
    });
  }
}, "payment_processing");

// Asks the gateway about a refund still pending; throwing retries with backoff.
export const pollRefund = defineTask("poll_refund", async ({ refundId, requestId }) => {
  const refund = await loadRefund(String(refundId));
  if (!refund || refund.status !== "pending" || !refund.gateway_refund_id) return;
  const info = await (await getPaymentGateway()).retrieveRefund(refund.gateway_refund_id);
  if (!(await settleRefund(refund, info, requestId))) throw new Error(`refund ${refund.id} still ${info.status}`);
}, "payment_processing");
