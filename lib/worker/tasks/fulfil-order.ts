import { env } from "@/lib/env";
import { dispatch } from "@/lib/orders/dispatch";
import { addBusinessDays, newTrackingNumber } from "@/lib/orders/shipping";
import { defineTask } from "../define-task";

// After payment (and the warehouse's picking delay): create the shipment.
// A repeat after success is a duplicate FULFIL and changes nothing.
export const fulfilOrder = defineTask("fulfil_order", async ({ orderId }) => {
  await dispatch(
    orderId,
    { type: "FULFIL", trackingNumber: newTrackingNumber(), estimatedDelivery: addBusinessDays(new Date(), env().DELIVERY_BUSINESS_DAYS) },
    "system",
  );
}, "order_fulfillment");
