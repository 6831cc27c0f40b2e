import { formatPrice } from "@/components/price";
import { sumSalesDays, type SalesDay, type SalesReport, type SalesTotals } from "@/lib/admin/sales";

// Drawn on the server as plain SVG: no chart library, no client JavaScript.
// Fills keep at least 3:1 against the card (emerald-600, stone-500, amber-600, red-700).

type Series = { key: keyof SalesTotals; label: string; fill: string; swatch: string };
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

const orderSeries: Series[] = [
  { key: "paid", label: "Paid", fill: "fill-emerald-600", swatch: "bg-emerald-600" },
  { key: "cancelled", label: "Cancelled", fill: "fill-stone-500", swatch: "bg-stone-500" },
  { key: "refunded", label: "Refunded", fill: "fill-amber-600", swatch: "bg-amber-600" },
];
const moneySeries: Series[] = [
  { key: "revenueCents", label: "Revenue", fill: "fill-emerald-600", swatch: "bg-emerald-600" },
  { key: "refundedCents", label: "Refunds", fill: "fill-amber-600", swatch: "bg-amber-600" },
  { key: "lostCents", label: "Lost in disputes", fill: "fill-red-700", swatch: "bg-red-700" },
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
    const value = day[s.key];
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
  const heights = days.map((d) => (isStacked ? series.reduce((sum, s) => sum + d[s.key], 0) : Math.max(...series.map((s) => d[s.key]))));
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

/** "Orders per day" and "Revenue per day" for a sales report, with the numbers in a table for anyone who cannot see the bars. */
export function SalesChart({ report }: { report: SalesReport }) {
  const { days, currency } = report;
  const totals = sumSalesDays(days);
  const money = (cents: number) => formatPrice(cents, currency);
  const span = `the last ${days.length} ${days.length === 1 ? "day" : "days"}`;
  return (
    <div className="space-y-6">
      <BarChart
        title="Orders per day"
        summary={`Orders per day over ${span}: ${totals.placed} placed, ${totals.paid} paid, ${totals.cancelled} cancelled, ${totals.refunded} refunded.`}
        days={days}
        series={orderSeries}
        isStacked
        formatTick={(n) => n.toLocaleString("en-US")}
      />
      <BarChart
        title="Revenue per day"
        summary={`Revenue per day over ${span}: ${money(totals.revenueCents)} taken, ${money(totals.refundedCents)} refunded, ${money(totals.lostCents)} lost in disputes, ${money(totals.netCents)} net.`}
        days={days}
        series={moneySeries}
        isStacked={false}
        formatTick={compactMoney(currency)}
      />
      <details className="rounded-lg border border-line bg-card p-5 shadow-card">
        <summary className="cursor-pointer font-semibold text-accent">The numbers, day by day</summary>
        {/* Focusable so keyboard users can scroll it sideways on a narrow screen. */}
        <div role="region" aria-label="Sales by day" tabIndex={0} className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Orders and money per UTC day over {span}</caption>
            <thead>
              <tr className="border-b border-line text-xs tracking-wide text-ink-soft uppercase">
                <th scope="col" className="py-2 pr-4">
                  Day (UTC)
                </th>
                {["Placed", "Paid", "Cancelled", "Refunded", "Revenue", "Refunds", "Lost in disputes", "Net revenue"].map((label) => (
                  <th key={label} scope="col" className="py-2 pr-4 text-right">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.day} className="border-b border-line">
                  <th scope="row" className="py-1.5 pr-4 font-normal whitespace-nowrap">
                    {d.day}
                  </th>
                  {([d.placed, d.paid, d.cancelled, d.refunded] as const).map((n, i) => (
                    <td key={i} className={cell}>
                      {n}
                    </td>
                  ))}
                  <td className={cell}>{money(d.revenueCents)}</td>
                  <td className={cell}>{money(d.refundedCents)}</td>
                  <td className={cell}>{money(d.lostCents)}</td>
                  <td className={cell}>{money(d.netCents)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr className="font-semibold">
                <th scope="row" className="py-2 pr-4">
                  Total
                </th>
                {([totals.placed, totals.paid, totals.cancelled, totals.refunded] as const).map((n, i) => (
                  <td key={i} className={cell}>
                    {n}
                  </td>
                ))}
                <td className={cell}>{money(totals.revenueCents)}</td>
                <td className={cell}>{money(totals.refundedCents)}</td>
                <td className={cell}>{money(totals.lostCents)}</td>
                <td className={cell}>{money(totals.netCents)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      </details>
    </div>
  );
}
