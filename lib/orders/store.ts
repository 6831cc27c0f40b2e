import { and, desc, eq, gt, isNull, lt, sql, type SQL } from "drizzle-orm";
import { getDb, type Executor } from "@/db";
import type { WritePipeline } from "@/db/batching";
import type { SqlRow } from "@/db/rows";
import { orderEvents, orderItems, orderReturns, orders, type EventSource, type OrderStatus } from "@/db/schema";
import type { OrderTx } from "@/db/transaction";
import type { StoredSnapshot } from "@/machines/order-snapshot";
import { isUuid } from "@/lib/ids";
import type { PauseState, ReturnStatus, Sale, ShippingMethod, ShippingOption } from "@/machines/order-types";
import { ORDER_CHANGED_CHANNEL } from "./order-changes";

// The one module that writes orders, order_items, order_events and
// ignored_events (docs/ARCHITECTURE.md, "Who writes which table"). Every change
// to an order still goes through dispatch (dispatch.ts): these are the
// statements it and placeOrder send. Hand-tuned statements (the row locks, the
// pipelined writes) keep their SQL; their rows are typed from db/schema.ts.

/** The order row dispatch works on, locked for the transaction. */
export type LockedOrder = SqlRow<typeof orders, "id" | "userId" | "machineVersion" | "revision"> & {
  /** A guest order's cart (absent for an order placed in this transaction by a shopper with an account). */
  guest_cart_id?: string | null;
  machine_snapshot: StoredSnapshot;
  /** Absent for an order placed in this transaction. */
  created_at?: SqlRow<typeof orders, "createdAt">["created_at"];
};

const lockedColumns = sql`id, user_id, guest_cart_id, machine_snapshot, machine_version, revision, created_at`;

/** Reads through the transaction's pipeline, so a queued write's failure is the one reported. */
const read = <T extends Record<string, unknown>>(otx: OrderTx, query: ReturnType<typeof sql>) => otx.pipeline.read<T>(query);

/** `select … for update`: every event for one order is serialised. */
export async function selectOrderForUpdate(otx: OrderTx, orderId: string): Promise<LockedOrder | undefined> {
  const rows = await read<LockedOrder>(otx, sql`select ${lockedColumns} from orders where id = ${orderId} for update`);
  return rows[0];
}

/**
 * Locks the order a gateway checkout session pays for: the payment lookup
 * and the order lock in one statement (a webhook's hot path).
 */
export async function selectOrderOfSessionForUpdate(
  otx: OrderTx,
  sessionId: string,
): Promise<(LockedOrder & { payment_id: string }) | undefined> {
  const rows = await read<LockedOrder & { payment_id: string }>(
    otx,
    sql`
    select o.id, o.user_id, o.guest_cart_id, o.machine_snapshot, o.machine_version, o.revision, o.created_at, p.id as payment_id
    from payments p join orders o on o.id = p.order_id
    where p.gateway_session_id = ${sessionId}
    for update of o`,
  );
  return rows[0];
}

/** A refused event (not allowed now, or a repeat), kept apart so replaying order_events stays exact. */
export function recordIgnoredEvent(
  pipeline: WritePipeline,
  row: {
    orderId: string;
    eventType: string;
    state: string;
    outcome: "ignored" | "duplicate";
    source: EventSource;
    machineEvent: unknown;
    requestId?: string;
  },
): void {
  pipeline.write(sql`
    insert into ignored_events (order_id, event_type, state, outcome, source, machine_event, request_id)
    values (${row.orderId}, ${row.eventType}, ${row.state}, ${row.outcome}, ${row.source}, ${JSON.stringify(row.machineEvent)}::jsonb, ${row.requestId ?? null})`);
}

