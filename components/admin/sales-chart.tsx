import { orderStatusLabel } from "@/components/orders/order-status-badge";
import { formatPrice } from "@/components/price";
import { sumSalesDays, type SalesDay, type SalesReport } from "@/lib/admin/sales";
import type { OrderStatus } from "@/machines/statuses";

// Drawn on the server as plain SVG: no chart library, no client JavaScript.
// Fills keep at least 3:1 against the card (amber-600, emerald-600, the accent, sky-700, stone-500, fuchsia-700, violet-700, red-700).

type Series = { key: string; label: string; fill: string; swatch: string; value: (day: SalesDay) => number };
type ChartProps = {
  title: string;
  summary: string;
  days: SalesDay[];
  series: Series[];
  isStacked: boolean;
  formatTick: (value: number) => string;
};

const W = 720;
const H = 240;
const LEFT = 64;
const RIGHT = 28;
const TOP = 12;
const BOTTOM = 28;
const PLOT_W = W - LEFT - RIGHT;
const PLOT_H = H - TOP - BOTTOM;

const statusColours: [OrderStatus, string][] = [
  ["created", "amber-600"],
  ["paid", "emerald-600"],
  ["fulfilled", "accent"],
  ["delivered", "sky-700"],
  ["cancelled", "stone-500"],
  ["refund_pending", "fuchsia-700"],
  ["refunded", "violet-700"],
];
// Spelled out so Tailwind sees every class.
const fills: Record<string, [string, string]> = {
  "amber-600": ["fill-amber-600", "bg-amber-600"],
  "emerald-600": ["fill-emerald-600", "bg-emerald-600"],
  accent: ["fill-accent", "bg-accent"],
  "sky-700": ["fill-sky-700", "bg-sky-700"],
  "stone-500": ["fill-stone-500", "bg-stone-500"],
  "fuchsia-700": ["fill-fuchsia-700", "bg-fuchsia-700"],
  "violet-700": ["fill-violet-700", "bg-violet-700"],
  "red-700": ["fill-red-700", "bg-red-700"],
};
/** Orders placed each day, stacked by their status now: each order once, so a day's bar is its orders placed. */
export const orderSeries: Series[] = statusColours.map(([status, colour]) => ({
  key: status,
  label: orderStatusLabel(status),
  fill: fills[colour]![0],
  swatch: fills[colour]![1],
  value: (day) => day.byStatus[status],
}));
const moneySeries: Series[] = [
  { key: "revenueCents", label: "Revenue", fill: "fill-emerald-600", swatch: "bg-emerald-600", value: (d) => d.revenueCents },
  { key: "refundedCents", label: "Refunds", fill: "fill-amber-600", swatch: "bg-amber-600", value: (d) => d.refundedCents },
  { key: "lostCents", label: "Lost in disputes", fill: "fill-red-700", swatch: "bg-red-700", value: (d) => d.lostCents },
];

/** Round steps (1, 2, 5 × 10ⁿ, never below one unit) from zero to at least max. */
function niceTicks(max: number): number[] {
  if (max <= 0) return [0];
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(
    1,
    [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!,
  );
  return Array.from({ length: Math.ceil(max / step) + 1 }, (_, i) => i * step);
}

function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}

function compactMoney(currency: string): (cents: number) => string {
  try {
    const format = new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: currency.toUpperCase(),
      notation: "compact",
      minimumFractionDigits: 0,
      maximumFractionDigits: 1,
    });
    return (cents) => format.format(cents / 100);
  } catch {
    return (cents) => formatPrice(cents, currency);
  }
}

type Bar = { series: Series; x: number; width: number; from: number; to: number };

/** One day's bars in data units: stacked in one column, or side by side from zero. */
function placeBars(day: SalesDay, series: Series[], isStacked: boolean, x0: number, band: number): Bar[] {
  const bars: Bar[] = [];
  let base = 0;
  series.forEach((s, j) => {
    const value = s.value(day);
    if (value <= 0) return;
    const width = isStacked ? band * 0.7 : (band * 0.8) / series.length;
    const x = isStacked ? x0 + band * 0.15 : x0 + band * 0.1 + j * width;
    const from = isStacked ? base : 0;
    bars.push({ series: s, x, width, from, to: from + value });
    base += value;
  });
  return bars;
}

