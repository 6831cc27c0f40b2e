import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { orderStatuses, type OrderStatus } from "@/db/schema";
import type { RefundReason } from "@/machines/order-types";

/**
 * One UTC day of the sales page. Two kinds of figure, never added to each other
 * (docs/ARCHITECTURE.md, "The sales page's figures"):
 * - orders placed that day, each counted once, by the status it has now
 *   (`byStatus` adds up to `placed`; the orders page shows the same counts for the same days);
 * - money and payments by the day they happened: payments captured (`paymentsTaken`,
 *   `revenueCents`), refunds the gateway confirmed, disputes lost.
 */
export type SalesDay = {
  /** The UTC calendar day, YYYY-MM-DD. */
  day: string;
  /** Orders placed (created) that day. */
  placed: number;
  /** Those orders by their status now: the stored `orders.status`, as the orders page counts them. */
  byStatus: Record<OrderStatus, number>;
  /** Orders whose payment was captured that day (`paid_at`), whenever they were placed and whatever happened since. */
  paymentsTaken: number;
  /** What those payments captured. */
  revenueCents: number;
  /**
   * Refunds the gateway confirmed that day (whole and partial), of sales only:
   * money an order never took (STRAY_MONEY_REFUNDS) was never revenue, so giving it back is no refund of revenue either.
   */
  refundedCents: number;
  /** Money lost that day in disputes of orders' own payments (a disputed stray payment was never revenue). */
  lostCents: number;
  /** Net revenue: revenue − refunds − lost in disputes. */
  netCents: number;
};

export type SalesReport = { days: SalesDay[]; currency: string; from: string; to: string };

/**
 * Refunds of money no order took: a payment that landed after the order was
 * cancelled, a second payment of a paid order, money from a payment page the
 * order no longer used, a payment of another amount than the order's. Each gives back, in full, money the report never
 * counted as revenue (revenue is what orders were paid), so it is left out of
 * refunds too; counted, it lowered net revenue by money the store never kept
 * (a money audit's find).
 */
export const STRAY_MONEY_REFUNDS = [
  "late_payment",
  "duplicate_payment",
  "unrecorded_payment",
  "mismatched_payment",
] as const satisfies readonly RefundReason[];

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function noStatuses(): Record<OrderStatus, number> {
  return Object.fromEntries(orderStatuses.map((status) => [status, 0])) as Record<OrderStatus, number>;
}

/**
 * The sales page for the last `days` UTC days including today, oldest first,
 * days without activity as zeros. Orders are counted on the day they were
 * placed, once, by their status now; payments by `paid_at`, refunds by when
 * the gateway confirmed them, money lost in disputes by when the dispute was
 * decided; net revenue = revenue − refunds − lost in disputes.
 */
export async function salesByDay({ days = 30, now = new Date() }: { days?: number; now?: Date } = {}): Promise<SalesReport> {
  const span = Number.isFinite(days) ? Math.min(MAX_DAYS, Math.max(1, Math.trunc(days))) : 30;
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const firstDay = isoDay(today - (span - 1) * DAY_MS);
  const lastDay = isoDay(today);
  // Half-open UTC range, compared on the raw timestamps so the indexes serve it.
  const from = new Date(today - (span - 1) * DAY_MS).toISOString();
  const to = new Date(today + DAY_MS).toISOString();
  const utcDay = (column: string) => sql.raw(`(${column} at time zone 'UTC')::date`);
  const { db } = await getDb();
  const [rows, currencies] = await Promise.all([
    db.execute<{
      day: string;
      placed: number;
      statuses: Partial<Record<OrderStatus, number>>;
      payments_taken: number;
      revenue_cents: string;
      refunded_cents: string;
      lost_cents: string;
    }>(sql`
      with series as (
        select d::date as day from generate_series(${firstDay}::date, ${lastDay}::date, interval '1 day') as d
      ), placed as (
        select day, sum(n)::int as n, jsonb_object_agg(status, n) as statuses
        from (
          select ${utcDay("created_at")} as day, status, count(*)::int as n
          from orders where created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz group by 1, 2
        ) o group by day
      ), revenue as (
        select ${utcDay("paid_at")} as day, count(*)::int as n, sum(total_cents) as cents
        from orders where paid_at >= ${from}::timestamptz and paid_at < ${to}::timestamptz group by 1
      ), refunded as (
        select ${utcDay("updated_at")} as day, sum(amount_cents) as cents
        from refunds where status = 'succeeded' and updated_at >= ${from}::timestamptz and updated_at < ${to}::timestamptz
          and coalesce(reason, '') <> all(${`{${STRAY_MONEY_REFUNDS.join(",")}}`}::text[])
        group by 1
      ), lost as (
        -- Only disputes of the money an order took for itself: a lost dispute of a stray payment takes back money that was never revenue.
        select ${utcDay("d.closed_at")} as day, sum(d.amount_cents) as cents
        from disputes d join orders o on o.id = d.order_id
        where d.outcome = 'lost' and d.closed_at >= ${from}::timestamptz and d.closed_at < ${to}::timestamptz
          and d.payment_id = (o.machine_snapshot->'context'->>'paidPaymentId')::uuid
        group by 1
      )
      select to_char(s.day, 'YYYY-MM-DD') as day, coalesce(p.n, 0) as placed, coalesce(p.statuses, '{}'::jsonb) as statuses,
        coalesce(r.n, 0) as payments_taken,
        coalesce(r.cents, 0)::text as revenue_cents, coalesce(f.cents, 0)::text as refunded_cents, coalesce(l.cents, 0)::text as lost_cents
      from series s
        left join placed p on p.day = s.day
        left join revenue r on r.day = s.day
        left join refunded f on f.day = s.day
        left join lost l on l.day = s.day
      order by s.day`),
    // The store sells in one currency; the most used one in the window names the sums.
    db.execute<{ currency: string }>(sql`
      select currency from orders where created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz
      group by currency order by count(*) desc, currency limit 1`),
  ]);
  return {
    days: rows.map((r) => {
      // Sums of int are bigint, which arrive as text; a day's cents fit a double exactly.
      const [revenueCents, refundedCents, lostCents] = [Number(r.revenue_cents), Number(r.refunded_cents), Number(r.lost_cents)];
      return {
        day: r.day,
        placed: r.placed,
        byStatus: { ...noStatuses(), ...r.statuses },
        paymentsTaken: r.payments_taken,
        revenueCents,
        refundedCents,
        lostCents,
        netCents: revenueCents - refundedCents - lostCents,
      };
    }),
    currency: currencies[0]?.currency ?? "usd",
    from: firstDay,
    to: lastDay,
  };
}

export type SalesTotals = Omit<SalesDay, "day">;

/** Adds up a report's days, for summaries over the whole window. */
export function sumSalesDays(days: SalesDay[]): SalesTotals {
  const totals: SalesTotals = {
    placed: 0,
    byStatus: noStatuses(),
    paymentsTaken: 0,
    revenueCents: 0,
    refundedCents: 0,
    lostCents: 0,
    netCents: 0,
  };
  for (const day of days) {
    totals.placed += day.placed;
    totals.paymentsTaken += day.paymentsTaken;
    totals.revenueCents += day.revenueCents;
    totals.refundedCents += day.refundedCents;
    totals.lostCents += day.lostCents;
    totals.netCents += day.netCents;
    for (const status of orderStatuses) totals.byStatus[status] += day.byStatus[status];
  }
  return totals;
}