/** One audit row per domain event; `machineEvent` only on a transition's first row (replay folds it once). */
export function recordOrderEvent(
  pipeline: WritePipeline,
  row: {
    orderId: string;
    type: string;
    fromState: string;
    toState: string;
    source: EventSource;
    machineEvent: unknown;
    payload: Record<string, unknown>;
    requestId?: string;
  },
): void {
  pipeline.write(sql`
    insert into order_events (order_id, type, from_state, to_state, source, machine_event, payload, request_id)
    values (${row.orderId}, ${row.type}, ${row.fromState}, ${row.toState}, ${row.source},
            ${row.machineEvent ? JSON.stringify(row.machineEvent) : null}::jsonb, ${JSON.stringify(row.payload)}::jsonb, ${row.requestId ?? null})`);
}

/**
 * The new snapshot, its derived status, version and revision, and the notice
 * LISTENers get only if the transaction commits (order-changes.ts): queued by
 * the same statement (its RETURNING, for the one row), not a statement of its own.
 */
export function saveSnapshot(
  pipeline: WritePipeline,
  row: { orderId: string; status: OrderStatus; snapshot: StoredSnapshot; machineVersion: number; revision: number },
  effectColumns: SQL[] = [],
): void {
  // The effects' own columns (the sale) ride in this update: one new version of
  // a row with nine indexes per transition instead of one per update.
  pipeline.write(sql`
    update orders set
      ${sql.join(
        effectColumns.map((columns) => sql`${columns}, `),
        sql``,
      )}status = ${row.status},
      machine_snapshot = ${JSON.stringify(row.snapshot)}::jsonb,
      machine_version = ${row.machineVersion},
      revision = ${row.revision},
      paid_at = case when ${row.status} = 'paid' and paid_at is null then now() else paid_at end,
      updated_at = now()
    where id = ${row.orderId}
    returning pg_notify(${ORDER_CHANGED_CHANNEL}, ${JSON.stringify({ orderId: row.orderId, revision: row.revision, status: row.status })})`);
}

export function recordShipment(
  pipeline: WritePipeline,
  orderId: string,
  shipment: { trackingNumber: string; estimatedDelivery: string },
): void {
  pipeline.write(sql`
    update orders set tracking_number = ${shipment.trackingNumber}, estimated_delivery = ${shipment.estimatedDelivery}::date,
      fulfilled_at = now() where id = ${orderId}`);
}

/** The machine's recordDelivery effect. */
export function recordDelivery(pipeline: WritePipeline, orderId: string, deliveredAt: number): void {
  pipeline.write(sql`update orders set delivered_at = ${new Date(deliveredAt).toISOString()}::timestamptz where id = ${orderId}`);
}

/** The machine's createReturn effect: a shopper's return request. */
export function insertReturn(
  pipeline: WritePipeline,
  row: { id: string; orderId: string; lines: { bookId: number; quantity: number }[]; reason: string; expiresAt: number },
): void {
  pipeline.write(sql`
    insert into order_returns (id, order_id, status, reason, lines, expires_at)
    values (${row.id}, ${row.orderId}, 'requested', ${row.reason}, ${JSON.stringify(row.lines)}::jsonb,
      ${new Date(row.expiresAt).toISOString()}::timestamptz)`);
}

/** The machine's setReturnStatus effect: received (what was restocked, the refund), rejected or expired. */
export function updateReturn(
  pipeline: WritePipeline,
  orderId: string,
  change: {
    returnId: string;
    status: ReturnStatus;
    restocked?: { bookId: number; quantity: number }[];
    refundId?: string | null;
    refundCents?: number;
    note?: string;
  },
): void {
  pipeline.write(sql`
    update order_returns set status = ${change.status}, resolved_at = now(),
      restocked = coalesce(${change.restocked ? JSON.stringify(change.restocked) : null}::jsonb, restocked),
      refund_id = coalesce(${change.refundId ?? null}::uuid, refund_id),
      refund_cents = coalesce(${change.refundCents ?? null}::int, refund_cents),
      note = coalesce(${change.note ?? null}, note)
    where id = ${change.returnId} and order_id = ${orderId}`);
}

