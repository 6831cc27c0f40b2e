import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  ADA_IN_BERLIN,
  bookSaleParams,
  control,
  pay,
  postPage,
  sharedHarness,
  TEST_CARD,
  waitFor,
  WEBHOOK_SECRET,
  type Harness,
} from "./test-support";

// A real sale on the emulator (issue #18): an address, shipping options,
// automatic tax and promotion codes, created through the real SDK and paid
// by posting the hosted page's form the way a browser without JavaScript does.

let h: Harness;
const clock = sharedHarness((harness) => (h = harness));

const nowS = () => Math.floor((Date.now() + clock.offsetMs) / 1000);
const failure = async (call: Promise<unknown>) => (await call.catch((e: unknown) => e)) as Stripe.errors.StripeError;

async function codeFor(
  percentOff: number,
  code: string,
  extra: Partial<Stripe.PromotionCodeCreateParams> = {},
): Promise<Stripe.PromotionCode> {
  const coupon = await h.stripe.coupons.create({ percent_off: percentOff, duration: "once" });
  return h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code, ...extra });
}

const expressOf = (session: Stripe.Checkout.Session) => String(session.shipping_options[1]!.shipping_rate);
const addsUp = (s: Stripe.Checkout.Session) => {
  const t = s.total_details!;
  expect(s.amount_total).toBe(s.amount_subtotal! - t.amount_discount + t.amount_shipping! + t.amount_tax);
};

