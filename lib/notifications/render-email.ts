import { formatPrice } from "@/components/price";
import { addressLines, awaitingSale, totalsRows, type OrderAmounts } from "@/lib/orders/order-totals";
import type { EmailTemplate, ShippingAddress } from "@/machines/order-types";

export type EmailOrder = OrderAmounts & {
  id: string;
  customerName: string;
  currency: string;
  shippingAddress: ShippingAddress | null;
  paymentDeadline: Date;
  trackingNumber: string | null;
  estimatedDelivery: string | null;
  items: { bookId?: number; title: string; quantity: number; unitPriceCents: number }[];
  /** A guest's order: the signed link that opens it (they have no account to sign in to). */
  orderLink?: string | null;
  /** The order page for a signed-in shopper (a guest's is orderLink). */
  pageLink?: string | null;
};

export type RenderedEmail = { subject: string; text: string; html: string };

const money = formatPrice;

const refundReasons: Record<string, string> = {
  late_payment: "your payment arrived after the order had already been cancelled",
  duplicate_payment: "the order was paid twice, so we are returning the extra payment",
  mismatched_payment:
    "the payment did not match your order's total, so it did not pay for the order; please pay again from your order page",
  stock_unavailable: "we found we could not supply the books after all",
  requested_by_customer: "you asked us to",
  requested_by_admin: "our team issued it",
};

