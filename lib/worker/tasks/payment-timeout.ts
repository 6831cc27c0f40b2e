import { timeOutOrder } from "@/lib/payments/time-out-order";
import { defineTask } from "../define-task";

// At the payment deadline: close every open session at the gateway first; a
// session that turns out paid wins over the timeout (timeOutOrder). A gateway
// that cannot be asked fails the job, which retries.
export const paymentTimeout = defineTask(
  "payment_timeout",
  async ({ orderId }) => {
    await timeOutOrder(orderId, "timer");
  },
  "payment_processing",
);