describe("creating a session with shipping, tax and promotion codes", () => {
  it("has Stripe's fields: the first shipping option is chosen, tax waits for the address", async () => {
    const session = await h.stripe.checkout.sessions.create(bookSaleParams());
    expect(session).toMatchObject({
      amount_subtotal: 3448,
      amount_total: 3448 + 499,
      customer_email: null,
      allow_promotion_codes: true,
      automatic_tax: { enabled: true, liability: { type: "self" }, provider: "stripe", status: "requires_location_inputs" },
      shipping_address_collection: { allowed_countries: ["US", "CA", "GB", "DE", "FR", "IE"] },
      shipping_options: [{ shipping_amount: 499 }, { shipping_amount: 1299 }],
      shipping_cost: { amount_subtotal: 499, amount_tax: 0, amount_total: 499 },
      total_details: { amount_discount: 0, amount_shipping: 499, amount_tax: 0 },
      discounts: [],
      collected_information: null,
    });
    expect(session.shipping_cost!.shipping_rate).toBe(session.shipping_options[0]!.shipping_rate);
    // shipping_rate_data creates ShippingRate objects, as on Stripe.
    const express = await h.stripe.shippingRates.retrieve(expressOf(session));
    expect(express).toMatchObject({ display_name: "Express", fixed_amount: { amount: 1299, currency: "usd" }, tax_behavior: "exclusive" });
    const items = await h.stripe.checkout.sessions.listLineItems(session.id);
    expect(
      items.data.map((i) => [i.description, i.amount_subtotal, i.amount_discount, i.amount_tax, i.amount_total, i.price?.tax_behavior]),
    ).toEqual([
      ["Dune", 2598, 0, 0, 2598, "exclusive"],
      ["Emma", 850, 0, 0, 850, "exclusive"],
    ]);
  });

  it("refuses bad params with Stripe-shaped 400s naming the param, and creates nothing", async () => {
    const inactive = await h.stripe.shippingRates.create({ display_name: "Old", fixed_amount: { amount: 100, currency: "usd" } });
    await h.stripe.shippingRates.update(inactive.id, { active: false });
    const euro = await h.stripe.shippingRates.create({ display_name: "EU", fixed_amount: { amount: 100, currency: "eur" } });
    const rate = await h.stripe.taxRates.create({ display_name: "Tax", percentage: 5, inclusive: false });
    const rateData = { display_name: "x", fixed_amount: { amount: 100, currency: "usd" } };
    const cases: [Partial<Stripe.Checkout.SessionCreateParams>, string][] = [
      [{ shipping_options: [{ shipping_rate: inactive.id, shipping_rate_data: rateData }] }, "shipping_options[0]"],
      [{ shipping_options: [{ shipping_rate: "shr_missing" }] }, "shipping_options[0][shipping_rate]"],
      [{ shipping_options: [{ shipping_rate: inactive.id }] }, "shipping_options[0][shipping_rate]"],
      [{ shipping_options: [{ shipping_rate: euro.id }] }, "shipping_options[0][shipping_rate]"],
      [
        { shipping_options: [{ shipping_rate_data: { ...rateData, fixed_amount: { amount: 100, currency: "eur" } } }] },
        "shipping_options[0][shipping_rate_data][fixed_amount][currency]",
      ],
      [{ shipping_options: Array.from({ length: 6 }, () => ({ shipping_rate_data: rateData })) }, "shipping_options"],
      [{ shipping_address_collection: { allowed_countries: ["US", "XX" as "US"] } }, "shipping_address_collection[allowed_countries][1]"],
      [
        {
          line_items: [
            { quantity: 1, price_data: { currency: "usd", unit_amount: 900, product_data: { name: "x", tax_code: "txcd_nope" } } },
          ],
        },
        "line_items[0][price_data][product_data][tax_code]",
      ],
      [
        {
          line_items: [
            { quantity: 1, tax_rates: [rate.id], price_data: { currency: "usd", unit_amount: 900, product_data: { name: "x" } } },
          ],
        },
        "line_items[0][tax_rates]",
      ],
      [{ allow_promotion_codes: true, discounts: [{ coupon: "whatever" }] }, "discounts"],
      [{ allow_promotion_codes: undefined, discounts: [{ promotion_code: "promo_missing" }] }, "discounts[0][promotion_code]"],
      [{ automatic_tax: { enabled: "yes" as unknown as boolean } }, "automatic_tax[enabled]"],
    ];
    for (const [override, param] of cases) {
      const error = await failure(h.stripe.checkout.sessions.create(bookSaleParams(override)));
      expect(error, param).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error.statusCode, param).toBe(400);
      expect(error.param).toBe(param);
    }
    expect(h.emulator.state.sessions.size).toBe(0);
    expect(h.emulator.state.shippingRates.size).toBe(2);
  });

  it("takes a discount from the API that the customer cannot remove, and checks it first", async () => {
    const code = await codeFor(10, "STAFF", { restrictions: { minimum_amount: 10_000, minimum_amount_currency: "usd" } });
    const tooSmall = await failure(
      h.stripe.checkout.sessions.create(bookSaleParams({ allow_promotion_codes: undefined, discounts: [{ promotion_code: code.id }] })),
    );
    expect(tooSmall).toMatchObject({
      statusCode: 400,
      param: "discounts[0][promotion_code]",
      message: expect.stringMatching(/at least \$100\.00/),
    });

    const coupon = await h.stripe.coupons.create({ amount_off: 500, currency: "usd" });
    const session = await h.stripe.checkout.sessions.create(
      bookSaleParams({ allow_promotion_codes: undefined, discounts: [{ coupon: coupon.id }] }),
    );
    expect(session).toMatchObject({
      discounts: [{ coupon: coupon.id, promotion_code: null }],
      total_details: { amount_discount: 500 },
      amount_total: 3448 - 500 + 499,
    });
    const removed = await postPage(h.emulator, session.id, { action: "remove_code", country: "US" });
    expect(removed.html).not.toContain("Remove the promotion code");
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).total_details!.amount_discount).toBe(500);
  });
});

