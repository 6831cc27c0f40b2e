import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { settleFromGateway } from "@/lib/payments/settle-from-gateway";
import { defineTask } from "../define-task";

// Closes a payment attempt's session at the gateway. If it was paid in the
// meantime, that payment is dispatched (and refunded if the order is gone).
export const expireCheckoutSession = defineTask("expire_checkout_session", async ({ paymentId, requestId }) => {
  const { db } = await getDb();
  const [payment] = await db.execute<{ gateway_session_id: string | null }>(sql`
    select gateway_session_id from payments where id = ${String(paymentId)}`);
  if (!payment?.gateway_session_id) return;
  await settleFromGateway(payment.gateway_session_id, "system", { expire: true, requestId });
}, "payment_processing");
