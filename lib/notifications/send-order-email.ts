import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { faultPoint } from "@/lib/faults";
import type { EmailTemplate } from "@/machines/order-types";
import { renderEmail, type EmailOrder } from "./render-email";

async function loadOrder(orderId: string): Promise<(EmailOrder & { email: string }) | undefined> {
  const { db } = await getDb();
  const [order] = await db.execute<{ id: string; name: string; email: string; total_cents: number; currency: string; payment_deadline: string; tracking_number: string | null; estimated_delivery: string | null }>(sql`
    select o.id, u.name, u.email, o.total_cents, o.currency, o.payment_deadline, o.tracking_number, o.estimated_delivery::text
    from orders o join users u on u.id = o.user_id where o.id = ${orderId}`);
  if (!order) return undefined;
  const items = await db.execute<{ title: string; quantity: number; unit_price_cents: number }>(sql`
    select title, quantity, unit_price_cents from order_items where order_id = ${orderId} order by title`);
  return {
    id: order.id,
    email: order.email,
    customerName: order.name,
    totalCents: order.total_cents,
    currency: order.currency,
    paymentDeadline: new Date(order.payment_deadline),
    trackingNumber: order.tracking_number,
    estimatedDelivery: order.estimated_delivery,
    items: items.map((i) => ({ title: i.title, quantity: i.quantity, unitPriceCents: i.unit_price_cents })),
  };
}

/**
 * Renders and records one order e-mail. The dedupe key (order, template,
 * transition) makes a retried job a no-op once the e-mail exists.
 */
export async function sendOrderEmail(input: { orderId: string; template: EmailTemplate; dedupeKey: string; data?: Record<string, unknown> }): Promise<"sent" | "duplicate" | "no_order"> {
  const order = await loadOrder(input.orderId);
  if (!order) return "no_order";
  const rendered = renderEmail(input.template, order, input.data);
  const { db } = await getDb();
  const inserted = await db.execute(sql`
    insert into emails (order_id, dedupe_key, to_address, subject, text_body, html_body, status)
    values (${order.id}, ${input.dedupeKey}, ${order.email}, ${rendered.subject}, ${rendered.text}, ${rendered.html}, 'stored')
    on conflict (dedupe_key) do nothing returning id`);
  faultPoint("send_email:after_insert");
  return inserted.length === 1 ? "sent" : "duplicate";
}
