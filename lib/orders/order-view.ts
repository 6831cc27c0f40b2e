import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { loadSnapshot, type StoredSnapshot } from "@/machines/order-snapshot";
import { allowedUserActions, statePath, type UserAction } from "@/machines/order-status";
import type { ShippingAddress, ShippingMethod, ShippingOption } from "@/machines/order-types";
import type { Executor } from "./types";
import { instrument } from "@/lib/observability/operations";
import { isUuid } from "@/lib/ids";

/** The public Order shape (API.md), plus fields the pages show. */
export type OrderView = {
  id: string;
  status: string;
  state: string;
  /** subtotal − discount + shipping + tax = total (a CHECK constraint holds the row to it). */
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  taxCents: number;
  totalCents: number;
  currency: string;
  promotionCode: string | null;
  shippingMethod: ShippingMethod | null;
  shippingAddress: ShippingAddress | null;
  /** The rates offered at checkout (the chosen one gives the delivery estimate). */
  shippingOptions: ShippingOption[];
  customerEmail: string | null;
  items: { bookId: number; title: string; quantity: number; unitPriceCents: number; discountCents: number; taxCents: number }[];
  paymentDeadline: string;
  payments: { id: string; status: string; amountCents: number; createdAt: string; failureReason: string | null }[];
  refunds: { id: string; status: string; amountCents: number; reason: string | null; createdAt: string }[];
  trackingNumber?: string;
  estimatedDelivery?: string;
  allowedActions: UserAction[];
  events: { type: string; source: string; at: string; payload: Record<string, unknown> }[];
  createdAt: string;
  revision: number;
  needsAttention: boolean;
};

type OrderRow = {
  id: string;
  user_id: string;
  status: string;
  machine_snapshot: StoredSnapshot;
  machine_version: number;
  subtotal_cents: number;
  discount_cents: number;
  shipping_cents: number;
  tax_cents: number;
  total_cents: number;
  currency: string;
  promotion_code: string | null;
  shipping_method: ShippingMethod | null;
  shipping_name: string | null;
  shipping_line1: string | null;
  shipping_line2: string | null;
  shipping_city: string | null;
  shipping_postal_code: string | null;
  shipping_region: string | null;
  shipping_country: string | null;
  customer_email: string | null;
  payment_deadline: Date;
  tracking_number: string | null;
  estimated_delivery: string | null;
  created_at: Date;
  revision: number;
  needs_attention: boolean;
};

const iso = (value: Date | string) => new Date(value).toISOString();

function addressOf(row: OrderRow): ShippingAddress | null {
  if (!row.shipping_line1 || !row.shipping_country) return null;
  return {
    name: row.shipping_name ?? "",
    line1: row.shipping_line1,
    line2: row.shipping_line2,
    city: row.shipping_city ?? "",
    postalCode: row.shipping_postal_code,
    region: row.shipping_region,
    country: row.shipping_country,
  };
}

