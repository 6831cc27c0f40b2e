import type { Metadata } from "next";
import Link from "next/link";
import { orderSeries, SalesChart } from "@/components/admin/sales-chart";
import { formatPrice } from "@/components/price";
import { textLinkClass } from "@/components/ui-classes";
import { salesByDay, sumSalesDays } from "@/lib/admin/sales";
import type { OrderStatus } from "@/machines/statuses";
import { requireAdminPage } from "../require-admin";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sales · Admin" };

const DAYS = 30;

type Card = { label: string; value: string; href?: string };

function Cards({ cards, label, columns }: { cards: Card[]; label: string; columns: string }) {
  return (
    <dl aria-label={label} className={`mt-3 grid grid-cols-2 gap-3 ${columns}`}>
      {cards.map((card, i) => (
        <div
          key={card.label}
          // An odd last card takes the whole row on a phone.
          className={`rounded-lg border border-line bg-card p-4 shadow-card ${cards.length % 2 && i === cards.length - 1 ? "col-span-2 sm:col-span-1" : ""}`}
        >
          <dt className="text-xs tracking-wide text-ink-soft uppercase">{card.label}</dt>
          <dd className="mt-1 text-xl font-semibold text-ink tabular-nums">
            {card.href ? (
              <Link className={textLinkClass} href={card.href}>
                {card.value}
              </Link>
            ) : (
              card.value
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

// GET /admin/sales – operators: the last 30 days of orders and money, per UTC day (figures defined on the page and in docs/ARCHITECTURE.md).
export default async function AdminSalesPage() {
  await requireAdminPage();
  const report = await salesByDay({ days: DAYS });
  const totals = sumSalesDays(report.days);
  const money = (cents: number) => formatPrice(cents, report.currency);
  const count = (n: number) => n.toLocaleString("en-US");
  const ordersHref = (status?: OrderStatus) =>
    `/admin/orders?${new URLSearchParams({ ...(status ? { status } : {}), from: report.from, to: report.to })}`;
  const orderCards: Card[] = [
    { label: "Orders placed", value: count(totals.placed), href: ordersHref() },
    ...orderSeries.map((s) => ({
      label: s.label,
      value: count(totals.byStatus[s.key as OrderStatus]),
      href: ordersHref(s.key as OrderStatus),
    })),
  ];
  const moneyCards: Card[] = [
    { label: "Payments taken", value: count(totals.paymentsTaken) },
    { label: "Revenue", value: money(totals.revenueCents) },
    { label: "Refunds", value: money(totals.refundedCents) },
    { label: "Lost in disputes", value: money(totals.lostCents) },
    { label: "Net revenue", value: money(totals.netCents) },
  ];
  return (
    <div className="mx-auto max-w-6xl py-8">
      <h1 className="font-serif text-3xl font-bold text-ink">Sales</h1>
      <p className="mt-2 max-w-3xl text-ink-soft">
        The last {DAYS} days by UTC day, {report.from} to {report.to}. Two kinds of figure, never added to each other: the orders placed in
        these days, and the money that moved in these days.
      </p>

      <section aria-labelledby="sales-orders-heading" className="mt-6">
        <h2 id="sales-orders-heading" className="font-serif text-xl font-bold text-ink">
          Orders placed in these days, by status now
        </h2>
        <p className="mt-1 max-w-3xl text-sm text-ink-soft">
          Each order counts once, on the day it was placed, under the status it has now, so the statuses add up to the orders placed. They
          are the orders page’s counts for the same days: each figure opens those orders. A partly refunded order counts under its status
          (paid, shipped or delivered); its refunds are in the money below.
        </p>
        <Cards label="Orders placed by status now" cards={orderCards} columns="sm:grid-cols-4" />
      </section>

      <section aria-labelledby="sales-money-heading" className="mt-6">
        <h2 id="sales-money-heading" className="font-serif text-xl font-bold text-ink">
          Money in these days
        </h2>
        <ul className="mt-1 max-w-3xl list-disc pl-5 text-sm text-ink-soft">
          <li>
            <strong className="text-ink">Payments taken</strong>: orders whose payment was captured in these days (whenever they were
            placed, whatever happened since); <strong className="text-ink">revenue</strong> is what those payments captured.
          </li>
          <li>
            <strong className="text-ink">Refunds</strong>: refunds of sales the payment provider confirmed in these days, whole and partial.
            Money no order took (paid after the order was cancelled, or paid twice) is given back in full and is neither revenue nor a
            refund here.
          </li>
          <li>
            <strong className="text-ink">Lost in disputes</strong>: money taken back by disputes decided against the store in these days.
          </li>
          <li>
            <strong className="text-ink">Net revenue</strong> = revenue − refunds − lost in disputes.
          </li>
        </ul>
        <Cards label="Money in these days" cards={moneyCards} columns="sm:grid-cols-3 lg:grid-cols-5" />
      </section>

      <div className="mt-6">
        <SalesChart report={report} />
      </div>
    </div>
  );
}
