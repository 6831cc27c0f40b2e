import { randomBytes } from "node:crypto";
import { carrierConfigured, registerShipment } from "@/lib/carrier/carrier";
import { env, type Env } from "@/lib/env";
import type { ShippingMethod, ShippingOption } from "@/machines/order-types";
import { shippingOfOrder } from "./store";

/** Adds business days (Monday to Friday) to a date; returns YYYY-MM-DD. */
export function addBusinessDays(from: Date, days: number): string {
  const date = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return date.toISOString().slice(0, 10);
}

export function newTrackingNumber(): string {
  return `PL${randomBytes(5).toString("hex").toUpperCase()}`;
}

/** "3-5" → { minDays: 3, maxDays: 5 } (validated by lib/env.ts; a reversed range is put right). */
function days(range: string): { minDays: number; maxDays: number } {
  const [a, b] = range.split("-").map(Number) as [number, number];
  return { minDays: Math.max(1, Math.min(a, b)), maxDays: Math.max(1, a, b) };
}

/**
 * The rates the store offers on an order, from the settings: standard (free
 * when the books cost at least FREE_SHIPPING_THRESHOLD_CENTS) and express.
 * Fixed at checkout in the order's machine context, so what the gateway
 * charges can be checked against what was offered.
 */
export function shippingOffer(subtotalCents: number, e: Env = env()): ShippingOption[] {
  const free = e.FREE_SHIPPING_THRESHOLD_CENTS > 0 && subtotalCents >= e.FREE_SHIPPING_THRESHOLD_CENTS;
  return [
    { method: "standard", amountCents: free ? 0 : e.SHIPPING_STANDARD_CENTS, ...days(e.SHIPPING_STANDARD_DAYS) },
    { method: "express", amountCents: e.SHIPPING_EXPRESS_CENTS, ...days(e.SHIPPING_EXPRESS_DAYS) },
  ];
}

export function shippingCountries(e: Env = env()): string[] {
  return e.SHIPPING_COUNTRIES.split(",");
}

export const shippingMethodLabel = (method: ShippingMethod | string) => (method === "express" ? "Express" : "Standard");

/** The delivery estimate: the chosen rate's longest delivery time, else DELIVERY_BUSINESS_DAYS (orders from before rates). */
export function estimatedDelivery(chosen: ShippingOption | undefined, from: Date = new Date()): string {
  return addBusinessDays(from, chosen?.maxDays ?? env().DELIVERY_BUSINESS_DAYS);
}

/**
 * FULFIL for an order: a tracking number and the estimate of the rate the
 * shopper chose. With a carrier (CARRIER_API_KEY) a paid order that can ship
 * is registered with it first, and its tracking number and estimate are
 * used: the carrier then reports the parcel's progress. `address: false`
 * when a paid order has nowhere to go (the machine refuses to ship it).
 */
export async function fulfilEventFor(
  orderId: string,
): Promise<{ event: { type: "FULFIL"; trackingNumber: string; estimatedDelivery: string }; address: boolean }> {
  const row = await shippingOfOrder(orderId);
  const options = row?.options ?? [];
  const chosen = options.find((o) => o.method === row?.method);
  const address = options.length === 0 || !!row?.line1;
  if (row?.status === "paid" && address && carrierConfigured()) {
    const shipment = await registerShipment(orderId, chosen?.method === "express" ? "express" : "standard");
    return {
      event: {
        type: "FULFIL",
        trackingNumber: shipment.trackingNumber,
        estimatedDelivery: shipment.estimatedDelivery ?? estimatedDelivery(chosen),
      },
      address,
    };
  }
  return { event: { type: "FULFIL", trackingNumber: newTrackingNumber(), estimatedDelivery: estimatedDelivery(chosen) }, address };
}

/**
 * FULFIL for a parcel an operator sent by hand (the "ship by hand" queue): the
 * tracking number they typed, else the store's own reference; the estimate of
 * the rate the shopper chose. The carrier is not asked (it may be what failed).
 */
export async function handShipmentEventFor(
  orderId: string,
  trackingNumber?: string,
): Promise<{ event: { type: "FULFIL"; trackingNumber: string; estimatedDelivery: string }; address: boolean }> {
  const row = await shippingOfOrder(orderId);
  const options = row?.options ?? [];
  const chosen = options.find((o) => o.method === row?.method);
  const address = options.length === 0 || !!row?.line1;
  return {
    event: { type: "FULFIL", trackingNumber: trackingNumber ?? newTrackingNumber(), estimatedDelivery: estimatedDelivery(chosen) },
    address,
  };
}
