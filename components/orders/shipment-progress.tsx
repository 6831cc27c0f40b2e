import { LocalTime } from "@/components/local-time";
import type { OrderView } from "@/lib/orders/order-view";
import { trackingLabel } from "./order-format";

const steps = ["in_transit", "out_for_delivery", "delivered"] as const;

/** The carrier's reports on the parcel: the usual steps, each ticked once reported, and any delivery problem. */
export function ShipmentProgress({ order }: { order: Pick<OrderView, "tracking" | "deliveredAt" | "status"> }) {
  const reached = (step: string) => order.tracking.some((t) => t.status === step) || (step === "delivered" && order.deliveredAt !== null);
  const problems = order.tracking.filter((t) => t.status === "exception");
  return (
    <div className="mt-4">
      <h3 className="text-sm font-semibold text-ink-soft">Shipment progress</h3>
      <ol className="mt-2 flex flex-wrap gap-2" aria-label="Shipment progress">
        <li className="rounded-full bg-accent-soft px-3 py-1 text-sm font-medium text-accent-strong">Shipped ✓</li>
        {steps.map((step) => {
          const done = reached(step);
          const at = order.tracking.findLast((t) => t.status === step)?.at;
          return (
            <li
              key={step}
              className={`rounded-full px-3 py-1 text-sm font-medium ${done ? "bg-accent-soft text-accent-strong" : "bg-stone-100 text-stone-600"}`}
              aria-current={done && !steps.slice(steps.indexOf(step) + 1).some(reached) ? "step" : undefined}
            >
              {trackingLabel(step)} {done ? "✓" : ""}
              {at ? (
                <span className="sr-only">
                  {" "}
                  <LocalTime iso={at} />
                </span>
              ) : null}
            </li>
          );
        })}
      </ol>
      {problems.length > 0 && order.deliveredAt === null ? (
        <p className="mt-2 text-sm text-amber-900">The carrier reported a delivery problem; they will try again.</p>
      ) : null}
    </div>
  );
}
