import type { EmulatorContext } from "../context";
import type { AddressInput, FieldErrors } from "../domain/addresses";
import { FIELD_MAX } from "../domain/addresses";
import { customerEmail } from "../domain/payment-records";
import { breakdown, selectedShippingRate, taxLocated } from "../domain/session-pricing";
import { deliveryText } from "../domain/shipping-rates";
import type { SessionRecord } from "../store";
import { addressFieldset, fieldError, textField } from "./address-fields";
import { checkoutScript } from "./checkout-script";
import { esc, formatMoney, page } from "./layout";

// The hosted payment page at /pay/:id: the order summary with its discount,
// shipping and tax lines, then one form that collects what the session asks
// for (e-mail, phone, address, shipping option, promotion code) and pays by
// card or delayed bank transfer. Plain HTML forms: it works without
// JavaScript and in any browser test; the small script only saves reloads.

export type CheckoutFormState = {
  /** Which payment form the payment error belongs to. */
  method?: "card" | "bank";
  /** A payment error (decline, bad card number) or a notice about the total. */
  error?: string;
  /** The customer's details that need fixing, by field. */
  fields?: FieldErrors;
  values?: {
    card_number?: string;
    card_expiry?: string;
    card_name?: string;
    bank_account?: string;
    email?: string;
    phone?: string;
    promotion_code?: string;
  };
};

function cancelHref(record: SessionRecord): string | null {
  const url = record.session.cancel_url;
  return url ? url.replace(/\{CHECKOUT_SESSION_ID\}|%7BCHECKOUT_SESSION_ID%7D/gi, record.session.id) : null;
}

function backLink(record: SessionRecord): string {
  const href = cancelHref(record);
  return href ? `<p><a href="${esc(href)}">← Back to the store</a></p>` : "";
}

const REASONS: Record<string, string> = {
  reduced_rated: " (books)",
  zero_rated: " (books, zero-rated)",
  proportionally_rated: " (shipping)",
};

function discountLabel(ctx: EmulatorContext, record: SessionRecord): string {
  const discount = record.discount?.object;
  if (!discount) return "";
  const code = discount.promotion_code ? ctx.state.promotionCodes.get(discount.promotion_code)?.code : undefined;
  const coupon = ctx.state.coupons.get(discount.source.coupon);
  const off = record.discount!.off;
  const what = "percentOff" in off ? `${off.percentOff / 100}% off` : `${formatMoney(off.amountOff, record.session.currency)} off`;
  return `${code ? `<code>${esc(code)}</code>` : esc(coupon?.name ?? "Discount")}, ${esc(what)}`;
}

function summaryRows(ctx: EmulatorContext, record: SessionRecord): string {
  const { session } = record;
  const money = (amount: number) => esc(formatMoney(amount, session.currency));
  const row = (label: string, amount: string, extra = "") =>
    `<tr${extra}><th scope="row" colspan="2">${label}</th><td class="num">${amount}</td></tr>`;
  const rows = [row("Subtotal", money(session.amount_subtotal))];
  if (record.discount) rows.push(row(`Discount (${discountLabel(ctx, record)})`, `−${money(session.total_details.amount_discount)}`));
  const rate = selectedShippingRate(ctx, record);
  if (rate)
    rows.push(
      row(
        `Shipping (${esc(rate.display_name)})`,
        session.total_details.amount_shipping === 0 ? "Free" : money(session.total_details.amount_shipping),
      ),
    );
  if (record.taxMode === "automatic" && !taxLocated(record)) {
    rows.push(
      row("Tax", `<span class="small">${record.collect.address === "shipping" ? "after your address" : "after your location"}</span>`),
    );
  } else if (record.taxMode !== "none") {
    const taxes = breakdown(ctx, record).taxes.filter((t) => t.amount > 0 || t.taxability_reason === "zero_rated");
    if (taxes.length === 0) rows.push(row("Tax", money(0)));
    for (const tax of taxes) {
      const label = `${tax.rate.inclusive ? "Includes " : ""}${esc(tax.rate.display_name)} ${esc(tax.rate.percentage)}%${REASONS[tax.taxability_reason ?? ""] ?? ""}`;
      rows.push(row(label, money(tax.amount)));
    }
  }
  rows.push(row("Total due", `<strong>${money(session.amount_total)}</strong>`, ` class="grand"`));
  return rows.join("\n");
}

function summary(ctx: EmulatorContext, record: SessionRecord, merchant: string): string {
  const { session, lineItems } = record;
  const items = lineItems
    .map(
      (item) =>
        `<tr><td>${esc(item.name)}</td><td class="num">${item.quantity} × ${esc(formatMoney(item.unitAmount, item.currency))}</td><td class="num">${esc(formatMoney(item.amount, item.currency))}</td></tr>`,
    )
    .join("\n");
  const email = customerEmail(record);
  return `<section id="summary" aria-labelledby="summary-heading">
<span class="badge">Test mode</span>
<h1 id="summary-heading">Pay ${esc(merchant)}</h1>
<p class="total" id="total-due">${esc(formatMoney(session.amount_total, session.currency))}</p>
<table>
<caption class="small" style="text-align:left">Order summary</caption>
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty × price</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
${items}
</tbody>
<tfoot>
${summaryRows(ctx, record)}
</tfoot>
</table>
${email ? `<p class="small">Receipt to ${esc(email)}</p>` : ""}
</section>`;
}

