import { sendOrderEmail } from "@/lib/notifications/send-order-email";
import { defineTask } from "../define-task";

// A failed send is retried on its own and never blocks the order.
export const sendEmail = defineTask("send_email", async ({ orderId, template, dedupeKey, data }) => {
  await sendOrderEmail({ orderId, template, dedupeKey, data });
});