function body(template: EmailTemplate, order: EmailOrder, data: Record<string, unknown>): { subject: string; lines: string[] } {
  const ref = order.id.slice(0, 8).toUpperCase();
  const total = money(order.totalCents, order.currency);
  switch (template) {
    case "order_created":
      return {
        subject: `Order ${ref} is reserved for you`,
        lines: [
          awaitingSale(order)
            ? `We have put your books aside (${total}; shipping and tax are added on the payment page). Please pay before ${order.paymentDeadline.toUTCString()} to keep them.`
            : `We have put your books aside. Please pay ${total} before ${order.paymentDeadline.toUTCString()} to keep them.`,
          ...leftOutLines(data),
        ],
      };
    case "order_paid":
      return {
        subject: `Order ${ref} is paid`,
        lines: [
          order.totalCents === 0
            ? "Thank you! Your order is confirmed: the discount covers all of it, so nothing was charged. We will let you know when your books are on their way."
            : `Thank you! We received ${total}. We will let you know when your books are on their way.`,
        ],
      };
    case "payment_failed":
      return {
        subject: `Payment for order ${ref} did not go through`,
        lines: [
          `Your payment was not accepted (${String(data.reason ?? "declined")}). Your books stay reserved until ${order.paymentDeadline.toUTCString()}: you can try again from your order page.`,
        ],
      };
    case "order_cancelled":
      return {
        subject: `Order ${ref} is cancelled`,
        lines: [
          data.free && data.by === "admin"
            ? "We cancelled your order. It was free, so there is nothing to refund. The books are back on our shelves."
            : data.free
              ? "Your order was cancelled as you asked. It was free, so there is nothing to refund. The books are back on our shelves."
              : "Your order was cancelled as you asked and nothing was charged. The books are back on our shelves.",
        ],
      };
    case "order_timed_out":
      return {
        subject: `Order ${ref} was cancelled: payment time ran out`,
        lines: ["We did not receive payment in time, so we released the books you had reserved. Nothing was charged."],
      };
    case "refund_started":
      return {
        subject: `Refund started for order ${ref}`,
        lines: [
          data.partial && typeof data.amountCents === "number"
            ? `We are refunding ${money(data.amountCents, order.currency)} of your payment because ${refundReasons[String(data.reason)] ?? "of a problem with the order"}. The rest of your order is unchanged.`
            : `We are refunding ${data.outside && typeof data.amountCents === "number" ? money(data.amountCents, order.currency) : "your payment"} because ${refundReasons[String(data.reason)] ?? "of a problem with the order"}. You will get another e-mail when it is done.`,
          ...(data.outside
            ? [
                "Your card payment cannot take this refund (it was disputed, or your card refused it), so we will contact you to pay it back another way.",
              ]
            : []),
        ],
      };
    case "order_refunded":
      return {
        subject: `Order ${ref} is refunded`,
        lines: [refundedLine(data, total, (cents) => money(cents, order.currency))],
      };
    case "order_shipped":
      return {
        subject: `Order ${ref} has shipped`,
        lines: [`Tracking number: ${order.trackingNumber ?? "—"}.`, `Estimated delivery: ${order.estimatedDelivery ?? "soon"}.`],
      };
    case "order_delivered":
      return {
        subject: `Order ${ref} was delivered`,
        lines: [
          "Your books have arrived. We hope you enjoy them!",
          "If something is not right, you can return books from your order page within the return window.",
        ],
      };
    case "payment_link": {
      // A guest's signed link opens the order without an account; a shopper's order page asks them to sign in.
      const link = order.orderLink ?? order.pageLink ?? "your order page";
      return {
        subject: `You can pay for order ${ref} now`,
        lines: [
          "The payment service is working again. Your books are still reserved for you.",
          `Pay here before ${order.paymentDeadline.toUTCString()}: ${link} (choose “Pay now”). If you don’t pay by then, the order is cancelled and nothing is charged.`,
        ],
      };
    }
    case "return_requested":
      return {
        subject: `Return requested for order ${ref}`,
        lines: [
          `We have your return request for ${returnLines(order, data)}. Please send the books back to us; we refund them when they arrive.`,
        ],
      };
    case "return_received":
      return {
        subject: `We received your return for order ${ref}`,
        lines: [
          // Nothing to refund: the money for these books came back already (the whole order, or these copies, refunded before).
          Number(data.amountCents ?? 0) > 0
            ? data.outside
              ? `The books you sent back have arrived. We owe you ${money(Number(data.amountCents), order.currency)} for them; your card payment cannot take this refund (it was disputed), so we will contact you to pay it back another way.`
              : `The books you sent back have arrived. We are refunding ${money(Number(data.amountCents), order.currency)}; you will get another e-mail when it is done.`
            : "The books you sent back have arrived. Their money was refunded to you already, so there is nothing more to refund.",
        ],
      };
    case "return_refunded":
      return {
        subject: `Your return for order ${ref} is refunded`,
        lines: [
          data.outside
            ? `Your refund of ${money(Number(data.amountCents ?? 0), order.currency)} is complete: we paid it back outside your card payment, as arranged with you.`
            : `Your refund of ${money(Number(data.amountCents ?? 0), order.currency)} is complete. It can take a few days to appear on your statement.`,
        ],
      };
    case "return_rejected":
      return {
        subject: `Your return for order ${ref} was not accepted`,
        lines: [`We could not accept your return${data.note ? `: ${String(data.note)}` : "."} Reply to this e-mail if you have questions.`],
      };
    case "return_expired":
      return {
        subject: `Your return for order ${ref} has expired`,
        lines: [
          "We did not receive the books for your return in time, so the request has closed. You can ask again while the return window is open.",
        ],
      };
  }
}

/** A partial order's created e-mail: what it left out (data.leftOut), which stays in the cart. */
function leftOutLines(data: Record<string, unknown>): string[] {
  const leftOut = Array.isArray(data.leftOut) ? (data.leftOut as { title: string; requested: number; ordered: number }[]) : [];
  if (leftOut.length === 0) return [];
  const named = leftOut.map((l) => `${l.requested - l.ordered} × ${l.title}`);
  return [`Left out, as you agreed (not on our shelves; still in your cart): ${named.join(", ")}.`];
}

