import type { OrderDisplayStatus } from "@/machines/statuses";

type OrderStatusBadgeProps = { status: string };

type BadgeStyle = { label: string; tone: string; dot: string };

// One entry per display status of machines/statuses.ts (the compiler checks).
const styles: Record<OrderDisplayStatus, BadgeStyle> = {
  created: { label: "Awaiting payment", tone: "bg-amber-50 text-amber-900 ring-amber-700/30", dot: "bg-amber-500" },
  paid: { label: "Paid", tone: "bg-emerald-50 text-emerald-800 ring-emerald-700/25", dot: "bg-emerald-600" },
  fulfilled: { label: "Shipped", tone: "bg-accent-soft text-accent-strong ring-accent/30", dot: "bg-accent" },
  delivered: { label: "Delivered", tone: "bg-teal-50 text-teal-900 ring-teal-700/25", dot: "bg-teal-600" },
  cancelled: { label: "Cancelled", tone: "bg-stone-100 text-stone-700 ring-stone-500/30", dot: "bg-stone-500" },
  refund_pending: { label: "Refund in progress", tone: "bg-sky-50 text-sky-900 ring-sky-700/25", dot: "bg-sky-600" },
  partially_refunded: { label: "Partially refunded", tone: "bg-violet-50 text-violet-900 ring-violet-700/25", dot: "bg-violet-400" },
  refunded: { label: "Refunded", tone: "bg-violet-50 text-violet-900 ring-violet-700/25", dot: "bg-violet-600" },
};

export function orderStatusLabel(status: string): string {
  return styles[status as OrderDisplayStatus]?.label ?? status;
}

/** An order's status as text and colour (the text carries the meaning). */
export function OrderStatusBadge({ status }: OrderStatusBadgeProps) {
  const style = styles[status as OrderDisplayStatus] ?? {
    label: status,
    tone: "bg-stone-100 text-stone-700 ring-stone-500/30",
    dot: "bg-stone-500",
  };
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-semibold whitespace-nowrap ring-1 ring-inset ${style.tone}`}
    >
      <span aria-hidden="true" className={`size-1.5 rounded-full ${style.dot}`} />
      {style.label}
    </span>
  );
}
