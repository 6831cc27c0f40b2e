import { describe, expect, it } from "vitest";
import { loadEnv } from "@/lib/env";
import { estimatedDelivery, shippingOffer } from "./shipping";

// The shipping settings: two rates with their delivery estimates, standard free over a threshold.

const settings = (changes: Record<string, string> = {}) => loadEnv({ NODE_ENV: "test", ...changes });

describe("shipping settings", () => {
  it("offer standard and express with their estimates; standard is free from the threshold (before discounts)", () => {
    const e = settings();
    expect(shippingOffer(4999, e)).toEqual([
      { method: "standard", amountCents: 499, minDays: 3, maxDays: 5 },
      { method: "express", amountCents: 1499, minDays: 1, maxDays: 2 },
    ]);
    expect(shippingOffer(5000, e)[0]).toMatchObject({ method: "standard", amountCents: 0 });
    expect(shippingOffer(5000, e)[1]).toMatchObject({ method: "express", amountCents: 1499 });
  });

  it("follow the settings; a threshold of 0 never ships free", () => {
    const e = settings({
      SHIPPING_STANDARD_CENTS: "350",
      SHIPPING_EXPRESS_CENTS: "2000",
      SHIPPING_STANDARD_DAYS: "5-8",
      SHIPPING_EXPRESS_DAYS: "2-1",
      FREE_SHIPPING_THRESHOLD_CENTS: "0",
    });
    expect(shippingOffer(1_000_000, e)).toEqual([
      { method: "standard", amountCents: 350, minDays: 5, maxDays: 8 },
      { method: "express", amountCents: 2000, minDays: 1, maxDays: 2 },
    ]);
  });

  it("refuse bad values at start, naming the setting", () => {
    expect(() => settings({ SHIPPING_COUNTRIES: "US,usa" })).toThrow(/SHIPPING_COUNTRIES/);
    expect(() => settings({ SHIPPING_EXPRESS_DAYS: "fast" })).toThrow(/SHIPPING_EXPRESS_DAYS/);
    expect(() => settings({ SHIPPING_STANDARD_CENTS: "-1" })).toThrow(/SHIPPING_STANDARD_CENTS/);
  });

  it("date the delivery by the chosen rate's longest time, in business days", () => {
    const friday = new Date("2026-11-27T10:00:00Z");
    expect(estimatedDelivery({ method: "express", amountCents: 1499, minDays: 1, maxDays: 2 }, friday)).toBe("2026-12-01");
    expect(estimatedDelivery({ method: "standard", amountCents: 499, minDays: 3, maxDays: 5 }, friday)).toBe("2026-12-04");
  });
});
