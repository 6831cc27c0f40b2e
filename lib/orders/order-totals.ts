import type { ShippingAddress, ShippingMethod } from "@/machines/order-types";

// The lines every place that shows an order's money prints (order page,
// operator console, receipt, packing slip, e-mails), from one function so they
// cannot disagree: subtotal − discount + shipping + tax = total.

export type OrderAmounts = {
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  taxCents: number;
  totalCents: number;
  promotionCode: string | null;
  shippingMethod: ShippingMethod | null;
  /** Rates were offered but none chosen yet: shipping and tax come on the payment page. */
  shippingOptions?: unknown[];
};

export type TotalsRow = { key: "subtotal" | "discount" | "shipping" | "tax" | "total"; label: string; cents: number };

export const shippingLabel = (method: ShippingMethod | string | null) => (method === "express" ? "Express" : "Standard");

export function totalsRows(order: OrderAmounts): TotalsRow[] {
  const rows: TotalsRow[] = [{ key: "subtotal", label: "Subtotal", cents: order.subtotalCents }];
  if (order.discountCents > 0) {
    rows.push({
      key: "discount",
      label: order.promotionCode ? `Discount (${order.promotionCode})` : "Discount",
      cents: -order.discountCents,
    });
  }
  if (order.shippingMethod)
    rows.push({ key: "shipping", label: `Shipping (${shippingLabel(order.shippingMethod)})`, cents: order.shippingCents });
  if (order.shippingMethod || order.taxCents > 0) rows.push({ key: "tax", label: "Tax", cents: order.taxCents });
  rows.push({ key: "total", label: "Total", cents: order.totalCents });
  return rows;
}

/** Shipping and tax are not known until the shopper chooses them on the payment page. */
export function awaitingSale(order: OrderAmounts): boolean {
  return !order.shippingMethod && (order.shippingOptions?.length ?? 0) > 0;
}

const COUNTRY_NAMES: Record<string, string> = {
  US: "United States",
  CA: "Canada",
  GB: "United Kingdom",
  IE: "Ireland",
  DE: "Germany",
  FR: "France",
  NL: "Netherlands",
  ES: "Spain",
  IT: "Italy",
};

/** The address as it goes on a parcel, one line each. */
export function addressLines(address: ShippingAddress): string[] {
  const place = [address.city, [address.region, address.postalCode].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  return [address.name, address.line1, address.line2, place, COUNTRY_NAMES[address.country] ?? address.country].filter(
    (line): line is string => !!line,
  );
}