function contactFieldset(record: SessionRecord, state: CheckoutFormState): string {
  const { collect, draft } = record;
  if (!collect.email && !collect.phone) return "";
  const errors = state.fields ?? {};
  const v = state.values ?? {};
  const fields = [
    collect.email
      ? textField({
          id: "email",
          name: "email",
          label: "E-mail",
          type: "email",
          value: v.email ?? draft.email,
          error: errors.email,
          autocomplete: "email",
          required: true,
          maxLength: FIELD_MAX.email,
        })
      : "",
    collect.phone
      ? textField({
          id: "phone",
          name: "phone",
          label: "Phone number",
          type: "tel",
          value: v.phone ?? draft.phone,
          error: errors.phone,
          autocomplete: "tel",
          required: true,
          maxLength: FIELD_MAX.phone,
        })
      : "",
  ];
  return `<fieldset class="group"><legend>Contact information</legend>
${fields.join("\n")}
</fieldset>`;
}

function shippingFieldset(ctx: EmulatorContext, record: SessionRecord, errors: FieldErrors): string {
  const { session, draft } = record;
  if (session.shipping_options.length === 0) return "";
  const options = session.shipping_options.map((option, i) => {
    const rate = ctx.state.shippingRates.get(option.shipping_rate);
    const name = rate?.display_name ?? option.shipping_rate;
    const eta = rate ? deliveryText(rate) : "";
    const price = option.shipping_amount === 0 ? "Free" : formatMoney(option.shipping_amount, session.currency);
    const checked = option.shipping_rate === draft.shippingRateId ? " checked" : "";
    return `<div class="option"><input type="radio" name="shipping_rate" id="rate-${i}" value="${esc(option.shipping_rate)}"${checked}>
<label for="rate-${i}"><span class="option-name">${esc(name)}</span>${eta ? ` <span class="small">${esc(eta)}</span>` : ""} <strong>${esc(price)}</strong></label></div>`;
  });
  return `<fieldset class="group" id="shipping-options"${errors.shipping_rate ? ` aria-describedby="shipping-rate-error"` : ""}><legend>Shipping method</legend>
${options.join("\n")}
${fieldError("shipping-rate", errors.shipping_rate)}
<noscript><button type="submit" name="action" value="update" class="secondary small">Update the total</button></noscript>
</fieldset>`;
}

function promotionBlock(ctx: EmulatorContext, record: SessionRecord, state: CheckoutFormState): string {
  const { session } = record;
  const error = state.fields?.promotion_code;
  if (record.discount) {
    const remove = record.discount.fixed
      ? ""
      : ` <button type="submit" name="action" value="remove_code" class="secondary small" data-focus aria-label="Remove the promotion code">Remove</button>`;
    return `<div id="promotion" class="group"><p class="applied"><span>Discount applied: ${discountLabel(ctx, record)}</span>${remove}</p>${error ? `<div class="error" role="alert">${esc(error)}</div>` : ""}</div>`;
  }
  if (!session.allow_promotion_codes)
    return `<div id="promotion">${error ? `<div class="error" role="alert">${esc(error)}</div>` : ""}</div>`;
  const invalid = error ? ` aria-invalid="true" aria-describedby="promotion-code-error"` : "";
  return `<div id="promotion" class="group">
<label for="promotion-code">Promotion code</label>
<div class="inline"><input type="text" id="promotion-code" name="promotion_code" autocomplete="off" maxlength="500" value="${esc(error ? state.values?.promotion_code : "")}" data-focus${invalid}>
<button type="submit" name="action" value="apply_code" class="secondary">Apply</button></div>
${error ? `<p class="field-error" id="promotion-code-error" role="alert">${esc(error)}</p>` : ""}
</div>`;
}

function paymentError(state: CheckoutFormState, method: "card" | "bank"): string {
  return state.error && (state.method ?? "card") === method
    ? `<div class="error" role="alert" id="${method}-error">${esc(state.error)}</div>`
    : "";
}

