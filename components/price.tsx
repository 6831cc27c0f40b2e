const formatters = new Map<string, Intl.NumberFormat>();

/** Formats an amount in minor units (cents), e.g. 1299 + "usd" -> "$12.99". */
export function formatPrice(cents: number, currency: string): string {
  const code = currency.toUpperCase();
  let formatter = formatters.get(code);
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat("en-US", { style: "currency", currency: code });
    } catch {
      return `${(cents / 100).toFixed(2)} ${code}`;
    }
    formatters.set(code, formatter);
  }
  return formatter.format(cents / 100);
}

type PriceProps = { cents: number; currency: string; className?: string };

export function Price({ cents, currency, className }: PriceProps) {
  return <span className={className ?? "font-semibold text-ink tabular-nums"}>{formatPrice(cents, currency)}</span>;
}
