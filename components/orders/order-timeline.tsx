import { LocalTime } from "@/components/local-time";
import { panelClass } from "@/components/ui-classes";
import type { OrderView } from "@/lib/orders/order-view";
import { formatPrice } from "@/components/price";
import { eventDetail, eventLabel, sourceLabel } from "./order-format";

type OrderTimelineProps = { events: OrderView["events"]; currency: string };

/** What happened to the order, oldest first. */
export function OrderTimeline({ events, currency }: OrderTimelineProps) {
  return (
    <section aria-labelledby="history-heading" className={panelClass}>
      <h2 id="history-heading" className="text-xl font-semibold">
        History
      </h2>
      {events.length === 0 ? (
        <p className="mt-2 text-ink-soft">Nothing has happened yet.</p>
      ) : (
        <ol className="mt-4 border-l-2 border-line pl-5">
          {events.map((event, i) => {
            const detail = eventDetail(event.type, event.payload, (cents) => formatPrice(cents, currency));
            return (
              <li key={`${event.at}-${event.type}-${i}`} className="relative pb-4 last:pb-0">
                <span
                  aria-hidden="true"
                  className="absolute top-1.5 -left-[1.6875rem] size-3 rounded-full border-2 border-card bg-accent"
                />
                <p className="font-semibold">{eventLabel(event.type)}</p>
                {detail ? <p className="text-sm">{detail}</p> : null}
                <p className="text-sm text-ink-soft">
                  <LocalTime iso={event.at} />, {sourceLabel(event.source)}
                </p>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
