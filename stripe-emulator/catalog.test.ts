import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { sharedHarness, type Harness } from "./test-support";

// Coupons, promotion codes, shipping rates and tax rates through the real SDK.

let h: Harness;
const clock = sharedHarness((harness) => (h = harness), { webhookUrl: "" });

const nowS = () => Math.floor((Date.now() + clock.offsetMs) / 1000);
const failure = async (call: Promise<unknown>) => (await call.catch((e: unknown) => e)) as Stripe.errors.StripeError;

describe("coupons", () => {
  it("creates percent and amount coupons, retrieves, lists newest first, updates and deletes them", async () => {
    const percent: Stripe.Coupon = await h.stripe.coupons.create({
      percent_off: 25.5,
      duration: "once",
      name: "Quarter-ish",
      max_redemptions: 3,
    });
    expect(percent).toMatchObject({
      object: "coupon",
      percent_off: 25.5,
      amount_off: null,
      currency: null,
      duration: "once",
      max_redemptions: 3,
      times_redeemed: 0,
      valid: true,
    });
    expect(percent.id).toMatch(/^[A-Z0-9]{8}$/);
    // One clock reading: read twice, a second could pass between the request and the check.
    const redeemBy = nowS() + 3600;
    const amount = await h.stripe.coupons.create({ id: "FIVE-OFF", amount_off: 500, currency: "USD", redeem_by: redeemBy });
    expect(amount).toMatchObject({ id: "FIVE-OFF", amount_off: 500, currency: "usd", percent_off: null, redeem_by: redeemBy });

    expect((await h.stripe.coupons.retrieve("FIVE-OFF")).amount_off).toBe(500);
    expect((await h.stripe.coupons.list({ limit: 1 })).data.map((c) => c.id)).toEqual(["FIVE-OFF"]);
    expect(await h.stripe.coupons.update("FIVE-OFF", { name: "Five off", metadata: { campaign: "spring" } })).toMatchObject({
      name: "Five off",
      metadata: { campaign: "spring" },
    });

    // Past redeem_by, the coupon is no longer valid.
    clock.offsetMs = 2 * 3600_000;
    expect((await h.stripe.coupons.retrieve("FIVE-OFF")).valid).toBe(false);

    expect(await h.stripe.coupons.del("FIVE-OFF")).toEqual(expect.objectContaining({ id: "FIVE-OFF", object: "coupon", deleted: true }));
    expect(await failure(h.stripe.coupons.retrieve("FIVE-OFF"))).toMatchObject({ statusCode: 404, code: "resource_missing" });
  });

  it("refuses bad coupons with Stripe's 400s, naming the param", async () => {
    const cases: [Stripe.CouponCreateParams, string][] = [
      [{}, "amount_off"],
      [{ percent_off: 10, amount_off: 100, currency: "usd" }, "percent_off"],
      [{ amount_off: 100 }, "currency"],
      [{ percent_off: 120 }, "percent_off"],
      [{ percent_off: 10, duration: "repeating" }, "duration_in_months"],
      [{ percent_off: 10, redeem_by: nowS() - 10 }, "redeem_by"],
      [{ percent_off: 10, id: "has space" }, "id"],
    ];
    for (const [params, param] of cases) {
      const error = await failure(h.stripe.coupons.create(params));
      expect(error, param).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.param).toBe(param);
    }
    await h.stripe.coupons.create({ id: "TAKEN", percent_off: 5 });
    expect(await failure(h.stripe.coupons.create({ id: "TAKEN", percent_off: 5 }))).toMatchObject({
      statusCode: 400,
      code: "resource_already_exists",
    });
    expect(h.emulator.state.coupons.size).toBe(1);
  });
});

describe("promotion codes", () => {
  it("creates codes for a coupon, finds them by code (any case), active and coupon, and deactivates them", async () => {
    const coupon = await h.stripe.coupons.create({ percent_off: 10 });
    const code: Stripe.PromotionCode = await h.stripe.promotionCodes.create({
      promotion: { type: "coupon", coupon: coupon.id },
      code: "BOOKS10",
      max_redemptions: 2,
      expires_at: nowS() + 86_400,
      restrictions: { minimum_amount: 2000, minimum_amount_currency: "usd" },
    });
    expect(code).toMatchObject({
      object: "promotion_code",
      code: "BOOKS10",
      active: true,
      times_redeemed: 0,
      max_redemptions: 2,
      promotion: { type: "coupon", coupon: coupon.id },
      restrictions: { first_time_transaction: false, minimum_amount: 2000, minimum_amount_currency: "usd" },
    });
    expect(code.id).toMatch(/^promo_/);
    const generated = await h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id } });
    expect(generated.code).toMatch(/^[A-Z0-9]{8}$/);

    expect((await h.stripe.promotionCodes.list({ code: "books10" })).data.map((c) => c.id)).toEqual([code.id]);
    expect((await h.stripe.promotionCodes.list({ coupon: coupon.id })).data).toHaveLength(2);
    const expanded = await h.stripe.promotionCodes.retrieve(code.id, { expand: ["promotion.coupon"] });
    expect(expanded.promotion.coupon).toMatchObject({ id: coupon.id, object: "coupon" });

    expect(await h.stripe.promotionCodes.update(code.id, { active: false })).toMatchObject({ active: false });
    expect((await h.stripe.promotionCodes.list({ active: true })).data.map((c) => c.id)).toEqual([generated.id]);
    expect((await h.stripe.promotionCodes.list({ active: false })).data.map((c) => c.id)).toEqual([code.id]);
  });

  it("keeps active codes unique regardless of case, and checks expiry against the coupon", async () => {
    const coupon = await h.stripe.coupons.create({ percent_off: 10, redeem_by: nowS() + 3600 });
    const first = await h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "SPRING" });
    expect(
      await failure(h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "spring" })),
    ).toMatchObject({ statusCode: 400, param: "code" });
    await h.stripe.promotionCodes.update(first.id, { active: false });
    const second = await h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "spring" });
    // Reactivating the first would make two active SPRINGs.
    expect(await failure(h.stripe.promotionCodes.update(first.id, { active: true }))).toMatchObject({ statusCode: 400, param: "code" });
    expect(second.active).toBe(true);

    const cases: [Stripe.PromotionCodeCreateParams, string][] = [
      [{ promotion: { type: "coupon", coupon: "nope" } }, "promotion[coupon]"],
      [{ promotion: { type: "coupon", coupon: coupon.id }, expires_at: nowS() + 7200 }, "expires_at"],
      [{ promotion: { type: "coupon", coupon: coupon.id }, code: "no spaces" }, "code"],
      [
        { promotion: { type: "coupon", coupon: coupon.id }, restrictions: { minimum_amount: 100 } },
        "restrictions[minimum_amount_currency]",
      ],
    ];
    for (const [params, param] of cases) expect((await failure(h.stripe.promotionCodes.create(params))).param, param).toBe(param);
  });

  it("deleting a coupon deactivates its codes for good", async () => {
    const coupon = await h.stripe.coupons.create({ percent_off: 10 });
    const code = await h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "GONE" });
    await h.stripe.coupons.del(coupon.id);
    expect((await h.stripe.promotionCodes.retrieve(code.id)).active).toBe(false);
    expect(await failure(h.stripe.promotionCodes.update(code.id, { active: true }))).toMatchObject({ statusCode: 400, param: "active" });
  });
});