export type ReturnRow = SqlRow<
  typeof orderReturns,
  "id" | "status" | "reason" | "lines" | "restocked" | "refundId" | "refundCents" | "note" | "expiresAt" | "createdAt" | "resolvedAt"
>;

export async function returnsOfOrder(db: Executor, orderId: string): Promise<ReturnRow[]> {
  return db.execute<ReturnRow>(sql`
    select id, status, reason, lines, restocked, refund_id, refund_cents, note, expires_at, created_at, resolved_at
    from order_returns where order_id = ${orderId} order by created_at, id`);
}

/**
 * The machine's recordSale effect: the paid sale onto the order (address, rate,
 * code, discount and tax, the total), as columns for the transition's snapshot
 * update (`orderColumns`, written by saveSnapshot after the effects: nothing
 * in the transition reads them before), and each line's discount and tax
 * (`bookIds`: the order's lines in the order the sale lists them).
 */
export function recordSale(pipeline: WritePipeline, orderColumns: SQL[], orderId: string, sale: Sale, bookIds: number[]): void {
  const a = sale.address;
  orderColumns.push(sql`total_cents = ${sale.totalCents}, discount_cents = ${sale.discountCents}, shipping_cents = ${sale.shippingCents},
      tax_cents = ${sale.taxCents}, promotion_code = ${sale.promotionCode}, shipping_method = ${sale.shippingMethod},
      shipping_name = ${a?.name ?? null}, shipping_line1 = ${a?.line1 ?? null}, shipping_line2 = ${a?.line2 ?? null},
      shipping_city = ${a?.city ?? null}, shipping_postal_code = ${a?.postalCode ?? null}, shipping_region = ${a?.region ?? null},
      shipping_country = ${a?.country ?? null}, customer_email = coalesce(${sale.email}, customer_email)`);
  if (sale.lines.every((line) => line.discountCents === 0 && line.taxCents === 0)) return;
  const lines = JSON.stringify(
    sale.lines.map((line, i) => ({ book_id: bookIds[i], discount_cents: line.discountCents, tax_cents: line.taxCents })),
  );
  pipeline.write(sql`
    update order_items i set discount_cents = l.discount_cents, tax_cents = l.tax_cents
    from jsonb_to_recordset(${lines}::jsonb) as l(book_id int, discount_cents int, tax_cents int)
    where i.order_id = ${orderId} and i.book_id = l.book_id`);
}

/** The machine's flagForOperator effect, inside the dispatch transaction. */
export function flagInTransaction(pipeline: WritePipeline, orderId: string, reason: string): void {
  pipeline.write(sql`update orders set needs_attention = true, attention_reason = ${reason} where id = ${orderId}`);
}

/** The machine's clearOperatorFlag effect: the flag is lowered only while it still says what was done (a later, other flag stays). */
export function clearFlagInTransaction(pipeline: WritePipeline, orderId: string, reasonContains: string): void {
  pipeline.write(sql`update orders set needs_attention = false, attention_reason = null
    where id = ${orderId} and needs_attention and strpos(coalesce(attention_reason, ''), ${reasonContains}) > 0`);
}

/** The machine's recordPause effect: paused (who, why, since) or running again. */
export function recordPause(pipeline: WritePipeline, orderId: string, paused: PauseState | null): void {
  pipeline.write(
    paused
      ? sql`update orders set paused_at = ${new Date(paused.at).toISOString()}::timestamptz, paused_by = ${paused.by},
          pause_reason = ${paused.reason} where id = ${orderId}`
      : sql`update orders set paused_at = null, paused_by = null, pause_reason = null where id = ${orderId}`,
  );
}

/** The machine's recordShipByHand effect: the order joins the "ship by hand" queue (listed while paid). */
export function recordShipByHand(pipeline: WritePipeline, orderId: string, reason: string): void {
  pipeline.write(sql`update orders set ship_by_hand_at = now(), ship_by_hand_reason = ${reason} where id = ${orderId}`);
}

