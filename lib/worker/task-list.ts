import type { Task } from "graphile-worker";
import type { JobName } from "./jobs";
import { deliverHookTask } from "./tasks/deliver-hook";
import { expireCheckoutSession } from "./tasks/expire-session";
import { fulfilOrder } from "./tasks/fulfil-order";
import { paymentTimeout } from "./tasks/payment-timeout";
import { probeGateway } from "./tasks/probe-gateway";
import { returnExpiry } from "./tasks/return-expiry";
import { reconcileOrders } from "./tasks/reconcile-orders";
import { pollRefund, refundPayment } from "./tasks/refund-payment";
import { sendEmail } from "./tasks/send-email";
import { sendPasswordReset } from "./tasks/send-password-reset";

// The job registry, second half: the task that runs each job of jobs.ts (the
// compiler checks every job has one). Every external effect of the order
// machine is one of these; lib/orders/effects.ts enqueues them inside the
// dispatch transaction.
export const taskList = {
  payment_timeout: paymentTimeout,
  expire_checkout_session: expireCheckoutSession,
  refund_payment: refundPayment,
  poll_refund: pollRefund,
  send_email: sendEmail,
  fulfil_order: fulfilOrder,
  probe_gateway: probeGateway,
  return_expiry: returnExpiry,
  send_password_reset: sendPasswordReset,
  reconcile_orders: reconcileOrders,
  deliver_hook: deliverHookTask,
} satisfies Record<JobName, Task>;

// graphile-worker crontab: the reconciler every minute; the job key keeps
// several workers from running two at once, and missed minutes are not backfilled.
export const crontab = "* * * * * reconcile_orders ?jobKey=reconcile_orders&max=1" satisfies `${string} ${JobName} ?${string}`;
