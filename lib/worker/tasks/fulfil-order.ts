import { faultPoint } from "@/lib/faults";
import { dispatch } from "@/lib/orders/dispatch";
import { flagOrder } from "@/lib/orders/flag-order";
import { fulfilEventFor } from "@/lib/orders/shipping";
import { defineTask } from "../define-task";

// After payment (and the warehouse's picking delay): create the shipment, due
// by the chosen rate's delivery estimate. A repeat after success is a
// duplicate FULFIL and changes nothing. Without an address, or with every copy
// refunded, nothing ships (the machine refuses FULFIL): the order is handed to an operator.
// When the job keeps failing (the carrier is down), people ship it: FULFILMENT_FAILED.
export const fulfilOrder = defineTask(
  "fulfil_order",
  async ({ orderId }) => {
    faultPoint("fulfil_order:before_shipment"); // the warehouse or the carrier failing
    const { event, address } = await fulfilEventFor(orderId);
    const result = await dispatch(orderId, event, "system");
    if (result.outcome === "ignored" && result.status === "paid") {
      // Every copy refunded before shipping leaves the shipping (and its tax) with us: an operator decides.
      const reason = address ? "paid but every copy was refunded: nothing to ship" : "paid but no shipping address: not shipped";
      await flagOrder(orderId, reason, { task: "fulfil_order" });
    }
  },
  "order_fulfillment",
  {
    // Past its retries (or its failures paused the order): the order goes to the "ship by hand" queue.
    onGiveUp: async ({ orderId }, message) => {
      const reason = `the fulfilment job failed: ${message}`.slice(0, 500);
      const result = await dispatch(orderId, { type: "FULFILMENT_FAILED", reason }, "system");
      return result.outcome !== "ignored";
    },
  },
);