/** Whether automation on the order is paused (jobs look before they act; lib/worker/define-task.ts). */
export async function isOrderPaused(orderId: string): Promise<boolean> {
  const { db } = await getDb();
  const [row] = await db.select({ pausedAt: orders.pausedAt }).from(orders).where(eq(orders.id, orderId));
  return !!row?.pausedAt;
}

/** Automation gave up (a job's last attempt failed): not a state change. */
export async function flagOrderRow(orderId: string, reason: string): Promise<void> {
  const { db } = await getDb();
  await db
    .update(orders)
    .set({ needsAttention: true, attentionReason: reason, updatedAt: sql`now()` })
    .where(eq(orders.id, orderId));
}

/** Who places and holds an order: a shopper with an account, or a guest by e-mail address (lower case). */
export type OrderOwner = { userId: string; guestEmail?: undefined } | { userId?: undefined; guestEmail: string };

/** The owner's orders: a guest's are those of the address no account has claimed yet. */
function ownedBy(owner: OrderOwner): SQL | undefined {
  return owner.userId !== undefined ? eq(orders.userId, owner.userId) : and(isNull(orders.userId), eq(orders.guestEmail, owner.guestEmail));
}

export type NewOrder = {
  id: string;
  userId: string | null;
  guestEmail?: string;
  guestCartId?: string;
  snapshot: StoredSnapshot;
  machineVersion: number;
  paymentDeadline: Date;
  totalCents: number;
  currency: string;
  idempotencyKey?: string;
  cartFingerprint?: string;
  lines: { bookId: number; title: string; quantity: number; unitPriceCents: number }[];
};

/** The order and its lines (prices copied at checkout), queued on the checkout's pipeline. */
export function insertOrder(pipeline: WritePipeline, order: NewOrder): void {
  pipeline.write(sql`
    insert into orders (id, user_id, guest_email, guest_cart_id, status, machine_snapshot, machine_version, payment_deadline,
                        subtotal_cents, total_cents, currency, idempotency_key, cart_fingerprint)
    values (${order.id}, ${order.userId}, ${order.guestEmail ?? null}, ${order.guestCartId ?? null}, 'created', ${JSON.stringify(order.snapshot)}::jsonb, ${order.machineVersion},
            ${order.paymentDeadline.toISOString()}::timestamptz, ${order.totalCents}, ${order.totalCents}, ${order.currency},
            ${order.idempotencyKey ?? null}, ${order.cartFingerprint ?? null})`);
  for (const line of order.lines) {
    pipeline.write(sql`
      insert into order_items (order_id, book_id, title, quantity, unit_price_cents)
      values (${order.id}, ${line.bookId}, ${line.title}, ${line.quantity}, ${line.unitPriceCents})`);
  }
}

/**
 * The order a checkout with this idempotency key already placed. A guest's
 * must also come from the same cart (`guestCartId`): their address and key
 * are no secret, and a replay hands the asking browser the order's link.
 */
export async function findOrderByIdempotencyKey(tx: Executor, owner: OrderOwner, key: string, guestCartId: string | null = null) {
  const sameCart = owner.guestEmail === undefined ? undefined : guestCartId ? eq(orders.guestCartId, guestCartId) : sql`false`;
  const [row] = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(and(ownedBy(owner), eq(orders.idempotencyKey, key), sameCart));
  return row;
}

/** The newest order of this cart placed within the last `seconds` (a double click). */
export async function findRecentOrderOfCart(tx: Executor, owner: OrderOwner, fingerprint: string, seconds: number) {
  const [row] = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(ownedBy(owner), eq(orders.cartFingerprint, fingerprint), gt(orders.createdAt, sql`now() - make_interval(secs => ${seconds})`)),
    )
    .orderBy(desc(orders.createdAt))
    .limit(1);
  return row;
}

