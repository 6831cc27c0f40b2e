import { z } from "zod";
import type { EmulatorContext } from "../context";
import { resourceMissing } from "../errors";
import type { FormObject } from "../form-params";
import { newId } from "../ids";
import { unix } from "../objects/common";
import type { RequestInfo } from "../objects/event";
import { newTaxRate, type TaxRate } from "../objects/tax-rate";
import { applyUpdate, emitEvent, mergeMetadata } from "./events";
import { booleanParam, decimal, metadataSchema, parseParams } from "./params";
import type { RateRef } from "./pricing";

// Tax rates: POST/GET /v1/tax_rates (manual rates for line_items[][tax_rates]),
// and the TaxRate objects automatic tax shows for each rate it applied.

const taxTypes = [
  "gst",
  "hst",
  "pst",
  "qst",
  "rst",
  "sales_tax",
  "vat",
  "jct",
  "igst",
  "service_tax",
  "lease_tax",
  "retail_delivery_fee",
  "communications_tax",
] as const;

const createSchema = z.strictObject({
  display_name: z.string().min(1).max(50, "display_name can have up to 50 characters."),
  percentage: decimal(0, 100),
  inclusive: booleanParam,
  active: booleanParam.optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, "Invalid country")
    .optional(),
  state: z.string().max(20).optional(),
  description: z.string().max(500).optional(),
  jurisdiction: z.string().max(50).optional(),
  tax_type: z.enum(taxTypes).optional(),
  metadata: metadataSchema.optional(),
  expand: z.array(z.string()).optional(),
});

export function createTaxRate(ctx: EmulatorContext, params: FormObject, request: RequestInfo): TaxRate {
  const p = parseParams(createSchema, params);
  const rate = newTaxRate({
    id: newId("txr"),
    created: unix(ctx.now()),
    displayName: p.display_name,
    description: p.description ?? null,
    // Thousandths of a percent are what the emulator computes with.
    percentage: Math.round(p.percentage * 1000) / 1000,
    inclusive: p.inclusive,
    active: p.active ?? true,
    country: p.country ?? null,
    state: p.state ?? null,
    jurisdiction: p.jurisdiction ?? null,
    jurisdictionLevel: null,
    taxType: p.tax_type ?? null,
    effectivePercentage: null,
    metadata: p.metadata ?? {},
  });
  ctx.state.taxRates.set(rate.id, rate);
  emitEvent(ctx, "tax_rate.created", rate, request);
  return rate;
}

export function retrieveTaxRate(ctx: EmulatorContext, id: string, param = "tax_rate"): TaxRate {
  const rate = ctx.state.taxRates.get(id) ?? [...ctx.state.automaticTaxRates.values()].find((r) => r.id === id);
  if (!rate) throw resourceMissing("tax_rate", id, param);
  return rate;
}

const updateSchema = z.strictObject({
  active: booleanParam.optional(),
  display_name: z.string().min(1).max(50).optional(),
  description: z.string().max(500).optional(),
  metadata: metadataSchema.optional(),
  expand: z.array(z.string()).optional(),
});

export function updateTaxRate(ctx: EmulatorContext, id: string, params: FormObject, request: RequestInfo): TaxRate {
  const rate = ctx.state.taxRates.get(id);
  if (!rate) throw resourceMissing("tax_rate", id, "tax_rate");
  const p = parseParams(updateSchema, params);
  const changes = {
    active: p.active,
    display_name: p.display_name,
    description: p.description,
    metadata: mergeMetadata(rate.metadata, p.metadata),
  };
  return applyUpdate(ctx, rate, changes, "tax_rate.updated", request);
}

/** The TaxRate object for a rate automatic tax applied (one per tax, rate and behaviour). */
export function automaticTaxRate(ctx: EmulatorContext, ref: Extract<RateRef, { source: "automatic" }>): TaxRate {
  const { component, jurisdiction } = ref;
  const state = component.level === "state" ? jurisdiction.state : null;
  const key = [jurisdiction.country, state ?? "", component.taxType, component.jurisdiction, ref.percentage, ref.inclusive].join("|");
  const existing = ctx.state.automaticTaxRates.get(key);
  if (existing) return existing;
  const percentage = ref.percentage / 1000;
  const rate = newTaxRate({
    id: newId("txr"),
    created: unix(ctx.now()),
    displayName: component.displayName,
    description: null,
    percentage,
    inclusive: ref.inclusive,
    active: true,
    country: jurisdiction.country,
    state,
    jurisdiction: component.jurisdiction,
    jurisdictionLevel: component.level,
    taxType: component.taxType,
    effectivePercentage: percentage,
    metadata: {},
  });
  ctx.state.automaticTaxRates.set(key, rate);
  return rate;
}

export function rateIdOf(ctx: EmulatorContext, ref: RateRef): string {
  return ref.source === "manual" ? ref.id : automaticTaxRate(ctx, ref).id;
}
