import { machineEdges, machineStates } from "@/machines/order-diagram";
import { layoutMachine, type Box } from "./machine-layout";
import { TableHead } from "./table-head";

type Props = { counts: Map<string, number> };

const countOf = (box: Box, counts: Map<string, number>) =>
  box.leaf ? (counts.get(box.id) ?? 0) : [...counts].filter(([path]) => path.startsWith(`${box.id}.`)).reduce((sum, [, n]) => sum + n, 0);

function NumberBadge({ x, y, numbers }: { x: number; y: number; numbers: number[] }) {
  const text = numbers.join(",");
  const width = Math.max(18, text.length * 7 + 8);
  return (
    <g>
      <rect x={x - width / 2} y={y - 9} width={width} height={18} rx={9} fill="#fffdf9" stroke="#1d5c58" />
      <text x={x} y={y + 4} textAnchor="middle" fontSize="11" fontWeight="700" fill="#134340">
        {text}
      </text>
    </g>
  );
}

/**
 * The order machine drawn from its definition (machines/order-diagram.ts):
 * every state with the number of orders in it now, every transition numbered
 * and listed with its event and guard.
 */
export function MachineDiagram({ counts }: Props) {
  const layout = layoutMachine(machineStates(), machineEdges());
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const described = layout.boxes
    .filter((b) => b.leaf)
    .map((b) => `${b.id}: ${countOf(b, counts)}`)
    .join(", ");
  return (
    <div className="flex flex-col gap-6">
      <div className="overflow-x-auto rounded-lg border border-line bg-card p-2">
        <svg
          role="img"
          aria-label={`Order state machine with ${total} orders: ${described}`}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width={layout.width}
          height={layout.height}
          className="h-auto max-w-none min-w-[52rem] lg:w-full lg:min-w-0"
        >
          <defs>
            <marker id="arrow-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" fill="#5a4f45" />
            </marker>
          </defs>
          {layout.boxes
            .filter((b) => !b.leaf)
            .map((b) => (
              <g key={b.id}>
                <rect x={b.x} y={b.y} width={b.width} height={b.height} rx={14} fill="#f8f3e9" stroke="#857869" strokeDasharray="5 4" />
                <text x={b.x + 14} y={b.y + 27} fontSize="15" fontWeight="700" fill="#2b2520">
                  {b.label} · {countOf(b, counts)}
                </text>
              </g>
            ))}
          {layout.arrows.map((a, i) => (
            <path key={`arrow-${i}`} d={a.d} fill="none" stroke="#5a4f45" strokeWidth="1.4" markerEnd="url(#arrow-head)" />
          ))}
          {layout.boxes
            .filter((b) => b.leaf)
            .map((b) => {
              const n = countOf(b, counts);
              return (
                <g key={b.id} data-state={b.id} data-count={n}>
                  <rect
                    x={b.x}
                    y={b.y}
                    width={b.width}
                    height={b.height}
                    rx={10}
                    fill={n > 0 ? "#e2efec" : "#fffdf9"}
                    stroke={n > 0 ? "#1d5c58" : "#857869"}
                    strokeWidth={n > 0 ? 2 : 1}
                  />
                  <text x={b.x + 12} y={b.y + b.height / 2 + 5} fontSize="13.5" fill="#2b2520">
                    {b.label}
                  </text>
                  <text
                    x={b.x + b.width - 12}
                    y={b.y + b.height / 2 + 6}
                    fontSize="17"
                    fontWeight="700"
                    textAnchor="end"
                    fill={n > 0 ? "#134340" : "#5a4f45"}
                  >
                    {n}
                  </text>
                </g>
              );
            })}
          {layout.arrows.map((a, i) => (
            <NumberBadge key={`arrow-badge-${i}`} {...a.badge} numbers={a.numbers} />
          ))}
          {layout.badges.map((b, i) => (
            <NumberBadge key={`badge-${i}`} {...b} />
          ))}
        </svg>
      </div>
      <section aria-labelledby="transitions-heading" className="overflow-x-auto rounded-lg border border-line bg-card p-5">
        <h2 id="transitions-heading" className="font-serif text-xl font-bold">
          Transitions
        </h2>
        <table className="mt-3 w-full text-left text-sm">
          <TableHead columns={["#", "From", "Event", "Guard", "To"]} />
          <tbody>
            {layout.edges.map((e) => (
              <tr key={e.number} className="border-b border-line last:border-0">
                <td className="py-1.5 pr-3 font-bold tabular-nums">{e.number}</td>
                <td className="py-1.5 pr-3">
                  <code>{e.from}</code>
                  {e.from.includes(".") || e.from === "new" ? "" : " (any)"}
                </td>
                <td className="py-1.5 pr-3">
                  <code>{e.event}</code>
                </td>
                <td className="py-1.5 pr-3 text-ink-soft">{e.guard ?? "—"}</td>
                <td className="py-1.5">
                  <code>{e.to}</code>
                  {e.from === e.to ? " (stays)" : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
