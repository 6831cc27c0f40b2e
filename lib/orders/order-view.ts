import { getDb } from "@/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { paymentsOfOrder, refundsOfOrder } from "@/lib/payments/store";
import { loadSnapshot } from "@/machines/order-snapshot";
import type { OrderDisplayStatus, OrderStatus, PaymentStatus, RefundStatus } from "@/machines/statuses";
import { refundableCents, refundableShippingCents, refundedQuantities, refundRoom } from "@/machines/line-amounts";
import {
  allowedUserActions,
  canRefundLines,
  displayStatusOf,
  disputeStandingOf,
  statePath,
  type DisputeStanding,
  type UserAction,
} from "@/machines/order-status";
import type { Executor } from "@/db";
import { instrument } from "@/lib/observability/operations";
import { isUuid } from "@/lib/ids";
import type {
  DomainEventType,
  LeftOutLine,
  OrderContext,
  ReturnStatus,
  ShippingAddress,
  ShippingMethod,
  ShippingOption,
  TrackingStatus,
} from "@/machines/order-types";
import { eventsOfOrder, itemsOfOrder, orderRow, orderRowsOfUser, returnsOfOrder, type OrderRow, type OrderViewer } from "./store";

/** The public Order shape (docs/API.md), plus fields the pages show. */
export type OrderView = {
  id: string;
  status: OrderStatus;
  /** The status, or "partially_refunded" while a paid or shipped order gives or gave some money back. */
  displayStatus: OrderDisplayStatus;
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
  /** A guest's order: the address it was placed with (it stays set after an account claims the order). */
  guestEmail: string | null;
  items: { bookId: number; title: string; quantity: number; unitPriceCents: number; discountCents: number; taxCents: number }[];
  /** A partial order: the cart lines it left out, as the shopper agreed (empty for a whole order). */
  leftOut: LeftOutLine[];
  paymentDeadline: string;
  payments: { id: string; status: PaymentStatus; amountCents: number; createdAt: string; failureReason: string | null }[];
  refunds: {
    id: string;
    status: RefundStatus;
    amountCents: number;
    reason: string | null;
    createdAt: string;
    /** Owed outside the gateway (a charged-back payment; an operator's choice): an operator pays it another way. */
    outside: boolean;
    /** How an operator paid it outside the gateway, once paid. */
    outsideReference: string | null;
    /**
     * Owed outside the gateway and not paid yet: what is still to pay (its amount, less what a dispute lost
     * since then took back to the shopper); null otherwise.
     */
    owedCents: number | null;
    /** A partial refund: which copies, how much shipping and goodwill (absent: the whole order, or money that came unasked). */
    partial?: { lines: { bookId: number; title: string; quantity: number }[]; shippingCents: number; goodwillCents: number };
  }[];
  /** What may still be refunded of the captured payment (0 before payment). */
  refundableCents: number;
  /** Shipping not given back yet. */
  refundableShippingCents: number;
  /** Copies of each line not refunded yet (what a partial refund may still name). */
  refundableLines: { bookId: number; title: string; quantity: number }[];
  /** The shopper may ask some lines back now. */
  canRefundLines: boolean;
  trackingNumber?: string;
  estimatedDelivery?: string;
  /** The carrier's reports on the shipment, oldest first. */
  tracking: { status: TrackingStatus; at: string }[];
  deliveredAt: string | null;
  returns: {
    id: string;
    status: ReturnStatus;
    reason: string;
    lines: { bookId: number; quantity: number }[];
    restocked: { bookId: number; quantity: number }[];
    refundCents: number;
    note: string | null;
    expiresAt: string;
    createdAt: string;
  }[];
  /** The payment's dispute, if any: the open one, else a lost one, else the last won. */
  dispute: OrderDispute | null;
  allowedActions: UserAction[];
  events: { type: string; source: string; at: string; payload: Record<string, unknown> }[];
  createdAt: string;
  revision: number;
  needsAttention: boolean;
  /** Automation on the order is paused ("on hold"): by an operator, or by the system. Who and why is for operators only. */
  paused: boolean;
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
  const [items, payments, refunds, events, returns] = await Promise.all([
    itemsOfOrder(db, row.id),
    paymentsOfOrder(db, row.id),
    refundsOfOrder(db, row.id),
    eventsOfOrder(db, row.id),
    returnsOfOrder(db, row.id),
  ]);
  const snapshot = loadSnapshot(row.machine_snapshot, row.machine_version);
  const { context } = snapshot;
  const titles = new Map(items.map((i) => [i.bookId, i.title]));
  const partials = new Map(context.refunds.map((r) => [r.id, r.partial]));
  const owedOf = (refundId: string, amountCents: number) => {
    const refund = context.refunds.find((r) => r.id === refundId);
    return refund ? refundRoom(context, refund) : amountCents;
  };
  const refunded = refundedQuantities(context);
  return {
    id: row.id,
    status: row.status,
    displayStatus: displayStatusOf(row.status, context),
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
    guestEmail: row.guest_email,
    items,
    leftOut: context.leftOut ?? [],
    paymentDeadline: iso(row.payment_deadline),
    payments: payments.map((p) => ({
      id: p.id,
      status: p.status,
      amountCents: p.amount_cents,
      createdAt: iso(p.created_at),
      failureReason: p.failure_reason,
    })),
    refunds: refunds.map((r) => {
      const partial = partials.get(r.id);
      return {
        id: r.id,
        status: r.status,
        amountCents: r.amount_cents,
        reason: r.reason,
        createdAt: iso(r.created_at),
        outside: r.outside,
        outsideReference: r.outside_reference,
        owedCents: r.outside && r.status === "pending" ? owedOf(r.id, r.amount_cents) : null,
        ...(partial
          ? {
              partial: {
                ...partial,
                lines: partial.lines.map((l) => ({
                  bookId: l.bookId,
                  title: titles.get(l.bookId) ?? `Book ${l.bookId}`,
                  quantity: l.quantity,
                })),
              },
            }
          : {}),
      };
    }),
    refundableCents: refundableCents(context, context.paidPaymentId),
    refundableShippingCents: refundableShippingCents(context),
    refundableLines: items
      .map((i) => ({ bookId: i.bookId, title: i.title, quantity: i.quantity - (refunded.get(i.bookId) ?? 0) }))
      .filter((i) => i.quantity > 0),
    canRefundLines: canRefundLines(snapshot, Date.now(), env().REFUND_WINDOW_DAYS),
    ...(row.tracking_number ? { trackingNumber: row.tracking_number } : {}),
    ...(row.estimated_delivery ? { estimatedDelivery: String(row.estimated_delivery).slice(0, 10) } : {}),
    tracking: snapshot.context.tracking.map((t) => ({ status: t.status, at: t.occurredAt })),
    deliveredAt: snapshot.context.deliveredAt === null ? null : iso(new Date(snapshot.context.deliveredAt)),
    returns: returns.map((r) => ({
      id: r.id,
      status: r.status,
      reason: r.reason,
      lines: r.lines,
      restocked: r.restocked,
      refundCents: r.refund_cents,
      note: r.note,
      expiresAt: iso(r.expires_at),
      createdAt: iso(r.created_at),
    })),
    allowedActions: allowedUserActions(snapshot, Date.now(), env().REFUND_WINDOW_DAYS, env().RETURN_WINDOW_DAYS),
    dispute: disputeOfView(snapshot.context),
    events: events.map((e) => ({ type: e.type, source: e.source, at: iso(e.created_at), payload: e.payload })),
    createdAt: iso(row.created_at),
    revision: row.revision,
    needsAttention: row.needs_attention,
    paused: context.paused !== null,
  };
}

