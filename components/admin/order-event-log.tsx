import { eventLabel } from "@/components/orders/order-format";
import { panelClass } from "@/components/ui-classes";
import type { EventLogEntry } from "@/lib/admin/order-overview";
import { EventPayload } from "./event-payload";
import { TableHead } from "./table-head";

const when = (iso: string) => iso.replace("T", " ").slice(0, 19);
const outcomeTone = { applied: "text-emerald-800", duplicate: "text-stone-700", ignored: "text-amber-900" } as const;

/** Every event of the order as the machine saw it: applied, duplicate or ignored, with states, source and request id. */
export function OrderEventLog({ entries, currency }: { entries: EventLogEntry[]; currency: string }) {
  return (
    <section aria-labelledby="log-heading" className={`${panelClass} overflow-x-auto`}>
      <h2 id="log-heading" className="font-serif text-xl font-bold">
        Event log ({entries.length})
      </h2>
      {/* Wide enough to read on a phone: the panel scrolls sideways rather than squeezing the details into a column of letters. */}
      <table className="mt-3 w-full min-w-[44rem] text-left text-sm">
        <TableHead columns={["Time (UTC)", "Event", "Outcome", "Source", "State", "Details"]} />
        <tbody>
          {entries.map((e, i) => (
            <tr key={`${e.at}-${i}`} className="border-b border-line align-top last:border-0">
              <td className="py-2 pr-3 whitespace-nowrap tabular-nums">{when(e.at)}</td>
              <td className="py-2 pr-3">
                <span className="font-semibold">{e.outcome === "applied" ? eventLabel(e.type) : e.type}</span>
                {e.outcome === "applied" ? <code className="block text-xs text-ink-soft">{e.type}</code> : null}
              </td>
              <td className={`py-2 pr-3 font-semibold ${outcomeTone[e.outcome]}`}>{e.outcome}</td>
              <td className="py-2 pr-3">{e.source}</td>
              <td className="py-2 pr-3 whitespace-nowrap">
                <code className="text-xs">{e.fromState === e.toState ? e.toState : `${e.fromState ?? "new"} → ${e.toState}`}</code>
              </td>
              <td className="min-w-64 py-2 text-xs text-ink-soft">
                <EventPayload payload={e.payload} currency={currency} />
                {e.requestId ? <span className="block break-all">request {e.requestId}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
