import { getDb } from "@/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { paymentsOfOrder, refundsOfOrder } from "@/lib/payments/store";
import { refundableCents } from "@/machines/order-context";
import { loadSnapshot } from "@/machines/order-snapshot";
import type { OrderStatus, PaymentStatus, RefundStatus } from "@/machines/statuses";
import { allowedUserActions, disputeStandingOf, statePath, type DisputeStanding, type UserAction } from "@/machines/order-status";
import type { Executor } from "@/db";
import { instrument } from "@/lib/observability/operations";
import { isUuid } from "@/lib/ids";
import type { OrderContext, ShippingAddress, ShippingMethod, ShippingOption } from "@/machines/order-types";
import { eventsOfOrder, itemsOfOrder, orderRow, orderRowsOfUser, type OrderRow } from "./store";

/** The public Order shape (docs/API.md), plus fields the pages show. */
export type OrderView = {
  id: string;
  status: OrderStatus;
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
  payments: { id: string; status: PaymentStatus; amountCents: number; createdAt: string; failureReason: string | null }[];
  refunds: { id: string; status: RefundStatus; amountCents: number; reason: string | null; createdAt: string }[];
  trackingNumber?: string;
  estimatedDelivery?: string;
  /** The payment's dispute, if any: the open one, else a lost one, else the last won. */
  dispute: OrderDispute | null;
  /** What a refund may still give back: captured − lost in disputes (0 before payment). */
  refundableCents: number;
  allowedActions: UserAction[];
  events: { type: string; source: string; at: string; payload: Record<string, unknown> }[];
  createdAt: string;
  revision: number;
  needsAttention: boolean;
};

export type OrderDispute = {
  id: string;
  standing: DisputeStanding;
  amountCents: number;
  reason: string;
  /** The gateway's status (needs_response, under_review, won, lost…). */
  status: string;
  evidenceDueBy: string | null;
};

const iso = (value: Date | string) => new Date(value).toISOString();

function disputeOfView(context: OrderContext): OrderDispute | null {
  const standing = disputeStandingOf(context);
  if (!standing) return null;
  const outcome = standing === "disputed" ? "open" : standing === "dispute_lost" ? "lost" : "won";
  const d = context.disputes.filter((x) => x.outcome === outcome).at(-1)!;
  return {
    id: d.id,
    standing,
    amountCents: d.amountCents,
    reason: d.reason,
    status: d.status,
    evidenceDueBy: d.evidenceDueBy === null ? null : iso(new Date(d.evidenceDueBy)),
  };
}

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
    itemsOfOrder(db, row.id),
    paymentsOfOrder(db, row.id),
    refundsOfOrder(db, row.id),
    eventsOfOrder(db, row.id),
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
    items,
    paymentDeadline: iso(row.payment_deadline),
    payments: payments.map((p) => ({
      id: p.id,
      status: p.status,
      amountCents: p.amount_cents,
      createdAt: iso(p.created_at),
      failureReason: p.failure_reason,
    })),
    refunds: refunds.map((r) => ({
      id: r.id,
      status: r.status,
      amountCents: r.amount_cents,
      reason: r.reason,
      createdAt: iso(r.created_at),
    })),
    ...(row.tracking_number ? { trackingNumber: row.tracking_number } : {}),
    ...(row.estimated_delivery ? { estimatedDelivery: String(row.estimated_delivery).slice(0, 10) } : {}),
    dispute: disputeOfView(snapshot.context),
    refundableCents: refundableCents(snapshot.context),
    allowedActions: allowedUserActions(snapshot, Date.now(), env().REFUND_WINDOW_DAYS),
    events: events.map((e) => ({ type: e.type, source: e.source, at: iso(e.created_at), payload: e.payload })),
    createdAt: iso(row.created_at),
    revision: row.revision,
    needsAttention: row.needs_attention,
  };
}

/** One order of one user; another user's order is not_found, like a missing one. */
export function getOrderForUser(userId: string, orderId: string): Promise<OrderView> {
  return instrument("data_lookup", { name: "get_order" }, async () => {
    if (!isUuid(orderId)) throw new AppError("not_found", "Order not found");
    const { db } = await getDb();
    const row = await orderRow(db, orderId, userId);
    if (!row) throw new AppError("not_found", "Order not found");
    return buildOrderView(db, row);
  });
}

/** Any order, for operators and internal callers. */
export async function getOrder(orderId: string): Promise<OrderView> {
  if (!isUuid(orderId)) throw new AppError("not_found", "Order not found");
  const { db } = await getDb();
  const row = await orderRow(db, orderId);
  if (!row) throw new AppError("not_found", "Order not found");
  return buildOrderView(db, row);
}

export function listOrdersForUser(userId: string, limit = 50): Promise<OrderView[]> {
  return instrument("data_lookup", { name: "list_orders" }, async () => {
    const { db } = await getDb();
    const rows = await orderRowsOfUser(db, userId, limit);
    return Promise.all(rows.map((row) => buildOrderView(db, row)));
  });
}

/** The order took money at some point (paid, shipped, or refunded after): it has a receipt. */
export function wasPaid(order: Pick<OrderView, "status">): boolean {
  return ["paid", "fulfilled", "refund_pending", "refunded"].includes(order.status);
}