function BarChart({ title, summary, days, series, isStacked, formatTick }: ChartProps) {
  const heights = days.map((d) =>
    isStacked ? series.reduce((sum, s) => sum + s.value(d), 0) : Math.max(...series.map((s) => s.value(d))),
  );
  const ticks = niceTicks(Math.max(0, ...heights));
  const top = ticks.at(-1) || 1;
  const isEmpty = ticks.length === 1;
  const y = (value: number) => TOP + PLOT_H - (value / top) * PLOT_H;
  const band = PLOT_W / Math.max(1, days.length);
  const labelEvery = Math.max(1, Math.ceil(days.length / 6));
  return (
    <figure className="rounded-lg border border-line bg-card p-5 shadow-card">
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-serif text-xl font-bold text-ink">{title}</h2>
        <ul className="flex flex-wrap gap-4 text-sm text-ink">
          {series.map((s) => (
            <li key={s.key} className="flex items-center gap-1.5">
              <span aria-hidden="true" className={`inline-block size-3 rounded-sm ${s.swatch}`} />
              {s.label}
            </li>
          ))}
        </ul>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={summary} className="mt-3 h-auto w-full text-[12px]">
        {ticks.map((t) => (
          <g key={t}>
            {t > 0 ? <line x1={LEFT} x2={W - RIGHT} y1={y(t)} y2={y(t)} className="stroke-line" /> : null}
            <text x={LEFT - 8} y={y(t)} textAnchor="end" dominantBaseline="middle" className="fill-ink-soft">
              {formatTick(t)}
            </text>
          </g>
        ))}
        {isEmpty ? (
          <text x={LEFT + PLOT_W / 2} y={TOP + PLOT_H / 2} textAnchor="middle" className="fill-ink-soft text-[15px]">
            Nothing in these days yet
          </text>
        ) : null}
        {days.map((d, i) => (
          <g key={d.day}>
            {placeBars(d, series, isStacked, LEFT + i * band, band).map((bar) => (
              <rect
                key={bar.series.key}
                x={bar.x}
                width={bar.width}
                y={y(bar.to)}
                height={y(bar.from) - y(bar.to)}
                className={`${bar.series.fill} stroke-card`}
                strokeWidth={isStacked ? 1 : 0}
              >
                <title>{`${shortDay(d.day)}: ${bar.series.label} ${formatTick(bar.to - bar.from)}`}</title>
              </rect>
            ))}
            {(days.length - 1 - i) % labelEvery === 0 ? (
              <text x={LEFT + (i + 0.5) * band} y={H - 8} textAnchor="middle" className="fill-ink-soft">
                {shortDay(d.day)}
              </text>
            ) : null}
          </g>
        ))}
        {/* Drawn last so the bars' white separators do not nick the axis. */}
        <line x1={LEFT} x2={W - RIGHT} y1={y(0)} y2={y(0)} className="stroke-field" />
      </svg>
    </figure>
  );
}

const cell = "py-1.5 pr-4 text-right tabular-nums";

const statusOrder = statusColours.map(([status]) => status);

/** "Orders placed per day" (by status now) and "Money per day", with the numbers in tables for anyone who cannot see the bars. */
export function SalesChart({ report }: { report: SalesReport }) {
  const { days, currency } = report;
  const totals = sumSalesDays(days);
  const money = (cents: number) => formatPrice(cents, currency);
  const span = `the last ${days.length} ${days.length === 1 ? "day" : "days"}`;
  const byStatus = statusOrder.map((status) => `${totals.byStatus[status]} ${orderStatusLabel(status).toLowerCase()}`).join(", ");
  return (
    <div className="space-y-6">
      <BarChart
        title="Orders placed per day, by status now"
        summary={`Orders placed per day over ${span}: ${totals.placed} placed; now ${byStatus}.`}
        days={days}
        series={orderSeries}
        isStacked
        formatTick={(n) => n.toLocaleString("en-US")}
      />
      <BarChart
        title="Money per day"
        summary={`Money per day over ${span}: ${money(totals.revenueCents)} taken in ${totals.paymentsTaken} payments, ${money(totals.refundedCents)} refunded, ${money(totals.lostCents)} lost in disputes, ${money(totals.netCents)} net.`}
        days={days}
        series={moneySeries}
        isStacked={false}
        formatTick={compactMoney(currency)}
      />
      <details className="rounded-lg border border-line bg-card p-5 shadow-card">
        <summary className="cursor-pointer font-semibold text-accent">The numbers, day by day</summary>
        <DayTable
          label="Orders placed by day"
          caption={`Orders placed per UTC day over ${span}, by their status now`}
          columns={["Placed", ...statusOrder.map(orderStatusLabel)]}
          rows={days.map((d) => ({ day: d.day, cells: [d.placed, ...statusOrder.map((s) => d.byStatus[s])].map(String) }))}
          total={[totals.placed, ...statusOrder.map((s) => totals.byStatus[s])].map(String)}
        />
        <DayTable
          label="Money by day"
          caption={`Payments, refunds and disputes per UTC day over ${span}`}
          columns={["Payments taken", "Revenue", "Refunds", "Lost in disputes", "Net revenue"]}
          rows={days.map((d) => ({
            day: d.day,
            cells: [String(d.paymentsTaken), money(d.revenueCents), money(d.refundedCents), money(d.lostCents), money(d.netCents)],
          }))}
          total={[
            String(totals.paymentsTaken),
            money(totals.revenueCents),
            money(totals.refundedCents),
            money(totals.lostCents),
            money(totals.netCents),
          ]}
        />
      </details>
    </div>
  );
}

type DayTableProps = { label: string; caption: string; columns: string[]; rows: { day: string; cells: string[] }[]; total: string[] };

function DayTable({ label, caption, columns, rows, total }: DayTableProps) {
  return (
    // Focusable so keyboard users can scroll it sideways on a narrow screen.
    <div role="region" aria-label={label} tabIndex={0} className="mt-3 overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="py-2 text-left font-semibold text-ink">{caption}</caption>
        <thead>
          <tr className="border-b border-line text-xs tracking-wide text-ink-soft uppercase">
            <th scope="col" className="py-2 pr-4">
              Day (UTC)
            </th>
            {columns.map((column) => (
              <th key={column} scope="col" className="py-2 pr-4 text-right">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.day} className="border-b border-line">
              <th scope="row" className="py-1.5 pr-4 font-normal whitespace-nowrap">
                {row.day}
              </th>
              {row.cells.map((cellText, i) => (
                <td key={i} className={cell}>
                  {cellText}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="font-semibold">
            <th scope="row" className="py-2 pr-4">
              Total
            </th>
            {total.map((cellText, i) => (
              <td key={i} className={cell}>
                {cellText}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
