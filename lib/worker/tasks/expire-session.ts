import { sessionOfPayment } from "@/lib/payments/store";
import { settleFromGateway } from "@/lib/payments/settle-from-gateway";
import { defineTask } from "../define-task";

// Closes a payment attempt's session at the gateway. If it was paid in the
// meantime, that payment is dispatched (and refunded if the order is gone).
// With `sessionId` instead of `paymentId`: a session the store never recorded
// (its START_PAYMENT was refused and expiring it at once failed); money it
// took is refunded through the order its metadata names.
export const expireCheckoutSession = defineTask(
  "expire_checkout_session",
  async ({ paymentId, sessionId }) => {
    const session = sessionId ?? (paymentId ? await sessionOfPayment(paymentId) : null);
    if (!session) return;
    await settleFromGateway(session, "system", { expire: true });
  },
  "payment_processing",
);
