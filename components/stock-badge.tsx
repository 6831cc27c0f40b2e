type StockBadgeProps = { available: number };

type StockState = { label: string; tone: string; dot: string };

export function stockState(available: number): StockState {
  if (available > 5) {
    return { label: "In stock", tone: "bg-emerald-50 text-emerald-800 ring-emerald-700/25", dot: "bg-emerald-600" };
  }
  if (available >= 1) {
    return { label: `Only ${available} left`, tone: "bg-amber-50 text-amber-900 ring-amber-700/30", dot: "bg-amber-500" };
  }
  return { label: "Out of stock", tone: "bg-red-50 text-red-800 ring-red-700/25", dot: "bg-red-600" };
}

/** Stock level as text and colour (the text carries the meaning; colour is a hint). */
export function StockBadge({ available }: StockBadgeProps) {
  const state = stockState(available);
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-semibold whitespace-nowrap ring-1 ring-inset ${state.tone}`}
    >
      <span aria-hidden="true" className={`size-1.5 rounded-full ${state.dot}`} />
      {state.label}
    </span>
  );
}