/** "1 × Title, 2 × Other" for a return's lines (data.lines), from the order's items. */
function returnLines(order: EmailOrder, data: Record<string, unknown>): string {
  const lines = Array.isArray(data.lines) ? (data.lines as { bookId: number; quantity: number }[]) : [];
  const named = lines.map((l) => `${l.quantity} × ${order.items.find((i) => i.bookId === l.bookId)?.title ?? `book ${l.bookId}`}`);
  return named.length ? named.join(", ") : "your books";
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Plain text and HTML versions of one order e-mail. */
export function renderEmail(template: EmailTemplate, order: EmailOrder, data: Record<string, unknown> = {}): RenderedEmail {
  const { subject, lines } = body(template, order, data);
  const items = order.items.map((i) => `${i.quantity} × ${i.title} — ${money(i.unitPriceCents * i.quantity, order.currency)}`);
  // The same lines as the order page and the receipt: subtotal, discount, shipping, tax, total.
  const totals = totalsRows(order);
  const address = order.shippingAddress ? addressLines(order.shippingAddress) : [];
  const name = order.customerName || "there";
  const link = order.orderLink ? `Follow your order (pay, cancel, receipt): ${order.orderLink}` : null;
  const payLink = order.orderLink ?? order.pageLink ?? null;
  const text = [
    `Hello ${name},`,
    "",
    ...lines,
    ...(link ? ["", link] : []),
    "",
    "Your order:",
    ...items,
    ...totals.map((row) => `${row.label}: ${money(row.cents, order.currency)}`),
    ...(address.length ? ["", "Ship to:", ...address] : []),
    "",
    "Paperleaf Books",
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:Georgia,serif;color:#2b2520;background:#faf6ef;padding:24px">
<h1 style="font-size:20px">${escapeHtml(subject)}</h1><p>Hello ${escapeHtml(name)},</p>
${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("")}
${template === "payment_link" && payLink ? `<p><a href="${escapeHtml(payLink)}" style="color:#8a3b12;font-weight:bold">Pay for your order</a></p>` : ""}
${order.orderLink ? `<p><a href="${escapeHtml(order.orderLink)}" style="color:#8a3b12">Follow your order</a> (pay, cancel, receipt). Keep this e-mail: the link is your key to the order.</p>` : ""}
<table style="border-collapse:collapse">${order.items.map((i) => `<tr><td style="padding:4px 8px">${i.quantity} ×</td><td style="padding:4px 8px">${escapeHtml(i.title)}</td><td style="padding:4px 8px;text-align:right">${money(i.unitPriceCents * i.quantity, order.currency)}</td></tr>`).join("")}
${totals
  .map((row) => {
    const label = row.key === "total" ? `<strong>${escapeHtml(row.label)}</strong>` : escapeHtml(row.label);
    const amount = row.key === "total" ? `<strong>${money(row.cents, order.currency)}</strong>` : money(row.cents, order.currency);
    return `<tr><td></td><td style="padding:4px 8px">${label}</td><td style="padding:4px 8px;text-align:right">${amount}</td></tr>`;
  })
  .join("")}</table>
${address.length ? `<p><strong>Ship to</strong><br>${address.map(escapeHtml).join("<br>")}</p>` : ""}
<p style="color:#6b5f55">Paperleaf Books</p></body></html>`;
  return { subject, text, html };
}

/** The "refunded" e-mail's line: what went back to the card, and what was paid back outside it. */
function refundedLine(data: Record<string, unknown>, total: string, money: (cents: number) => string): string {
  const amount = typeof data.amountCents === "number" ? data.amountCents : null;
  const outside = typeof data.outsideCents === "number" ? data.outsideCents : 0;
  if (amount === null || outside === 0)
    return `Your refund of ${amount === null ? total : money(amount)} is complete. It can take a few days to appear on your statement.`;
  if (outside >= amount)
    return `Your refund of ${money(amount)} is complete: we paid it back outside your card payment, as arranged with you.`;
  return `Your refund of ${money(amount)} is complete: ${money(amount - outside)} went back to your card (it can take a few days to appear on your statement) and ${money(outside)} we paid back outside your card payment, as arranged with you.`;
}
