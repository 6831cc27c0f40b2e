import type { Metadata } from "./common";

// A percentage TaxRate with every field of Stripe's example: created through
// the API (manual rates on line items), or by the emulator's automatic tax for
// each rate it applies (those carry effective_percentage and are not listed).

export type NewTaxRate = {
  id: string;
  created: number;
  displayName: string;
  description: string | null;
  percentage: number;
  inclusive: boolean;
  active: boolean;
  country: string | null;
  state: string | null;
  jurisdiction: string | null;
  jurisdictionLevel: "city" | "country" | "county" | "district" | "multiple" | "state" | null;
  taxType: string | null;
  effectivePercentage: number | null;
  metadata: Metadata;
};

export function newTaxRate(t: NewTaxRate) {
  return {
    id: t.id,
    object: "tax_rate" as const,
    active: t.active,
    country: t.country,
    created: t.created,
    description: t.description,
    display_name: t.displayName,
    effective_percentage: t.effectivePercentage,
    flat_amount: null,
    inclusive: t.inclusive,
    jurisdiction: t.jurisdiction,
    jurisdiction_level: t.jurisdictionLevel,
    livemode: false,
    metadata: t.metadata,
    percentage: t.percentage,
    rate_type: "percentage" as const,
    state: t.state,
    tax_type: t.taxType,
  };
}

export type TaxRate = ReturnType<typeof newTaxRate>;