function cardFields(record: SessionRecord, state: CheckoutFormState): string {
  const v = state.values ?? {};
  const amount = formatMoney(record.session.amount_total, record.session.currency);
  const describedBy = state.error && state.method !== "bank" ? ' aria-describedby="card-error"' : "";
  return `<section class="pay" aria-labelledby="card-heading">
<h2 id="card-heading">Pay with card</h2>
${paymentError(state, "card")}
<label for="card-number">Card number</label>
<input type="text" id="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" value="${esc(v.card_number)}"${describedBy}>
<div class="row">
<div><label for="card-expiry">Expiry (MM/YY)</label>
<input type="text" id="card-expiry" name="card_expiry" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" value="${esc(v.card_expiry)}"></div>
<div><label for="card-cvc">CVC</label>
<input type="text" id="card-cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC"></div>
</div>
<label for="card-name">Name on card</label>
<input type="text" id="card-name" name="card_name" autocomplete="cc-name" value="${esc(v.card_name)}">
<button type="submit" name="method" value="card" id="pay-card" class="pay-button">Pay ${esc(amount)}</button>
<p class="hint">Test cards: <code>4242 4242 4242 4242</code> succeeds, <code>4000 0000 0000 0002</code> is declined, <code>4000 0000 0000 9995</code> has insufficient funds. Any future expiry, any CVC.</p>
</section>`;
}

function bankFields(state: CheckoutFormState): string {
  const v = state.values ?? {};
  return `<section class="pay" aria-labelledby="bank-heading">
<h2 id="bank-heading">Bank transfer (delayed)</h2>
${paymentError(state, "bank")}
<label for="bank-account">Account number</label>
<input type="text" id="bank-account" name="bank_account" inputmode="numeric" autocomplete="off" value="${esc(v.bank_account)}">
<button type="submit" name="method" value="bank" class="secondary pay-button">Pay by bank transfer</button>
<p class="hint">The order completes now and the money arrives later. Test accounts: <code>000123456789</code> succeeds, <code>000111111113</code> fails.</p>
</section>`;
}

/** Card and bank transfer, or one button when a discount made the order free. */
function paymentSections(record: SessionRecord, state: CheckoutFormState): string {
  if (record.session.amount_total === 0) {
    return `<div id="payment" data-free="true"><section class="pay" aria-labelledby="free-heading">
<h2 id="free-heading">Nothing to pay</h2>
<p>The discount covers the whole order.</p>
${paymentError(state, "card")}
<button type="submit" name="method" value="none" id="pay-card" class="pay-button">Complete order</button>
</section></div>`;
  }
  return `<div id="payment" data-free="false">
${cardFields(record, state)}
${bankFields(state)}
</div>`;
}

const FIELD_ORDER: [string, string][] = [
  ["email", "email"],
  ["phone", "phone"],
  ["country", "country"],
  ["name", "ship-name"],
  ["line1", "line1"],
  ["line2", "line2"],
  ["city", "city"],
  ["state", "state"],
  ["postal_code", "postal-code"],
  ["shipping_rate", "rate-0"],
];

/** The details' errors at the top of the form, each linking to its field. */
function errorSummary(state: CheckoutFormState): string {
  const errors = state.fields ?? {};
  const items = FIELD_ORDER.filter(([key]) => errors[key]).map(([key, id]) => `<li><a href="#${id}">${esc(errors[key])}</a></li>`);
  if (items.length === 0) return "";
  return `<div class="error" role="alert" id="error-summary" tabindex="-1" autofocus><p><strong>Check your details</strong></p><ul>${items.join("")}</ul></div>`;
}

export function checkoutPage(ctx: EmulatorContext, record: SessionRecord, state: CheckoutFormState = {}): string {
  const merchant = ctx.merchantName;
  const errors = state.fields ?? {};
  const address: AddressInput = record.draft.addressInput;
  const form = `<form id="checkout-form" class="card" method="post" action="/pay/${esc(record.session.id)}" novalidate aria-label="Checkout">
<button type="submit" name="action" value="apply_code" class="sr-only" tabindex="-1" aria-hidden="true">Apply</button>
<input type="hidden" name="expected_total" id="expected-total" value="${record.session.amount_total}">
${errorSummary(state)}
${contactFieldset(record, state)}
${record.collect.address ? addressFieldset(record, address, errors) : ""}
${shippingFieldset(ctx, record, errors)}
${promotionBlock(ctx, record, state)}
${paymentSections(record, state)}
</form>`;
  const body = `${backLink(record)}
<div class="checkout">
${summary(ctx, record, merchant)}
<div>
${form}
<p id="live" class="sr-only" aria-live="polite"></p>
</div>
</div>
<script>${checkoutScript}</script>`;
  return page(`Pay ${merchant}`, body);
}

/** A session that can no longer be paid: why, and the way back. */
export function closedPage(ctx: EmulatorContext, record: SessionRecord, message: string): string {
  const body = `${backLink(record)}
<div class="checkout">
${summary(ctx, record, ctx.merchantName)}
<section aria-label="Payment"><div class="card"><h2>Payment unavailable</h2><p role="alert">${esc(message)}</p></div></section>
</div>`;
  return page(`Pay ${ctx.merchantName}`, body);
}

export function notFoundPage(): string {
  return page("Not found", `<h1>Checkout session not found</h1><p>This payment link is not valid.</p>`);
}
