import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { appUrl } from "@/lib/env";
import { faultPoint } from "@/lib/faults";
import { guestOrderLink } from "@/lib/orders/guest-link";
import { getOrder } from "@/lib/orders/order-view";
import { orderForEmail } from "@/lib/orders/store";
import type { EmailTemplate } from "@/machines/order-types";
import { deliverEmail, smtpConfigured } from "./mailer";
import { outboxKeepsTokens, withoutLinkTokens } from "./outbox-secrets";
import { renderEmail, type EmailOrder, type RenderedEmail } from "./render-email";

async function loadOrder(orderId: string): Promise<(EmailOrder & { email: string }) | undefined> {
  const found = await orderForEmail(orderId);
  if (!found) return undefined;
  // The amounts, address and lines as every page shows them (subtotal, discount, shipping, tax, total).
  const order = await getOrder(orderId);
  return {
    ...order,
    email: found.order.email,
    customerName: found.order.name,
    paymentDeadline: new Date(order.paymentDeadline),
    trackingNumber: order.trackingNumber ?? null,
    estimatedDelivery: order.estimatedDelivery ?? null,
    orderLink: found.order.guest_email ? guestOrderLink(orderId) : null,
    pageLink: `${appUrl()}/orders/${orderId}`,
  };
}

/**
 * Renders, records and (with SMTP_URL) sends one order e-mail. The dedupe key
 * (order, template, transition) makes a retried job a no-op once the e-mail
 * is sent; a failed send throws, so the job retries it without blocking the order.
 */
export async function sendOrderEmail(input: {
  orderId: string;
  template: EmailTemplate;
  dedupeKey: string;
  data?: Record<string, unknown>;
}): Promise<"sent" | "stored" | "duplicate" | "no_order"> {
  const order = await loadOrder(input.orderId);
  if (!order) return "no_order";
  const rendered = renderEmail(input.template, order, input.data);
  return storeAndSendEmail({ orderId: order.id, dedupeKey: input.dedupeKey, to: order.email, ...rendered });
}

/**
 * Records one e-mail in the outbox (the emails table; /dev/mailbox shows it)
 * and, with SMTP_URL, sends it. The dedupe key makes a repeat a no-op once sent.
 * Also the account e-mails (lib/auth/email-verification.ts), with no order.
 */
export async function storeAndSendEmail(
  email: { orderId: string | null; dedupeKey: string; to: string } & RenderedEmail,
): Promise<"sent" | "stored" | "duplicate"> {
  const { db } = await getDb();
  const smtp = smtpConfigured();
  // The copy kept is the record, not the way in: stored with its links' tokens only for the development
  // mailbox (lib/notifications/outbox-secrets.ts). Sending uses the e-mail as rendered, never the copy.
  const stored = outboxKeepsTokens() ? email : { ...email, text: withoutLinkTokens(email.text), html: withoutLinkTokens(email.html) };
  await db.execute(sql`
    insert into emails (order_id, dedupe_key, to_address, subject, text_body, html_body, status)
    values (${email.orderId}, ${email.dedupeKey}, ${email.to}, ${email.subject}, ${stored.text}, ${stored.html}, ${smtp ? "queued" : "stored"})
    on conflict (dedupe_key) do nothing`);
  faultPoint("send_email:after_insert");
  const [row] = await db.execute<{ id: string; status: string }>(sql`select id, status from emails where dedupe_key = ${email.dedupeKey}`);
  if (!row || row.status === "sent" || row.status === "stored") return row?.status === "stored" && !smtp ? "stored" : "duplicate";
  await deliverEmail({ to: email.to, subject: email.subject, text: email.text, html: email.html });
  await db.execute(sql`update emails set status = 'sent', sent_at = now() where id = ${row.id}`);
  return "sent";
}