/** Whose cart: a shopper's account, or a guest's cookie cart. */
export type CartOwner = { userId: string; guestCartId?: undefined } | { userId?: undefined; guestCartId: string };

/** The open orders of a cart's checkouts, for SQL: an account's (not a guest order it claimed), or a guest cart's (unclaimed). */
function openOrderOfCart(owner: CartOwner | { userId: SQL; guestCartId?: undefined }): SQL {
  return owner.userId !== undefined
    ? sql`o.user_id = ${owner.userId} and o.guest_email is null and o.cart_fingerprint is not null and o.status = 'created'`
    : sql`o.guest_cart_id = ${owner.guestCartId} and o.user_id is null and o.status = 'created'`;
}

/** An order a cart's checkout placed that still waits for payment. */
export type OpenCartOrder = SqlRow<typeof orders, "id" | "cartFingerprint" | "guestEmail"> & {
  /** The payment deadline has not passed (by the database's clock). */
  in_time: boolean;
};

/**
 * The cart's orders waiting for payment, newest first, locked (`for update`, as
 * dispatch locks them) so a payment or a cancel cannot slip in between the look
 * and the decision; the checkout lock serialises the shopper's own checkouts.
 */
export async function lockOpenOrdersOfCart(tx: Executor, owner: CartOwner): Promise<OpenCartOrder[]> {
  return tx.execute<OpenCartOrder>(sql`
    select o.id, o.cart_fingerprint, o.guest_email, o.payment_deadline > now() as in_time from orders o
    where ${openOrderOfCart(owner)} order by o.created_at desc, o.id for update`);
}

/** A cart's open order as the cart page shows it. */
export type OpenCartOrderRow = SqlRow<typeof orders, "id" | "cartFingerprint" | "totalCents" | "currency"> & { deadline_ms: number };

/**
 * The newest order of this cart's checkouts still waiting for payment before its deadline:
 * what the cart page offers to pay, and whose reserved copies the cart counts as its own.
 */
export async function openOrderOfCartId(db: Executor, cartId: string): Promise<OpenCartOrderRow | undefined> {
  const columns = sql`o.id, o.cart_fingerprint, o.total_cents, o.currency, (extract(epoch from o.payment_deadline) * 1000)::float8 as deadline_ms, o.created_at`;
  const [row] = await db.execute<OpenCartOrderRow>(sql`
    select id, cart_fingerprint, total_cents, currency, deadline_ms from (
      select ${columns} from carts c join orders o on o.user_id = c.user_id
      where c.id = ${cartId} and ${openOrderOfCart({ userId: sql`c.user_id` })} and o.payment_deadline > now()
      union all
      select ${columns} from orders o
      where ${openOrderOfCart({ guestCartId: cartId })} and o.payment_deadline > now()
    ) candidates order by created_at desc, id limit 1`);
  return row;
}

/** What a shopper holds unpaid: orders waiting for payment and the copies they reserve. */
export async function unpaidHoldings(tx: Executor, owner: OrderOwner): Promise<{ orders: number; copies: number }> {
  const [held] = await tx
    .select({ orders: sql<number>`count(distinct ${orders.id})::int`, copies: sql<number>`coalesce(sum(${orderItems.quantity}), 0)::int` })
    .from(orders)
    .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
    .where(and(ownedBy(owner), eq(orders.status, "created")));
  return held ?? { orders: 0, copies: 0 };
}