export async function buildOrderView(db: Executor, row: OrderRow): Promise<OrderView> {
  const [items, payments, refunds, events] = await Promise.all([
    db.execute<{ book_id: number; title: string; quantity: number; unit_price_cents: number; discount_cents: number; tax_cents: number }>(sql`
      select book_id, title, quantity, unit_price_cents, discount_cents, tax_cents from order_items where order_id = ${row.id} order by title`),
    db.execute<{ id: string; status: string; amount_cents: number; created_at: Date; failure_reason: string | null }>(sql`
      select id, status, amount_cents, created_at, failure_reason from payments where order_id = ${row.id} order by created_at, id`),
    db.execute<{ id: string; status: string; amount_cents: number; reason: string | null; created_at: Date }>(sql`
      select id, status, amount_cents, reason, created_at from refunds where order_id = ${row.id} order by created_at, id`),
    db.execute<{ type: string; source: string; created_at: Date; payload: Record<string, unknown> }>(sql`
      select type, source, created_at, payload from order_events where order_id = ${row.id} order by id`),
  ]);
  const snapshot = loadSnapshot(row.machine_snapshot, row.machine_version);
  return {
    id: row.id,
    status: row.status,
    state: statePath(snapshot),
    subtotalCents: row.subtotal_cents,
    discountCents: row.discount_cents,
    shippingCents: row.shipping_cents,
    taxCents: row.tax_cents,
    totalCents: row.total_cents,
    currency: row.currency,
    promotionCode: row.promotion_code,
    shippingMethod: row.shipping_method,
    shippingAddress: addressOf(row),
    shippingOptions: snapshot.context.shippingOptions,
    customerEmail: row.customer_email,
    items: items.map((i) => ({
      bookId: i.book_id,
      title: i.title,
      quantity: i.quantity,
      unitPriceCents: i.unit_price_cents,
      discountCents: i.discount_cents,
      taxCents: i.tax_cents,
    })),
    paymentDeadline: iso(row.payment_deadline),
    payments: payments.map((p) => ({ id: p.id, status: p.status, amountCents: p.amount_cents, createdAt: iso(p.created_at), failureReason: p.failure_reason })),
    refunds: refunds.map((r) => ({ id: r.id, status: r.status, amountCents: r.amount_cents, reason: r.reason, createdAt: iso(r.created_at) })),
    ...(row.tracking_number ? { trackingNumber: row.tracking_number } : {}),
    ...(row.estimated_delivery ? { estimatedDelivery: String(row.estimated_delivery).slice(0, 10) } : {}),
    allowedActions: allowedUserActions(snapshot, Date.now(), env().REFUND_WINDOW_DAYS),
    events: events.map((e) => ({ type: e.type, source: e.source, at: iso(e.created_at), payload: e.payload })),
    createdAt: iso(row.created_at),
    revision: row.revision,
    needsAttention: row.needs_attention,
  };
}

const columns = sql`id, user_id, status, machine_snapshot, machine_version, subtotal_cents, discount_cents, shipping_cents, tax_cents,
  total_cents, currency, promotion_code, shipping_method, shipping_name, shipping_line1, shipping_line2, shipping_city,
  shipping_postal_code, shipping_region, shipping_country, customer_email, payment_deadline,
  tracking_number, estimated_delivery::text, created_at, revision, needs_attention`;

/** One order of one user; another user's order is not_found, like a missing one. */
export function getOrderForUser(userId: string, orderId: string): Promise<OrderView> {
  return instrument("data_lookup", { name: "get_order" }, async () => {
    if (!isUuid(orderId)) throw new AppError("not_found", "Order not found");
    const { db } = await getDb();
    const [row] = await db.execute<OrderRow>(sql`select ${columns} from orders where id = ${orderId} and user_id = ${userId}`);
    if (!row) throw new AppError("not_found", "Order not found");
    return buildOrderView(db, row);
  });
}

/** Any order, for operators and internal callers. */
export async function getOrder(orderId: string): Promise<OrderView> {
  if (!isUuid(orderId)) throw new AppError("not_found", "Order not found");
  const { db } = await getDb();
  const [row] = await db.execute<OrderRow>(sql`select ${columns} from orders where id = ${orderId}`);
  if (!row) throw new AppError("not_found", "Order not found");
  return buildOrderView(db, row);
}

export function listOrdersForUser(userId: string, limit = 50): Promise<OrderView[]> {
  return instrument("data_lookup", { name: "list_orders" }, async () => {
    const { db } = await getDb();
    const rows = await db.execute<OrderRow>(sql`
      select ${columns} from orders where user_id = ${userId} order by created_at desc, id limit ${limit}`);
    return Promise.all(rows.map((row) => buildOrderView(db, row)));
  });
}

/** The order took money at some point (paid, shipped, or refunded after): it has a receipt. */
export function wasPaid(order: Pick<OrderView, "status">): boolean {
  return ["paid", "fulfilled", "refund_pending", "refunded"].includes(order.status);
}