describe("a guest pays on the hosted page (form posts, no JavaScript)", () => {
  it("enters an e-mail and a German address, picks express, applies a code and pays exactly the total shown", async () => {
    const promo = await codeFor(10, "BOOKS10");
    const session = await h.stripe.checkout.sessions.create(bookSaleParams());
    const express = expressOf(session);

    const first = await fetch(session.url!.replace("localhost", "127.0.0.1"));
    const html = await first.text();
    expect(html).toMatch(/<label for="email">E-mail<\/label>/);
    expect(html).toContain('<option value="DE">Germany</option>');
    expect(html).not.toContain('<option value="JP"');
    expect(html).toMatch(/Standard<\/span> <span class="small">3–5 business days<\/span> <strong>\$4\.99<\/strong>/);
    expect(html).toContain("Express");
    expect(html).toMatch(/<label for="promotion-code">Promotion code<\/label>/);
    expect(html).toMatch(/<label for="state">State<\/label>/);

    // Choosing Germany re-renders the fields for it: no state, a 5-digit postal code.
    const germany = await postPage(h.emulator, session.id, { action: "update", email: "", country: "DE", shipping_rate: express });
    expect(germany.status).toBe(200);
    expect(germany.html).not.toContain('id="state"');
    expect(germany.html).toMatch(/<label for="postal-code">Postal code<\/label>/);

    const applied = await postPage(h.emulator, session.id, {
      action: "apply_code",
      ...ADA_IN_BERLIN,
      shipping_rate: express,
      promotion_code: "books10",
    });
    expect(applied.status).toBe(200);
    expect(applied.html).toContain("Discount applied: <code>BOOKS10</code>, 10% off");
    expect(applied.html).toContain("VAT 7% (books)");
    expect(applied.html).toContain("VAT 7% (shipping)");
    expect(applied.html).toContain("Pay $47.11");

    const open = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(open).toMatchObject({
      status: "open",
      amount_subtotal: 3448,
      amount_total: 4711,
      total_details: { amount_discount: 345, amount_shipping: 1299, amount_tax: 309 },
      shipping_cost: { amount_subtotal: 1299, amount_tax: 91, amount_total: 1390, shipping_rate: express },
      automatic_tax: { status: "complete" },
      discounts: [{ coupon: promo.promotion.coupon, promotion_code: promo.id }],
    });
    addsUp(open);
    // Applying counts nothing: only a completed session redeems.
    expect((await h.stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(0);

    const paid = await postPage(h.emulator, session.id, {
      ...ADA_IN_BERLIN,
      ...TEST_CARD,
      shipping_rate: express,
      method: "card",
      expected_total: "4711",
    });
    expect(paid).toMatchObject({ status: 303, location: `http://localhost:3000/checkout/return?session_id=${session.id}` });

    const done = await h.stripe.checkout.sessions.retrieve(session.id, {
      expand: ["total_details.breakdown", "shipping_cost.taxes", "payment_intent.latest_charge"],
    });
    expect(done).toMatchObject({
      status: "complete",
      payment_status: "paid",
      amount_total: 4711,
      customer_details: {
        email: "ada@example.com",
        name: "Ada Reader",
        address: { line1: "Unter den Linden 1", line2: null, city: "Berlin", postal_code: "10117", state: null, country: "DE" },
      },
      collected_information: {
        shipping_details: {
          name: "Ada Reader",
          address: { line1: "Unter den Linden 1", city: "Berlin", postal_code: "10117", country: "DE" },
        },
      },
    });
    addsUp(done);
    const { breakdown } = done.total_details!;
    expect(
      breakdown!.taxes.map((t) => [
        t.rate.display_name,
        t.rate.percentage,
        t.rate.country,
        t.taxability_reason,
        t.amount,
        t.taxable_amount,
      ]),
    ).toEqual([
      ["VAT", 7, "DE", "reduced_rated", 218, 3103],
      ["VAT", 7, "DE", "proportionally_rated", 91, 1299],
    ]);
    expect(breakdown!.discounts).toEqual([
      {
        amount: 345,
        discount: expect.objectContaining({
          object: "discount",
          promotion_code: promo.id,
          checkout_session: session.id,
          source: { coupon: promo.promotion.coupon, type: "coupon" },
        }),
      },
    ]);
    expect(done.shipping_cost!.taxes).toEqual([expect.objectContaining({ amount: 91, taxability_reason: "proportionally_rated" })]);

    // The money taken is the session's total.
    const intent = done.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({
      amount: 4711,
      amount_received: 4711,
      status: "succeeded",
      shipping: { name: "Ada Reader", address: { city: "Berlin", country: "DE" } },
    });
    expect(intent.latest_charge).toMatchObject({
      amount: 4711,
      billing_details: { email: "ada@example.com", address: { postal_code: "10117" } },
    });

    const lines = await h.stripe.checkout.sessions.listLineItems(session.id, { expand: ["data.taxes", "data.discounts"] });
    expect(lines.data.map((l) => [l.amount_subtotal, l.amount_discount, l.amount_tax, l.amount_total])).toEqual([
      [2598, 260, 164, 2502],
      [850, 85, 54, 819],
    ]);
    expect(lines.data[0]!.taxes).toEqual([
      expect.objectContaining({
        amount: 164,
        taxability_reason: "reduced_rated",
        taxable_amount: 2338,
        rate: expect.objectContaining({ percentage: 7, tax_type: "vat" }),
      }),
    ]);
    expect(lines.data[0]!.discounts).toEqual([{ amount: 260, discount: expect.objectContaining({ promotion_code: promo.id }) }]);

    expect((await h.stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(1);
    expect((await h.stripe.coupons.retrieve(String(promo.promotion.coupon))).times_redeemed).toBe(1);

    // The webhook carries all of it.
    const delivery = await waitFor(() => h.receiver.ofType("checkout.session.completed")[0]);
    const event = h.stripe.webhooks.constructEvent(delivery.body, delivery.signature, WEBHOOK_SECRET);
    if (event.type !== "checkout.session.completed") throw new Error("narrowing");
    expect(event.data.object).toMatchObject({
      amount_total: 4711,
      total_details: { amount_discount: 345, amount_shipping: 1299, amount_tax: 309 },
      shipping_cost: { amount_total: 1390, shipping_rate: express },
      discounts: [{ promotion_code: promo.id }],
      customer_details: { email: "ada@example.com" },
      collected_information: { shipping_details: { name: "Ada Reader" } },
    });
  });

  it.each([
    ["US", { state: "CA", postal_code: "ABCDE" }, "postal_code", "Enter a ZIP code like 94103 or 94103-1234."],
    ["US", { state: "", postal_code: "94103" }, "state", "Choose a state."],
    ["CA", { state: "ON", postal_code: "12345" }, "postal_code", "Enter a postal code like M5V 2T6."],
    ["CA", { state: "ZZ", postal_code: "M5V 2T6" }, "state", "Choose a province."],
    ["GB", { postal_code: "NOPE" }, "postal_code", "Enter a postcode like SW1A 1AA."],
    ["DE", { postal_code: "1234" }, "postal_code", "Enter a 5-digit postal code, like 10115."],
    ["FR", { postal_code: "" }, "postal_code", "Enter the postal code."],
    ["JP", { postal_code: "100-0001" }, "country", "We do not ship to this country."],
  ])("checks a %s address on the server (%s) and charges nothing until it is right", async (country, fields, field, message) => {
    const session = await h.stripe.checkout.sessions.create(bookSaleParams());
    const posted = await postPage(h.emulator, session.id, { ...ADA_IN_BERLIN, country, ...fields, ...TEST_CARD, method: "card" });
    expect(posted.status).toBe(400);
    expect(posted.html).toContain(message);
    expect(posted.html).toMatch(/id="error-summary"/);
    const id = field === "postal_code" ? "postal-code" : field;
    expect(posted.html).toMatch(new RegExp(`id="${id}"[^>]*aria-invalid="true"`));
    expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "open", payment_intent: null });
    expect(h.emulator.state.charges.size).toBe(0);
  });

  it("asks for the e-mail when the store gave none, and stores postal codes in their usual form", async () => {
    const session = await h.stripe.checkout.sessions.create(bookSaleParams());
    const noEmail = await postPage(h.emulator, session.id, { ...ADA_IN_BERLIN, email: "", ...TEST_CARD, method: "card" });
    expect(noEmail).toMatchObject({ status: 400, html: expect.stringContaining("Enter your e-mail address.") });
    const badEmail = await postPage(h.emulator, session.id, { ...ADA_IN_BERLIN, email: "ada@", ...TEST_CARD, method: "card" });
    expect(badEmail.html).toContain("Enter an e-mail address like name@example.com.");

    const canada = {
      name: "Lucy Maud",
      line1: "290 Bremner Blvd",
      city: "Toronto",
      state: "ON",
      postal_code: "m5v3l9",
      country: "CA",
      email: "lucy@example.ca",
    };
    const paid = await postPage(h.emulator, session.id, {
      ...canada,
      ...TEST_CARD,
      method: "card",
      expected_total: String(3448 + 499 + 198),
    });
    expect(paid.status).toBe(303);
    const done = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(done.collected_information!.shipping_details!.address).toMatchObject({ postal_code: "M5V 3L9", state: "ON", country: "CA" });
    // Ontario: books pay 5 % HST (the provincial part is rebated); shipping follows the goods.
    expect(done).toMatchObject({ amount_total: 4145, total_details: { amount_tax: 198 }, shipping_cost: { amount_tax: 25 } });
  });

  it("does not charge a total the customer was not shown", async () => {
    const session = await h.stripe.checkout.sessions.create(bookSaleParams());
    await postPage(h.emulator, session.id, { action: "update", ...ADA_IN_BERLIN });
    const shown = (await h.stripe.checkout.sessions.retrieve(session.id)).amount_total!;
    // Without JavaScript the customer picked express and pressed Pay: the page had not shown that total.
    const posted = await postPage(h.emulator, session.id, {
      ...ADA_IN_BERLIN,
      shipping_rate: expressOf(session),
      ...TEST_CARD,
      method: "card",
      expected_total: String(shown),
    });
    expect(posted.status).toBe(409);
    const now = (await h.stripe.checkout.sessions.retrieve(session.id)).amount_total!;
    expect(now).toBe(shown + 800 + 56);
    expect(posted.html).toContain(`The total is now $${(now / 100).toFixed(2)}`);
    expect(posted.html).toContain(`Pay $${(now / 100).toFixed(2)}`);
    expect(h.emulator.state.charges.size).toBe(0);
    expect(
      (await postPage(h.emulator, session.id, { ...ADA_IN_BERLIN, ...TEST_CARD, method: "card", expected_total: String(now) })).status,
    ).toBe(303);
  });

  it("after a decline, the next attempt charges the new total", async () => {
    const session = await h.stripe.checkout.sessions.create(bookSaleParams());
    const declined = await postPage(h.emulator, session.id, {
      ...ADA_IN_BERLIN,
      ...TEST_CARD,
      card_number: "4000000000000002",
      method: "card",
    });
    expect(declined.status).toBe(402);
    const first = await h.stripe.checkout.sessions.retrieve(session.id);
    expect((await h.stripe.paymentIntents.retrieve(String(first.payment_intent))).amount).toBe(first.amount_total);
    await postPage(h.emulator, session.id, { ...ADA_IN_BERLIN, ...TEST_CARD, shipping_rate: expressOf(session), method: "card" });
    const done = await h.stripe.checkout.sessions.retrieve(session.id);
    expect(done.amount_total).toBe(first.amount_total! + 800 + 56);
    expect((await h.stripe.paymentIntents.retrieve(String(done.payment_intent))).amount_received).toBe(done.amount_total);
  });
});

describe("promotion codes on the page", () => {
  it("explains unknown, inactive, expired, too-small and used-up codes", async () => {
    const session = await h.stripe.checkout.sessions.create(bookSaleParams());
    const inactive = await codeFor(10, "OLD");
    await h.stripe.promotionCodes.update(inactive.id, { active: false });
    await codeFor(10, "SOON", { expires_at: nowS() + 60 });
    await codeFor(10, "BIG", { restrictions: { minimum_amount: 10_000, minimum_amount_currency: "usd" } });
    const coupon = await h.stripe.coupons.create({ amount_off: 100, currency: "eur" });
    await h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: "EUROS" });
    const apply = (code: string) => postPage(h.emulator, session.id, { action: "apply_code", country: "US", promotion_code: code });

    expect(await apply("NOPE")).toMatchObject({ status: 400, html: expect.stringContaining("“NOPE” is not a valid promotion code.") });
    expect((await apply("old")).html).toContain("This promotion code is no longer active.");
    expect((await apply("BIG")).html).toContain("This promotion code needs an order of at least $100.00 before shipping and tax.");
    expect((await apply("EUROS")).html).toContain("This promotion code cannot be used with a payment in USD.");
    clock.offsetMs = 2 * 60_000;
    expect((await apply("SOON")).html).toContain("This promotion code has expired.");
    const rendered = (await apply("NOPE")).html;
    expect(rendered).toMatch(/id="promotion-code"[^>]*value="NOPE"[^>]*aria-invalid="true"/);
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).discounts).toEqual([]);
  });

  it("enforces the redemption limit when the second customer pays, and takes the code off before charging", async () => {
    const promo = await codeFor(50, "ONCE", { max_redemptions: 1 });
    const a = await h.stripe.checkout.sessions.create(bookSaleParams());
    const b = await h.stripe.checkout.sessions.create(bookSaleParams());
    for (const s of [a, b])
      expect((await postPage(h.emulator, s.id, { action: "apply_code", ...ADA_IN_BERLIN, promotion_code: "ONCE" })).status).toBe(200);

    expect((await postPage(h.emulator, a.id, { ...ADA_IN_BERLIN, ...TEST_CARD, method: "card" })).status).toBe(303);
    expect((await h.stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(1);

    const refused = await postPage(h.emulator, b.id, { ...ADA_IN_BERLIN, ...TEST_CARD, method: "card" });
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("This promotion code has reached its redemption limit. It was removed from this checkout");
    const after = await h.stripe.checkout.sessions.retrieve(b.id);
    expect(after).toMatchObject({ status: "open", payment_intent: null, discounts: [], total_details: { amount_discount: 0 } });
    expect((await postPage(h.emulator, b.id, { action: "apply_code", ...ADA_IN_BERLIN, promotion_code: "ONCE" })).html).toContain(
      "reached its redemption limit",
    );

    expect(
      (await postPage(h.emulator, b.id, { ...ADA_IN_BERLIN, ...TEST_CARD, method: "card", expected_total: String(after.amount_total) }))
        .status,
    ).toBe(303);
    expect((await h.stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(1);
  });

  it("a 100 % code makes the order free: Complete order, no PaymentIntent, no_payment_required; a code leaving less than the minimum charge is refused", async () => {
    const free = await codeFor(100, "FREE");
    const almost = await h.stripe.coupons.create({ amount_off: 3420, currency: "usd" });
    await h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: almost.id }, code: "ALMOST" });
    const session = await h.stripe.checkout.sessions.create(
      bookSaleParams({ shipping_address_collection: undefined, shipping_options: undefined }),
    );
    const where = { email: "ny@example.com", country: "US", state: "NY", postal_code: "10001" };

    const tooLow = await postPage(h.emulator, session.id, { action: "apply_code", ...where, promotion_code: "ALMOST" });
    expect(tooLow).toMatchObject({
      status: 400,
      html: expect.stringContaining("With this code the total would fall below the minimum charge of $0.50."),
    });
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).discounts).toEqual([]);

    const applied = await postPage(h.emulator, session.id, { action: "apply_code", ...where, promotion_code: "FREE" });
    expect(applied.html).toContain("Nothing to pay");
    expect(applied.html).toMatch(/<button type="submit" name="method" value="none"[^>]*>Complete order<\/button>/);
    expect(applied.html).not.toContain('id="card-number"');
    const done = await postPage(h.emulator, session.id, { ...where, method: "none", expected_total: "0" });
    expect(done.status).toBe(303);
    expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: "complete",
      payment_status: "no_payment_required",
      payment_intent: null,
      amount_total: 0,
      total_details: { amount_discount: 3448, amount_tax: 0 },
      customer_details: { email: "ny@example.com" },
    });
    expect(h.emulator.state.paymentIntents.size).toBe(0);
    expect((await h.stripe.promotionCodes.retrieve(free.id)).times_redeemed).toBe(1);
    const delivery = await waitFor(() => h.receiver.ofType("checkout.session.completed")[0]);
    expect(delivery.event.data.object).toMatchObject({ payment_status: "no_payment_required", amount_total: 0 });

    // "Complete order" on a session that costs something is refused.
    const other = await h.stripe.checkout.sessions.create(
      bookSaleParams({ shipping_address_collection: undefined, shipping_options: undefined }),
    );
    expect((await postPage(h.emulator, other.id, { ...where, method: "none" })).status).toBe(400);
  });

  it("a session that expires with a code applied redeems nothing", async () => {
    const promo = await codeFor(10, "LATER");
    const session = await h.stripe.checkout.sessions.create(bookSaleParams());
    await postPage(h.emulator, session.id, { action: "apply_code", country: "US", promotion_code: "LATER" });
    await h.stripe.checkout.sessions.expire(session.id);
    expect((await h.stripe.promotionCodes.retrieve(promo.id)).times_redeemed).toBe(0);
  });

  it("caps failed codes per session (429), so codes cannot be guessed", async () => {
    await codeFor(10, "REAL");
    const session = await h.stripe.checkout.sessions.create(bookSaleParams());
    for (let i = 0; i < 10; i++)
      expect((await postPage(h.emulator, session.id, { action: "apply_code", country: "US", promotion_code: `GUESS${i}` })).status).toBe(
        400,
      );
    const blocked = await postPage(h.emulator, session.id, { action: "apply_code", country: "US", promotion_code: "REAL" });
    expect(blocked.status).toBe(429);
    expect(blocked.html).toContain("Too many promotion codes were tried");
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).discounts).toEqual([]);
    // Paying without a code still works.
    expect((await postPage(h.emulator, session.id, { ...ADA_IN_BERLIN, ...TEST_CARD, method: "card" })).status).toBe(303);
  });

  it("refuses a code on a session that does not allow them, and oversized forms (413)", async () => {
    await codeFor(10, "REAL");
    const session = await h.stripe.checkout.sessions.create(bookSaleParams({ allow_promotion_codes: undefined }));
    expect((await postPage(h.emulator, session.id, { action: "apply_code", country: "US", promotion_code: "REAL" })).html).toContain(
      "This checkout does not take promotion codes.",
    );
    const huge = await postPage(h.emulator, session.id, { action: "update", line1: "x".repeat(40_000) });
    expect(huge.status).toBe(413);
    const long = await postPage(h.emulator, session.id, { ...ADA_IN_BERLIN, line1: "x".repeat(201), ...TEST_CARD, method: "card" });
    expect(long).toMatchObject({ status: 400, html: expect.stringContaining("Address line 1 can have up to 200 characters.") });
    expect(h.emulator.state.sessions.get(session.id)!.session.status).toBe("open");
  });
});