/** Orders still waiting for payment after their deadline (no timeout job settled them). */
export async function overdueOrderIds(limit: number): Promise<string[]> {
  const { db } = await getDb();
  const rows = await db
    .select({ id: orders.id })
    .from(orders)
    // A paused order waits for its operator: RESUME schedules its timeout again.
    .where(and(eq(orders.status, "created"), lt(orders.paymentDeadline, sql`now()`), isNull(orders.pausedAt)))
    .orderBy(orders.paymentDeadline)
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Paid orders holding copies of a book, newest first: the ones a write-off refunds. */
/**
 * Paid, unshipped orders holding copies of a book, newest payment first, with
 * the copies each still holds: its line less what it put back on the shelf
 * already (a partial refund before shipping restocks; the machine's
 * `restocked`). The line's quantity alone counted copies back on the shelf
 * twice, so a write-off the stock allowed failed (a money audit's find).
 */
export async function paidOrdersHoldingBook(tx: Executor, bookId: number): Promise<{ id: string; quantity: number }[]> {
  const rows = await tx.execute<{ id: string; quantity: number }>(sql`
    select o.id, i.quantity - coalesce((
      select sum((r->>'quantity')::int) from jsonb_array_elements(o.machine_snapshot->'context'->'restocked') r
      where (r->>'bookId')::int = i.book_id), 0)::int as quantity
    from orders o join order_items i on i.order_id = o.id
    where i.book_id = ${bookId} and o.status = 'paid'
    order by o.paid_at desc nulls last, o.created_at desc`);
  return rows.filter((row) => row.quantity > 0);
}

// --- The order's read model (order-view.ts) ---

/** An order row as the order pages show it. */
export type OrderRow = SqlRow<
  typeof orders,
  | "id"
  | "userId"
  | "status"
  | "machineVersion"
  | "subtotalCents"
  | "discountCents"
  | "shippingCents"
  | "taxCents"
  | "totalCents"
  | "currency"
  | "promotionCode"
  | "shippingName"
  | "shippingLine1"
  | "shippingLine2"
  | "shippingCity"
  | "shippingPostalCode"
  | "shippingRegion"
  | "shippingCountry"
  | "customerEmail"
  | "guestEmail"
  | "paymentDeadline"
  | "trackingNumber"
  | "estimatedDelivery"
  | "createdAt"
  | "revision"
  | "needsAttention"
> & { machine_snapshot: StoredSnapshot; shipping_method: ShippingMethod | null };

const orderColumns = sql`id, user_id, status, machine_snapshot, machine_version, subtotal_cents, discount_cents, shipping_cents, tax_cents,
  total_cents, currency, promotion_code, shipping_method, shipping_name, shipping_line1, shipping_line2, shipping_city,
  shipping_postal_code, shipping_region, shipping_country, customer_email, guest_email, payment_deadline,
  tracking_number, estimated_delivery::text, created_at, revision, needs_attention`;

/**
 * Who may see an order: a signed-in shopper sees their own; a guest holding
 * the order's signed link (lib/orders/guest-link.ts) sees that one order.
 */
export type OrderViewer = { userId: string | null; guestOrderId?: string | null };

/** One order (of this viewer, when one is given). */
export async function orderRow(db: Executor, orderId: string, viewer?: OrderViewer): Promise<OrderRow | undefined> {
  const [row] = await db.execute<OrderRow>(
    viewer === undefined
      ? sql`select ${orderColumns} from orders where id = ${orderId}`
      : sql`select ${orderColumns} from orders where id = ${orderId} and ${viewerMaySee(viewer)}`,
  );
  return row;
}

/** The viewer's orders: their own, or the guest order whose link they hold (still theirs after a claim). */
function viewerMaySee(viewer: OrderViewer): SQL {
  const own = viewer.userId ? sql`user_id = ${viewer.userId}` : sql`false`;
  const guest = viewer.guestOrderId ? sql`(id = ${viewer.guestOrderId} and guest_email is not null)` : sql`false`;
  return sql`(${own} or ${guest})`;
}

/** A claimed guest order becomes the account's: the claimOrder effect, on the dispatch transaction. */
export function claimOrderRow(pipeline: WritePipeline, orderId: string, userId: string): void {
  pipeline.write(sql`update orders set user_id = ${userId}, updated_at = now() where id = ${orderId} and user_id is null`);
}

/** The guest orders of an address that no account has claimed yet. */
export async function unclaimedGuestOrderIds(email: string): Promise<string[]> {
  const { db } = await getDb();
  const rows = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(isNull(orders.userId), eq(orders.guestEmail, email.toLowerCase())))
    .orderBy(orders.createdAt);
  return rows.map((r) => r.id);
}