describe("shipping rates", () => {
  it("creates, retrieves, lists by active and currency, and deactivates fixed-amount rates", async () => {
    const params: Stripe.ShippingRateCreateParams = {
      display_name: "Standard",
      type: "fixed_amount",
      fixed_amount: { amount: 499, currency: "usd" },
      delivery_estimate: { minimum: { unit: "business_day", value: 3 }, maximum: { unit: "business_day", value: 5 } },
      tax_behavior: "exclusive",
      tax_code: "txcd_92010001",
    };
    const standard: Stripe.ShippingRate = await h.stripe.shippingRates.create(params);
    expect(standard).toMatchObject({ object: "shipping_rate", active: true, ...params });
    const euro = await h.stripe.shippingRates.create({ display_name: "EU", fixed_amount: { amount: 900, currency: "eur" } });
    expect(euro).toMatchObject({ tax_behavior: "unspecified", tax_code: null, delivery_estimate: null });

    expect((await h.stripe.shippingRates.retrieve(standard.id)).display_name).toBe("Standard");
    expect((await h.stripe.shippingRates.list({ currency: "usd" })).data.map((r) => r.id)).toEqual([standard.id]);
    await h.stripe.shippingRates.update(euro.id, { active: false });
    expect((await h.stripe.shippingRates.list({ active: true })).data.map((r) => r.id)).toEqual([standard.id]);
    expect(await failure(h.stripe.shippingRates.update(standard.id, { tax_behavior: "inclusive" }))).toMatchObject({
      statusCode: 400,
      param: "tax_behavior",
    });
  });

  it("refuses bad rates", async () => {
    const cases: [Stripe.ShippingRateCreateParams, string][] = [
      [{ display_name: "x" }, "fixed_amount"],
      [{ display_name: "x", fixed_amount: { amount: -1, currency: "usd" } }, "fixed_amount[amount]"],
      [{ display_name: "x", fixed_amount: { amount: 1, currency: "usd" }, tax_code: "txcd_nope" }, "tax_code"],
      [
        {
          display_name: "x",
          fixed_amount: { amount: 1, currency: "usd" },
          delivery_estimate: { minimum: { unit: "fortnight" as "day", value: 1 } },
        },
        "delivery_estimate[minimum][unit]",
      ],
    ];
    for (const [params, param] of cases) expect((await failure(h.stripe.shippingRates.create(params))).param, param).toBe(param);
    expect(h.emulator.state.shippingRates.size).toBe(0);
  });
});

describe("tax rates", () => {
  it("creates, retrieves, lists and updates manual rates", async () => {
    const rate: Stripe.TaxRate = await h.stripe.taxRates.create({
      display_name: "Sales Tax",
      percentage: 8.875,
      inclusive: false,
      country: "US",
      state: "NY",
      jurisdiction: "NYC",
      tax_type: "sales_tax",
    });
    expect(rate).toMatchObject({
      object: "tax_rate",
      percentage: 8.875,
      inclusive: false,
      active: true,
      country: "US",
      state: "NY",
      tax_type: "sales_tax",
      rate_type: "percentage",
      flat_amount: null,
    });
    const vat = await h.stripe.taxRates.create({ display_name: "VAT", percentage: 19, inclusive: true });
    expect((await h.stripe.taxRates.retrieve(vat.id)).inclusive).toBe(true);
    expect((await h.stripe.taxRates.list({ inclusive: true })).data.map((r) => r.id)).toEqual([vat.id]);
    await h.stripe.taxRates.update(rate.id, { active: false });
    expect((await h.stripe.taxRates.list({ active: true })).data.map((r) => r.id)).toEqual([vat.id]);
    expect((await failure(h.stripe.taxRates.create({ display_name: "x", percentage: 101, inclusive: false }))).param).toBe("percentage");
    expect((await failure(h.stripe.taxRates.create({ display_name: "x", percentage: 5 } as Stripe.TaxRateCreateParams))).param).toBe(
      "inclusive",
    );
  });
});