describe("headless payments and other shapes of sale", () => {
  it("the control API pays with the same details, filling in a sample address and e-mail when a test sends none", async () => {
    const session = await h.stripe.checkout.sessions.create(bookSaleParams());
    const result = await pay(h.emulator, session.id, { card: "4242424242424242" });
    expect(result.body.status).toBe("succeeded");
    const done = await h.stripe.checkout.sessions.retrieve(session.id);
    // California: 7.25 % on the books, shipping not taxed.
    expect(done).toMatchObject({
      amount_total: 4197,
      total_details: { amount_tax: 250, amount_shipping: 499 },
      customer_details: { email: "guest@example.com", address: { state: "CA", country: "US", postal_code: "94080" } },
      collected_information: { shipping_details: { name: "Test Customer" } },
    });

    await codeFor(10, "BOOKS10");
    const uk = await h.stripe.checkout.sessions.create(bookSaleParams());
    const london = { name: "Jane Austen", address: { line1: "10 Downing Street", city: "London", postal_code: "sw1a2aa", country: "GB" } };
    const body = {
      card: "4242424242424242",
      email: "jane@example.co.uk",
      shipping: london,
      shippingRate: expressOf(uk),
      promotionCode: "BOOKS10",
    };
    expect((await control(h.emulator, `/sessions/${uk.id}/pay`, body)).body).toMatchObject({ status: "succeeded" });
    // Books are zero-rated in the UK, and so is the delivery that follows them.
    expect(await h.stripe.checkout.sessions.retrieve(uk.id)).toMatchObject({
      amount_total: 3448 - 345 + 1299,
      total_details: { amount_tax: 0 },
      collected_information: { shipping_details: { address: { postal_code: "SW1A 2AA" } } },
    });

    const bad = await h.stripe.checkout.sessions.create(bookSaleParams());
    const refused = await control(h.emulator, `/sessions/${bad.id}/pay`, {
      card: "4242424242424242",
      shipping: { name: "x", address: { ...london.address, country: "JP" } },
    });
    expect(refused).toMatchObject({
      http: 400,
      body: { status: "invalid", code: "invalid_details", fields: { country: "We do not ship to this country." } },
    });
  });

  it("customer_creation always, with a phone number, creates a Customer from what was entered", async () => {
    const session = await h.stripe.checkout.sessions.create(
      bookSaleParams({ customer_creation: "always", phone_number_collection: { enabled: true } }),
    );
    expect(session).toMatchObject({ customer_creation: "always", phone_number_collection: { enabled: true }, customer: null });
    const noPhone = await postPage(h.emulator, session.id, { ...ADA_IN_BERLIN, phone: "", ...TEST_CARD, method: "card" });
    expect(noPhone.html).toContain("Enter your phone number.");
    await postPage(h.emulator, session.id, { ...ADA_IN_BERLIN, phone: "+49 30 1234567", ...TEST_CARD, method: "card" });
    const done = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["customer"] });
    expect(done.customer_details).toMatchObject({ phone: "+49 30 1234567" });
    expect(done.customer).toMatchObject({
      object: "customer",
      email: "ada@example.com",
      name: "Ada Reader",
      phone: "+49 30 1234567",
      shipping: { name: "Ada Reader", address: { city: "Berlin" } },
    });
    expect((await h.stripe.customers.list({ email: "ada@example.com" })).data.map((c) => c.id)).toEqual([
      (done.customer as Stripe.Customer).id,
    ]);
  });

  it("automatic tax without shipping asks only for the billing location", async () => {
    const session = await h.stripe.checkout.sessions.create(
      bookSaleParams({ shipping_address_collection: undefined, shipping_options: undefined }),
    );
    const page = await (await fetch(`${h.emulator.url}/pay/${session.id}`)).text();
    expect(page).toContain("<legend>Billing address</legend>");
    expect(page).not.toContain('id="line1"');
    const paid = await postPage(h.emulator, session.id, {
      email: "ny@example.com",
      country: "US",
      state: "NY",
      postal_code: "10001",
      ...TEST_CARD,
      method: "card",
    });
    expect(paid.status).toBe(303);
    expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      amount_total: 3448 + 138,
      shipping_cost: null,
      customer_details: { address: { country: "US", state: "NY", postal_code: "10001", line1: null } },
      collected_information: { shipping_details: null },
    });
  });

  it("manual tax rates on line items are charged per line", async () => {
    const rate = await h.stripe.taxRates.create({ display_name: "Sales Tax", percentage: 8.875, inclusive: false });
    const session = await h.stripe.checkout.sessions.create(
      bookSaleParams({
        automatic_tax: undefined,
        line_items: [
          { quantity: 2, tax_rates: [rate.id], price_data: { currency: "usd", unit_amount: 1299, product_data: { name: "Dune" } } },
        ],
      }),
    );
    // 8.875 % of 25.98 = 2.305… → 2.31; shipping is not taxed by manual rates.
    expect(session).toMatchObject({
      amount_total: 2598 + 231 + 499,
      total_details: { amount_tax: 231 },
      automatic_tax: { enabled: false },
    });
    const lines = await h.stripe.checkout.sessions.listLineItems(session.id, { expand: ["data.taxes"] });
    expect(lines.data[0]!.taxes).toEqual([
      expect.objectContaining({ amount: 231, taxability_reason: null, rate: expect.objectContaining({ id: rate.id }) }),
    ]);
  });
});