export async function orderRowsOfUser(db: Executor, userId: string, limit: number): Promise<OrderRow[]> {
  return db.execute<OrderRow>(sql`
    select ${orderColumns} from orders where user_id = ${userId} order by created_at desc, id limit ${limit}`);
}

export async function itemsOfOrder(db: Executor, orderId: string) {
  return db
    .select({
      bookId: orderItems.bookId,
      title: orderItems.title,
      quantity: orderItems.quantity,
      unitPriceCents: orderItems.unitPriceCents,
      discountCents: orderItems.discountCents,
      taxCents: orderItems.taxCents,
    })
    .from(orderItems)
    .where(eq(orderItems.orderId, orderId))
    .orderBy(orderItems.title);
}

export async function eventsOfOrder(db: Executor, orderId: string) {
  return db.execute<SqlRow<typeof orderEvents, "type" | "source" | "createdAt"> & { payload: Record<string, unknown> }>(sql`
    select type, source, created_at, payload from order_events where order_id = ${orderId} order by id`);
}

/** An order's revision and status, if this viewer may see it (theirs, or any for an admin): the live stream's re-read. */
export async function revisionOfOrder(orderId: string, viewer: OrderViewer & { role: "customer" | "admin" }) {
  const { db } = await getDb();
  const [row] = await db.execute<SqlRow<typeof orders, "revision" | "status">>(sql`
    select revision, status from orders
    where id = ${orderId} and (${viewerMaySee(viewer)} or ${viewer.role === "admin"})`);
  return row;
}

/** What an order e-mail shows: the order, its shopper's name and address, its lines. */
export async function orderForEmail(orderId: string) {
  const { db } = await getDb();
  const [order] = await db.execute<
    SqlRow<typeof orders, "id" | "totalCents" | "currency" | "paymentDeadline" | "trackingNumber" | "estimatedDelivery" | "guestEmail"> & {
      name: string;
      email: string;
    }
  >(sql`
    select o.id, coalesce(u.name, o.shipping_name, '') as name, coalesce(o.customer_email, u.email, o.guest_email) as email,
      o.total_cents, o.currency, o.payment_deadline, o.tracking_number, o.estimated_delivery::text, o.guest_email
    from orders o left join users u on u.id = o.user_id where o.id = ${orderId}`);
  if (!order) return undefined;
  return { order, items: await itemsOfOrder(db, orderId) };
}

/** The rates an order offered, the one chosen and whether it has an address: what a shipment needs. */
export async function shippingOfOrder(
  orderId: string,
): Promise<{ options: ShippingOption[] | null; method: string | null; line1: string | null; status: OrderStatus } | undefined> {
  if (!isUuid(orderId)) return undefined;
  const { db } = await getDb();
  const [row] = await db.execute<{
    options: ShippingOption[] | null;
    method: string | null;
    line1: string | null;
    status: OrderStatus;
  }>(sql`
    select machine_snapshot->'context'->'shippingOptions' as options, shipping_method as method, shipping_line1 as line1, status
    from orders where id = ${orderId}`);
  return row;
}

/** The stored machine state of an order (for a job deciding whether it still has work), or undefined when there is none. */
export async function storedSnapshotOf(orderId: string): Promise<{ snapshot: StoredSnapshot; version: number } | undefined> {
  if (!isUuid(orderId)) return undefined;
  const { db } = await getDb();
  const [row] = await db
    .select({ snapshot: orders.machineSnapshot, version: orders.machineVersion })
    .from(orders)
    .where(eq(orders.id, orderId));
  return row ? { snapshot: row.snapshot as StoredSnapshot, version: row.version } : undefined;
}
