import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { settleFromGateway } from "@/lib/payments/settle-from-gateway";
import { defineTask } from "../define-task";

// Closes a payment attempt's session at the gateway. If it was paid in the
// meantime, that payment is dispatched (and refunded if the order is gone).
// With `sessionId` instead of `paymentId`: a session the store never recorded
// (its START_PAYMENT was refused and expiring it at once failed); money it
// took is refunded through the order its metadata names.
export const expireCheckoutSession = defineTask("expire_checkout_session", async ({ paymentId, sessionId, requestId }) => {
  if (typeof sessionId === "string") {
    await settleFromGateway(sessionId, "system", { expire: true, requestId });
    return;
  }
  const { db } = await getDb();
  const [payment] = await db.execute<{ gateway_session_id: string | null }>(sql`
    select gateway_session_id from payments where id = ${String(paymentId)}`);
  if (!payment?.gateway_session_id) return;
  await settleFromGateway(payment.gateway_session_id, "system", { expire: true, requestId });
}, "payment_processing");
