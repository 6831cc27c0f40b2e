import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { faultPoint } from "@/lib/faults";
import { dispatch } from "@/lib/orders/dispatch";
import { settleFromGateway } from "@/lib/payments/settle-from-gateway";
import { defineTask } from "../define-task";

// At the payment deadline: close every open session at the gateway first. A
// session that turns out paid wins over the timeout (a last-second payment is
// not lost); otherwise the order is cancelled and its stock released.
export const paymentTimeout = defineTask("payment_timeout", async ({ orderId, requestId }) => {
  if (!orderId) return;
  const { db } = await getDb();
  const open = await db.execute<{ id: string; gateway_session_id: string }>(sql`
    select p.id, p.gateway_session_id from payments p join orders o on o.id = p.order_id
    where p.order_id = ${orderId} and o.status = 'created' and p.status in ('pending', 'failed') and p.gateway_session_id is not null`);
  for (const payment of open) {
    const outcome = await settleFromGateway(payment.gateway_session_id, "timer", { expire: true, requestId });
    if (outcome === "paid") return;
  }
  faultPoint("payment_timeout:after_expire"); // sessions closed at the gateway, order not yet cancelled
  await dispatch(orderId, { type: "TIMEOUT" }, "timer", { requestId });
}, "payment_processing");
