import type { SessionRecord } from "../store";
import { esc, formatMoney, page } from "./layout";

// The hosted payment page at /pay/:id: the order summary, a card form and a
// delayed bank transfer. Plain HTML forms, so it works without JavaScript and
// in any browser test.

export type CheckoutFormState = {
  method?: "card" | "bank";
  error?: string;
  values?: { card_number?: string; card_expiry?: string; card_name?: string; bank_account?: string };
};

function cancelHref(record: SessionRecord): string | null {
  const url = record.session.cancel_url;
  return url ? url.replace(/\{CHECKOUT_SESSION_ID\}|%7BCHECKOUT_SESSION_ID%7D/gi, record.session.id) : null;
}

function backLink(record: SessionRecord): string {
  const href = cancelHref(record);
  return href ? `<p><a href="${esc(href)}">← Back to the store</a></p>` : "";
}

function summary(record: SessionRecord, merchant: string): string {
  const { session, lineItems } = record;
  const rows = lineItems
    .map((item) => `<tr><td>${esc(item.name)}</td><td class="num">${item.quantity} × ${esc(formatMoney(item.unitAmount, item.currency))}</td><td class="num">${esc(formatMoney(item.amount, item.currency))}</td></tr>`)
    .join("\n");
  return `<section aria-labelledby="summary-heading">
<span class="badge">Test mode</span>
<h1 id="summary-heading">Pay ${esc(merchant)}</h1>
<p class="total">${esc(formatMoney(session.amount_total, session.currency))}</p>
<table>
<caption class="small" style="text-align:left">Order summary</caption>
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty × price</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th scope="row" colspan="2">Total due</th><td class="num"><strong>${esc(formatMoney(session.amount_total, session.currency))}</strong></td></tr></tfoot>
</table>
${session.customer_email ? `<p class="small">Receipt to ${esc(session.customer_email)}</p>` : ""}
</section>`;
}

function errorBox(state: CheckoutFormState, method: "card" | "bank"): string {
  return state.error && (state.method ?? "card") === method ? `<div class="error" role="alert" id="${method}-error">${esc(state.error)}</div>` : "";
}

function cardForm(record: SessionRecord, state: CheckoutFormState): string {
  const v = state.values ?? {};
  const amount = formatMoney(record.session.amount_total, record.session.currency);
  const describedBy = state.error && state.method !== "bank" ? ' aria-describedby="card-error"' : "";
  return `<form class="pay card" method="post" action="/pay/${esc(record.session.id)}" aria-labelledby="card-heading" novalidate>
<h2 id="card-heading">Pay with card</h2>
${errorBox(state, "card")}
<input type="hidden" name="method" value="card">
<label for="card-number">Card number</label>
<input type="text" id="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" value="${esc(v.card_number)}" required${describedBy}>
<div class="row">
<div><label for="card-expiry">Expiry (MM/YY)</label>
<input type="text" id="card-expiry" name="card_expiry" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY" value="${esc(v.card_expiry)}" required></div>
<div><label for="card-cvc">CVC</label>
<input type="text" id="card-cvc" name="card_cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" required></div>
</div>
<label for="card-name">Name on card</label>
<input type="text" id="card-name" name="card_name" autocomplete="cc-name" value="${esc(v.card_name)}">
<button type="submit">Pay ${esc(amount)}</button>
<p class="hint">Test cards: <code>4242 4242 4242 4242</code> succeeds, <code>4000 0000 0000 0002</code> is declined, <code>4000 0000 0000 9995</code> has insufficient funds. Any future expiry, any CVC.</p>
</form>`;
}

function bankForm(record: SessionRecord, state: CheckoutFormState): string {
  const v = state.values ?? {};
  return `<form class="pay card" method="post" action="/pay/${esc(record.session.id)}" aria-labelledby="bank-heading" novalidate>
<h2 id="bank-heading">Bank transfer (delayed)</h2>
${errorBox(state, "bank")}
<input type="hidden" name="method" value="bank">
<label for="bank-account">Account number</label>
<input type="text" id="bank-account" name="bank_account" inputmode="numeric" autocomplete="off" value="${esc(v.bank_account)}" required>
<button type="submit" class="secondary">Pay by bank transfer</button>
<p class="hint">The order completes now and the money arrives later. Test accounts: <code>000123456789</code> succeeds, <code>000111111113</code> fails.</p>
</form>`;
}

export function checkoutPage(record: SessionRecord, merchant: string, state: CheckoutFormState = {}): string {
  const body = `${backLink(record)}
<div class="checkout">
${summary(record, merchant)}
<section aria-label="Payment">
${cardForm(record, state)}
${bankForm(record, state)}
</section>
</div>`;
  return page(`Pay ${merchant}`, body);
}

/** A session that can no longer be paid: why, and the way back. */
export function closedPage(record: SessionRecord, merchant: string, message: string): string {
  const body = `${backLink(record)}
<div class="checkout">
${summary(record, merchant)}
<section aria-label="Payment"><div class="card"><h2>Payment unavailable</h2><p role="alert">${esc(message)}</p></div></section>
</div>`;
  return page(`Pay ${merchant}`, body);
}

export function notFoundPage(): string {
  return page("Not found", `<h1>Checkout session not found</h1><p>This payment link is not valid.</p>`);
}
