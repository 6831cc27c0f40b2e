import type { TaskList } from "graphile-worker";
import { expireCheckoutSession } from "./tasks/expire-session";
import { fulfilOrder } from "./tasks/fulfil-order";
import { paymentTimeout } from "./tasks/payment-timeout";
import { reconcileOrders } from "./tasks/reconcile-orders";
import { pollRefund, refundPayment } from "./tasks/refund-payment";
import { sendEmail } from "./tasks/send-email";

// Every external effect of the order machine is a task here; lib/orders/
// enqueues them inside its transactions (lib/orders/effects.ts).
export const taskList: TaskList = {
  payment_timeout: paymentTimeout,
  expire_checkout_session: expireCheckoutSession,
  refund_payment: refundPayment,
  poll_refund: pollRefund,
  send_email: sendEmail,
  fulfil_order: fulfilOrder,
  reconcile_orders: reconcileOrders,
};

// graphile-worker crontab: the reconciler every minute; the job key keeps
// several workers from running two at once, and missed minutes are not backfilled.
export const crontab = "* * * * * reconcile_orders ?jobKey=reconcile_orders&max=1";