/**
 * Events whose payload is the operators' business: who paused the order and
 * why, and why the warehouse job gave up (the job's own error text: a failed
 * query, a carrier host; a security audit found it shown to shoppers). A
 * shopper sees that it happened, not why.
 */
const operatorOnlyPayloads = new Set<DomainEventType>(["OrderPaused", "OrderResumed", "FulfilmentFailed"]);

/** The shopper's view of an order: the same, less what only operators may read. */
function shopperView(view: OrderView): OrderView {
  return { ...view, events: view.events.map((e) => (operatorOnlyPayloads.has(e.type as DomainEventType) ? { ...e, payload: {} } : e)) };
}

/** One order of one user; another user's order is not_found, like a missing one. */
export function getOrderForUser(userId: string, orderId: string): Promise<OrderView> {
  return getOrderForViewer({ userId }, orderId);
}

/** One order this viewer may see (theirs, or the guest order whose link they hold); any other is not_found. */
export function getOrderForViewer(viewer: OrderViewer, orderId: string): Promise<OrderView> {
  return instrument("data_lookup", { name: "get_order" }, async () => {
    if (!isUuid(orderId)) throw new AppError("not_found", "Order not found");
    const { db } = await getDb();
    const row = await orderRow(db, orderId, viewer);
    if (!row) throw new AppError("not_found", "Order not found");
    return shopperView(await buildOrderView(db, row));
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
    return Promise.all(rows.map(async (row) => shopperView(await buildOrderView(db, row))));
  });
}

/** The order took money at some point (paid, shipped, or refunded after): it has a receipt. */
export function wasPaid(order: Pick<OrderView, "status">): boolean {
  return ["paid", "fulfilled", "delivered", "refund_pending", "refunded"].includes(order.status);
}
