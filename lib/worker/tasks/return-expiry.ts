import { dispatch } from "@/lib/orders/dispatch";
import { defineTask } from "../define-task";

// A requested return whose parcel has not arrived by its expiry date closes
// (RETURN_EXPIRED). Received or rejected before: the job was removed, or the
// machine refuses the event and nothing changes.
export const returnExpiry = defineTask(
  "return_expiry",
  async ({ orderId, returnId }) => {
    await dispatch(orderId, { type: "RETURN_EXPIRED", returnId }, "timer");
  },
  "order_fulfillment",
);
