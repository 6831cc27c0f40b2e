import type { Metadata } from "next";
import { SalesChart } from "@/components/admin/sales-chart";
import { formatPrice } from "@/components/price";
import { salesByDay, sumSalesDays } from "@/lib/admin/sales";
import { requireAdminPage } from "../require-admin";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sales · Admin" };

const DAYS = 30;

// GET /admin/sales – operators: the last 30 days of orders and money, per UTC day.
export default async function AdminSalesPage() {
  await requireAdminPage();
  const report = await salesByDay({ days: DAYS });
  const totals = sumSalesDays(report.days);
  const money = (cents: number) => formatPrice(cents, report.currency);
  const cards = [
    { label: "Orders placed", value: totals.placed.toLocaleString("en-US") },
    { label: "Paid", value: totals.paid.toLocaleString("en-US") },
    { label: "Cancelled", value: totals.cancelled.toLocaleString("en-US") },
    { label: "Refunded", value: totals.refunded.toLocaleString("en-US") },
    { label: "Revenue", value: money(totals.revenueCents) },
    { label: "Refunds", value: money(totals.refundedCents) },
    { label: "Lost in disputes", value: money(totals.lostCents) },
    { label: "Net revenue", value: money(totals.netCents) },
  ];
  return (
    <div className="mx-auto max-w-6xl py-8">
      <h1 className="font-serif text-3xl font-bold text-ink">Sales</h1>
      <p className="mt-2 max-w-2xl text-ink-soft">
        The last {DAYS} days by UTC day, {report.days[0]?.day} to {report.days.at(-1)?.day}. Counts follow the order history, so an order
        paid and later refunded counts on both days. Net revenue is revenue less refunds and money lost in disputes (on the day each dispute
        was decided).
      </p>
      <section aria-labelledby="sales-totals-heading" className="mt-6">
        <h2 id="sales-totals-heading" className="sr-only">
          Totals for the last {DAYS} days
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-4">
          {cards.map((card) => (
            <div key={card.label} className="rounded-lg border border-line bg-card p-4 shadow-card">
              <dt className="text-xs tracking-wide text-ink-soft uppercase">{card.label}</dt>
              <dd className="mt-1 text-xl font-semibold text-ink tabular-nums">{card.value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <div className="mt-6">
        <SalesChart report={report} />
      </div>
    </div>
  );
}
