import type { Metadata } from "./common";

// A fixed-amount ShippingRate with every field of Stripe's example.

export type DeliveryUnit = "business_day" | "day" | "hour" | "month" | "week";
export type DeliveryBound = { unit: DeliveryUnit; value: number };
export type TaxBehavior = "exclusive" | "inclusive" | "unspecified";

export type NewShippingRate = {
  id: string;
  created: number;
  displayName: string;
  amount: number;
  currency: string;
  deliveryEstimate: { minimum: DeliveryBound | null; maximum: DeliveryBound | null } | null;
  taxBehavior: TaxBehavior;
  taxCode: string | null;
  metadata: Metadata;
};

export function newShippingRate(r: NewShippingRate) {
  return {
    id: r.id,
    object: "shipping_rate" as const,
    active: true,
    created: r.created,
    delivery_estimate: r.deliveryEstimate,
    display_name: r.displayName,
    fixed_amount: { amount: r.amount, currency: r.currency },
    livemode: false,
    metadata: r.metadata,
    tax_behavior: r.taxBehavior,
    tax_code: r.taxCode,
    type: "fixed_amount" as const,
  };
}

export type ShippingRate = ReturnType<typeof newShippingRate>;
