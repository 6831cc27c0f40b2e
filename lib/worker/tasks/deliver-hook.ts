import { deliverHook } from "@/lib/hooks/deliver";
import { defineTask } from "../define-task";

// One attempt of an outbound hook delivery. A receiver's failure is recorded on
// the delivery and retried by a new job (lib/hooks/deliver.ts), not thrown:
// graphile-worker's own retries cover only a crash or a lost database.
export const deliverHookTask = defineTask("deliver_hook", async ({ deliveryId }) => {
  await deliverHook(deliveryId);
});
