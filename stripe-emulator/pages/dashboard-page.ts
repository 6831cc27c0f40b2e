import type { EmulatorContext } from "../context";
import type { CheckoutSession } from "../objects/checkout-session";
import { esc, formatMoney, formatTime, page } from "./layout";

// GET / – what the emulator holds, newest first, with a Redeliver button per event
// and Won / Lost buttons per open dispute.

const LIMIT = 200;

function table(caption: string, headers: string[], rows: string[][]): string {
  const head = headers.map((h) => `<th scope="col">${esc(h)}</th>`).join("");
  const body = rows.length
    ? rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n")
    : `<tr><td colspan="${headers.length}" class="small">None yet.</td></tr>`;
  return `<h2>${esc(caption)}</h2><div class="card" style="padding:0;overflow-x:auto"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const newestFirst = <T>(items: Iterable<T>) => [...items].reverse().slice(0, LIMIT);
const code = (value: unknown) => (value ? `<code>${esc(value)}</code>` : `<span class="small">—</span>`);

/** "shipping $4.99 · tax $2.53 · discount −$3.45" under a session's total, for the parts it has. */
function amountParts(s: CheckoutSession): string {
  const { amount_shipping: shipping, amount_tax: tax, amount_discount: discount } = s.total_details;
  const parts = [
    s.shipping_cost ? `shipping ${formatMoney(shipping, s.currency)}` : "",
    s.automatic_tax.enabled || tax ? `tax ${formatMoney(tax, s.currency)}` : "",
    discount ? `discount −${formatMoney(discount, s.currency)}` : "",
  ].filter(Boolean);
  return parts.length ? `<br><span class="small">${esc(parts.join(" · "))}</span>` : "";
}

export function dashboardPage(ctx: EmulatorContext, refreshSeconds: number | null): string {
  const { state, settings } = ctx;
  const sessions = newestFirst(state.sessions.values()).map(({ session: s }) => [
    s.status === "open" ? `<a href="/pay/${esc(s.id)}"><code>${esc(s.id)}</code></a>` : code(s.id),
    esc(s.status),
    esc(s.payment_status),
    esc(formatMoney(s.amount_total, s.currency)) + amountParts(s),
    code(s.payment_intent),
    esc(formatTime(s.created)),
  ]);
  const intents = newestFirst(state.paymentIntents.values()).map((pi) => [
    code(pi.id),
    esc(pi.status),
    esc(formatMoney(pi.amount, pi.currency)),
    code(pi.latest_charge),
    esc(pi.last_payment_error?.decline_code ?? pi.last_payment_error?.code ?? ""),
    esc(formatTime(pi.created)),
  ]);
  const refunds = newestFirst(state.refunds.values()).map((r) => [
    code(r.id),
    esc(r.status),
    esc(formatMoney(r.amount, r.currency)),
    code(r.payment_intent),
    esc(r.failure_reason ?? ""),
    esc(formatTime(r.created)),
  ]);
  const decide = (id: string, outcome: "won" | "lost") =>
    `<form method="post" action="/_emulator/disputes/${esc(id)}/close" style="display:inline"><input type="hidden" name="outcome" value="${outcome}"><button type="submit" class="secondary" aria-label="Close ${esc(id)} ${outcome}">${outcome === "won" ? "Won" : "Lost"}</button></form>`;
  const disputes = newestFirst(state.disputes.values()).map((d) => [
    code(d.id),
    esc(d.status),
    esc(d.reason),
    esc(formatMoney(d.amount, d.currency)),
    code(d.payment_intent),
    esc(d.evidence_details.due_by === null ? "" : formatTime(d.evidence_details.due_by)),
    ...(ctx.config.control
      ? [["won", "lost", "warning_closed"].includes(d.status) ? "" : `${decide(d.id, "won")} ${decide(d.id, "lost")}`]
      : []),
  ]);
  const codes = newestFirst(state.promotionCodes.values()).map((p) => {
    const coupon = state.coupons.get(p.promotion.coupon);
    const off = coupon
      ? coupon.percent_off !== null
        ? `${coupon.percent_off}% off`
        : formatMoney(coupon.amount_off ?? 0, coupon.currency ?? "usd") + " off"
      : "coupon deleted";
    return [
      code(p.code),
      esc(off),
      p.active ? "active" : "inactive",
      `${p.times_redeemed}${p.max_redemptions === null ? "" : ` / ${p.max_redemptions}`}`,
      p.expires_at === null ? "" : esc(formatTime(p.expires_at)),
    ];
  });
  const events = newestFirst(state.events.values()).map(({ event, delivery, attempts }) => [
    code(event.id),
    esc(event.type),
    esc(formatTime(event.created)),
    esc(delivery),
    String(attempts.length),
    // Without the control API (EMULATOR_CONTROL=off) there is nothing to post to.
    ...(ctx.config.control
      ? [
          `<form method="post" action="/_emulator/events/${esc(event.id)}/redeliver"><button type="submit" class="secondary" aria-label="Redeliver ${esc(event.id)}">Redeliver</button></form>`,
        ]
      : []),
  ]);
  const attempts = [...state.events.values()]
    .flatMap((r) => r.attempts)
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, LIMIT)
    .map((a) => [
      esc(a.at.replace("T", " ").slice(0, 23)),
      code(a.eventId),
      esc(a.type),
      `${a.attempt}${a.copy > 1 ? " (dup)" : ""}${a.manual ? " (manual)" : ""}`,
      esc(a.status ?? a.error ?? ""),
      `${a.durationMs} ms`,
    ]);

  const webhooks = settings.webhooksEnabled && settings.webhookUrl ? `<code>${esc(settings.webhookUrl)}</code>` : "off";
  // Wider than the checkout page: the tables carry full Stripe ids.
  const head = `<style>main{max-width:1280px}td{white-space:nowrap}</style>${refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : ""}`;
  const body = `<span class="badge">Test mode</span>
<h1>Stripe emulator</h1>
<p class="small">API <code>${esc(ctx.config.publicUrl)}/v1</code> · webhooks ${webhooks} · refunds ${esc(settings.refundOutcome)} ·
${refreshSeconds ? `<a href="/">Stop auto-refresh</a>` : `<a href="/?refresh=3">Auto-refresh every 3 s</a>`}</p>
${table("Checkout sessions", ["Id", "Status", "Payment", "Amount", "PaymentIntent", "Created (UTC)"], sessions)}
${table("Payment intents", ["Id", "Status", "Amount", "Latest charge", "Last error", "Created (UTC)"], intents)}
${table("Promotion codes", ["Code", "Discount", "State", "Redeemed", "Expires (UTC)"], codes)}
${table("Refunds", ["Id", "Status", "Amount", "PaymentIntent", "Failure", "Created (UTC)"], refunds)}
${table("Disputes", ["Id", "Status", "Reason", "Amount", "PaymentIntent", "Evidence due (UTC)", ...(ctx.config.control ? ["Decide"] : [])], disputes)}
${table("Events", ["Id", "Type", "Created (UTC)", "Delivery", "Attempts", ...(ctx.config.control ? [""] : [])], events)}
${table("Delivery attempts", ["At (UTC)", "Event", "Type", "Attempt", "Result", "Took"], attempts)}`;
  return page("Stripe emulator", body, head);
}
