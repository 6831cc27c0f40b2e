import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import {
  disputeOutcomes,
  orderStatuses,
  paymentStatuses,
  refundStatuses,
  returnStatuses,
  type OrderStatus,
  type PaymentStatus,
  type RefundStatus,
  type ReturnStatus,
} from "../machines/statuses";

// The one source of table shapes (docs/STYLE.md #2). Statuses are text with CHECK
// constraints rather than enums so a later migration can widen them cheaply.

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

// One list of statuses for the schema, the machine and the UI (machines/statuses.ts).
export { orderStatuses, paymentStatuses, refundStatuses, type OrderStatus, type PaymentStatus, type RefundStatus };

export const eventSources = ["user", "gateway", "timer", "admin", "reconciler", "system", "carrier"] as const;
export type EventSource = (typeof eventSources)[number];

export const roles = ["customer", "admin"] as const;
export type Role = (typeof roles)[number];

const inList = (column: string, values: readonly string[]) => sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(", ")})`);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    name: text("name").notNull(),
    role: text("role").$type<Role>().notNull().default("customer"),
    // Sessions carry the version they were signed in under; "sign out everywhere" bumps it.
    sessionVersion: integer("session_version").notNull().default(0),
    // Set when the owner followed the verification link mailed at sign-up: only then are guest orders of the address claimed.
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`), check("users_role_check", inList("role", roles))],
);

/**
 * "Forgot password?" links: only the SHA-256 of the token is kept, so a copy of the
 * table cannot reset anybody's password. A link works once (used_at) and until expires_at.
 */
export const passwordResets = pgTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("password_resets_user_idx").on(t.userId, t.createdAt)],
);

export const books = pgTable(
  "books",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    title: text("title").notNull(),
    author: text("author").notNull(),
    genre: text("genre").notNull(),
    description: text("description").notNull(),
    isbn: text("isbn"),
    publishedYear: integer("published_year"),
    pages: integer("pages"),
    priceCents: integer("price_cents").notNull(),
    currency: text("currency").notNull().default("usd"),
    // Stock counters. Invariant: available + reserved + sold = received.
    stockAvailable: integer("stock_available").notNull().default(0),
    stockReserved: integer("stock_reserved").notNull().default(0),
    stockSold: integer("stock_sold").notNull().default(0),
    stockReceived: integer("stock_received").notNull().default(0),
    // What search matches: title and author, lower case, accents folded (search_fold, migration 0014).
    searchText: text("search_text")
      .notNull()
      .generatedAlwaysAs(sql`search_fold(title || ' ' || author)`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("books_isbn_key").on(t.isbn),
    index("books_genre_title_idx").on(t.genre, t.title, t.id),
    // A short cart line's alternatives by the same author, by title (findAlternatives, migration 0019).
    index("books_author_title_idx").on(t.author, t.title, t.id),
    index("books_title_id_idx").on(t.title, t.id),
    index("books_search_text_trgm_idx").using("gin", sql`${t.searchText} gin_trgm_ops`),
    check("books_price_check", sql`price_cents > 0`),
    check("books_currency_check", sql`currency ~ '^[a-z]{3}$'`),
    check("books_available_check", sql`stock_available >= 0`),
    check("books_reserved_check", sql`stock_reserved >= 0`),
    check("books_sold_check", sql`stock_sold >= 0`),
    check("books_stock_conservation_check", sql`stock_available + stock_reserved + stock_sold = stock_received`),
  ],
);

/**
 * Every word of the catalog's titles and authors, folded as search_text is: where
 * "Did you mean …" finds the closest spelling (a trigram index). A trigger on
 * books adds the words of new and renamed books (migration 0014); words of deleted
 * books stay, and a suggestion is offered only when it finds books.
 */
export const searchWords = pgTable("search_words", { word: text("word").primaryKey() }, (t) => [
  index("search_words_word_trgm_idx").using("gin", sql`${t.word} gin_trgm_ops`),
]);

export const carts = pgTable(
  "carts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("carts_user_id_key").on(t.userId),
    // The reconciler purges anonymous carts past their cookie's life (purgeAbandonedCarts).
    index("carts_anonymous_created_idx")
      .on(t.createdAt)
      .where(sql`user_id is null`),
  ],
);

export const cartItems = pgTable(
  "cart_items",
  {
    cartId: uuid("cart_id")
      .notNull()
      .references(() => carts.id, { onDelete: "cascade" }),
    bookId: integer("book_id")
      .notNull()
      .references(() => books.id),
    quantity: integer("quantity").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.cartId, t.bookId] }), check("cart_items_quantity_check", sql`quantity between 1 and 50`)],
);

export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Null for a guest's order until a verified account of its e-mail claims it (CLAIM).
    userId: uuid("user_id").references(() => users.id),
    // The address a guest checked out with (lower case); the order's link and e-mails go to it.
    guestEmail: text("guest_email"),
    // The guest's cookie-identified cart: its ordered books leave it when the order is paid.
    guestCartId: uuid("guest_cart_id"),
    status: text("status").$type<OrderStatus>().notNull(),
    machineSnapshot: jsonb("machine_snapshot").notNull(),
    machineVersion: integer("machine_version").notNull(),
    // Bumped on every accepted transition; lets readers detect change cheaply.
    revision: integer("revision").notNull().default(0),
    paymentDeadline: timestamp("payment_deadline", { withTimezone: true }).notNull(),
    subtotalCents: integer("subtotal_cents").notNull(),
    totalCents: integer("total_cents").notNull(),
    currency: text("currency").notNull(),
    idempotencyKey: text("idempotency_key"),
    cartFingerprint: text("cart_fingerprint"),
    // The sale as the gateway settled it (written when paid): total = subtotal − discount + shipping + tax.
    discountCents: integer("discount_cents").notNull().default(0),
    shippingCents: integer("shipping_cents").notNull().default(0),
    taxCents: integer("tax_cents").notNull().default(0),
    promotionCode: text("promotion_code"),
    shippingMethod: text("shipping_method"),
    // Where the books go, as collected by the gateway's payment page.
    shippingName: text("shipping_name"),
    shippingLine1: text("shipping_line1"),
    shippingLine2: text("shipping_line2"),
    shippingCity: text("shipping_city"),
    shippingPostalCode: text("shipping_postal_code"),
    shippingRegion: text("shipping_region"),
    shippingCountry: text("shipping_country"),
    customerEmail: text("customer_email"),
    trackingNumber: text("tracking_number"),
    estimatedDelivery: date("estimated_delivery"),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    fulfilledAt: timestamp("fulfilled_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    // Set when automation gave up (e.g. a job failed its last attempt).
    needsAttention: boolean("needs_attention").notNull().default(false),
    attentionReason: text("attention_reason"),
    // Automation paused (the machine's recordPause effect): since when, by whom ('admin' or 'system'), why.
    pausedAt: timestamp("paused_at", { withTimezone: true }),
    pausedBy: text("paused_by"),
    pauseReason: text("pause_reason"),
    // The fulfilment job gave up (recordShipByHand): in the "ship by hand" queue while paid.
    shipByHandAt: timestamp("ship_by_hand_at", { withTimezone: true }),
    shipByHandReason: text("ship_by_hand_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("orders_user_created_idx").on(t.userId, t.createdAt),
    index("orders_status_deadline_idx").on(t.status, t.paymentDeadline),
    index("orders_created_idx").on(t.createdAt),
    index("orders_paused_idx")
      .on(t.pausedAt)
      .where(sql`paused_at is not null`),
    index("orders_ship_by_hand_idx")
      .on(t.shipByHandAt)
      .where(sql`ship_by_hand_at is not null`),
    uniqueIndex("orders_user_idempotency_key").on(t.userId, t.idempotencyKey),
    // A guest's key is theirs per cart: an address and a key are no secret, so
    // another browser's checkout with them is a checkout of its own, not a replay.
    uniqueIndex("orders_guest_cart_idempotency_key")
      .on(t.guestEmail, t.guestCartId, t.idempotencyKey)
      .where(sql`user_id is null`),
    index("orders_guest_email_idx")
      .on(t.guestEmail)
      .where(sql`guest_email is not null`),
    // A guest cart's open (unpaid) order: the cart page and the checkout look it up (docs/PAYMENTS.md).
    index("orders_guest_cart_open_idx")
      .on(t.guestCartId)
      .where(sql`status = 'created'`),
    check("orders_owner_check", sql`user_id is not null or guest_email is not null`),
    check("orders_guest_email_check", sql`guest_email is null or (guest_email = lower(guest_email) and length(guest_email) <= 254)`),
    check("orders_status_check", inList("status", orderStatuses)),
    check("orders_total_check", sql`total_cents >= 0 and subtotal_cents >= 0`),
    check(
      "orders_total_adds_up_check",
      sql`discount_cents >= 0 and shipping_cents >= 0 and tax_cents >= 0 and discount_cents <= subtotal_cents
        and total_cents = subtotal_cents - discount_cents + shipping_cents + tax_cents`,
    ),
    check("orders_shipping_method_check", sql`shipping_method is null or shipping_method in ('standard', 'express')`),
    check(
      "orders_paused_check",
      sql`(paused_at is null) = (paused_by is null) and (paused_by is null or paused_by in ('admin', 'system'))`,
    ),
  ],
);

export const orderItems = pgTable(
  "order_items",
  {
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    bookId: integer("book_id")
      .notNull()
      .references(() => books.id),
    // Copied at checkout: later catalogue edits never change a placed order.
    title: text("title").notNull(),
    quantity: integer("quantity").notNull(),
    unitPriceCents: integer("unit_price_cents").notNull(),
    // The line's share of the discount and its tax, as the gateway computed them (written when paid).
    discountCents: integer("discount_cents").notNull().default(0),
    taxCents: integer("tax_cents").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.bookId] }),
    index("order_items_book_idx").on(t.bookId),
    check("order_items_quantity_check", sql`quantity between 1 and 50`),
  ],
);

// A shopper's return of delivered lines (the machine's createReturn/setReturnStatus effects).
export const orderReturns = pgTable(
  "order_returns",
  {
    id: uuid("id").primaryKey(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    status: text("status").$type<ReturnStatus>().notNull().default("requested"),
    reason: text("reason").notNull(),
    // [{ bookId, quantity }]: what the shopper sends back, and what was put back on the shelf when it arrived.
    lines: jsonb("lines").$type<{ bookId: number; quantity: number }[]>().notNull(),
    restocked: jsonb("restocked").$type<{ bookId: number; quantity: number }[]>().notNull().default([]),
    refundId: uuid("refund_id"),
    refundCents: integer("refund_cents").notNull().default(0),
    note: text("note"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("order_returns_order_idx").on(t.orderId, t.createdAt),
    index("order_returns_status_idx").on(t.status, t.createdAt),
    check("order_returns_status_check", inList("status", returnStatuses)),
    check("order_returns_refund_check", sql`refund_cents >= 0`),
  ],
);

export const payments = pgTable(
  "payments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    status: text("status").$type<PaymentStatus>().notNull().default("pending"),
    amountCents: integer("amount_cents").notNull(),
    // Pending and succeeded refunds of this payment, kept by the refund effects in the dispatch
    // transaction (a failed refund gives its amount back): never more than was taken.
    refundedCents: integer("refunded_cents").notNull().default(0),
    currency: text("currency").notNull(),
    gatewaySessionId: text("gateway_session_id"),
    gatewayPaymentIntentId: text("gateway_payment_intent_id"),
    checkoutUrl: text("checkout_url"),
    failureReason: text("failure_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("payments_gateway_session_key").on(t.gatewaySessionId),
    // A dispute names the disputed charge's payment intent.
    index("payments_gateway_payment_intent_idx").on(t.gatewayPaymentIntentId),
    index("payments_order_idx").on(t.orderId, t.createdAt),
    check("payments_status_check", inList("status", paymentStatuses)),
    check("payments_refunded_check", sql`refunded_cents >= 0 and refunded_cents <= amount_cents`),
  ],
);

export const refunds = pgTable(
  "refunds",
  {
    // Also the gateway idempotency key, so a retried refund job never refunds twice.
    id: uuid("id").primaryKey().defaultRandom(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    paymentId: uuid("payment_id")
      .notNull()
      .references(() => payments.id),
    status: text("status").$type<RefundStatus>().notNull().default("pending"),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    reason: text("reason"),
    gatewayRefundId: text("gateway_refund_id"),
    failureReason: text("failure_reason"),
    // Owed outside the gateway (its payment was charged back, or an operator chose it after the gateway
    // failed): no refund job; an operator pays the shopper another way and records how (outside_reference).
    outside: boolean("outside").notNull().default(false),
    outsideReference: text("outside_reference"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("refunds_gateway_refund_key").on(t.gatewayRefundId),
    index("refunds_order_idx").on(t.orderId),
    check("refunds_status_check", inList("status", refundStatuses)),
    check("refunds_outside_check", sql`${t.outsideReference} is null or ${t.outside}`),
    check("refunds_outside_gateway_check", sql`not (${t.outside} and ${t.gatewayRefundId} is not null)`),
  ],
);

// Disputes (chargebacks, inquiries) on an order's payments, as the machine's
// recordDispute effect last saw them: the console lists the open ones first,
// the sales report subtracts the lost ones on the day they were decided.
export const disputes = pgTable(
  "disputes",
  {
    // The gateway's dispute id (dp_…).
    id: text("id").primaryKey(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    paymentId: uuid("payment_id")
      .notNull()
      .references(() => payments.id),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    reason: text("reason").notNull(),
    // The gateway's status (needs_response, under_review, won, lost, warning_closed…).
    gatewayStatus: text("gateway_status").notNull(),
    outcome: text("outcome").$type<(typeof disputeOutcomes)[number]>().notNull().default("open"),
    evidenceDueBy: timestamp("evidence_due_by", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("disputes_order_idx").on(t.orderId),
    index("disputes_outcome_closed_idx").on(t.outcome, t.closedAt),
    check("disputes_outcome_check", inList("outcome", disputeOutcomes)),
    check("disputes_amount_check", sql`amount_cents > 0`),
    check("disputes_closed_check", sql`(outcome = 'open') = (closed_at is null)`),
  ],
);

export const orderEvents = pgTable(
  "order_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    fromState: text("from_state"),
    toState: text("to_state").notNull(),
    source: text("source").$type<EventSource>().notNull(),
    // The machine event that caused this row; replay folds these in order.
    // The machine event of the transition; set on its first row only, so a
    // replay folds each transition once.
    machineEvent: jsonb("machine_event"),
    payload: jsonb("payload").notNull().default({}),
    requestId: text("request_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("order_events_order_idx").on(t.orderId, t.id),
    index("order_events_type_created_idx").on(t.type, t.createdAt),
    check("order_events_source_check", inList("source", eventSources)),
  ],
);

// Events the machine refused (not allowed in the state, or a repeat): kept
// apart from order_events so replaying the audit trail stays exact.
export const ignoredEvents = pgTable(
  "ignored_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    state: text("state").notNull(),
    outcome: text("outcome").notNull(),
    source: text("source").$type<EventSource>().notNull(),
    machineEvent: jsonb("machine_event").notNull(),
    requestId: text("request_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("ignored_events_order_idx").on(t.orderId, t.id),
    check("ignored_events_outcome_check", sql`outcome in ('ignored', 'duplicate')`),
  ],
);

export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    outcome: text("outcome").notNull(),
    orderId: uuid("order_id"),
    gatewaySessionId: text("gateway_session_id"),
    // The verified body as it came, byte for byte (json, not jsonb: nothing queries it, and PostgreSQL
    // then only checks it instead of converting 3–4 KB per delivery: docs/BENCHMARKS.md, issue 22).
    payload: json("payload").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_events_order_idx").on(t.orderId), index("webhook_events_session_idx").on(t.gatewaySessionId)],
);

// Webhooks refused for a bad signature, per minute, summed over every app
// instance (each adds its own count every few seconds): the health metric and
// the console's banner when the signing secret is wrong.
export const webhookSignatureFailures = pgTable(
  "webhook_signature_failures",
  {
    minute: timestamp("minute", { withTimezone: true }).primaryKey(),
    failures: integer("failures").notNull(),
  },
  () => [check("webhook_signature_failures_check", sql`failures > 0`)],
);

// Where a reconciler sweep of the gateway got to (e.g. the newest paid-session
// event it has read, in the gateway's epoch seconds).
export const reconcilerCursors = pgTable("reconciler_cursors", {
  name: text("name").primaryKey(),
  position: bigint("position", { mode: "number" }).notNull(),
  updatedAt: updatedAt(),
});

export const emails = pgTable(
  "emails",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderId: uuid("order_id").references(() => orders.id, { onDelete: "set null" }),
    // One e-mail per (order, event): a retried job never sends twice.
    dedupeKey: text("dedupe_key").notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    status: text("status").notNull().default("queued"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("emails_dedupe_key").on(t.dedupeKey),
    index("emails_created_idx").on(t.createdAt),
    check("emails_status_check", sql`status in ('queued', 'sent', 'stored', 'failed')`),
  ],
);

export const workerHeartbeats = pgTable("worker_heartbeats", {
  workerId: text("worker_id").primaryKey(),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  // graphile-worker's own worker ids in this process: their job locks are
  // released by the reconciler once this heartbeat stops (a killed process).
  jobWorkerIds: text("job_worker_ids")
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
});

// One row per run of an order's job (graphile-worker deletes finished jobs):
// the attempts an operator sees on the order page, and how long each took.
export const jobRuns = pgTable(
  "job_runs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    jobId: text("job_id").notNull(),
    task: text("task").notNull(),
    orderId: uuid("order_id"),
    attempt: integer("attempt").notNull(),
    maxAttempts: integer("max_attempts").notNull(),
    outcome: text("outcome").notNull(),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    requestId: text("request_id"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("job_runs_order_idx").on(t.orderId, t.id),
    index("job_runs_started_idx").on(t.startedAt),
    check("job_runs_outcome_check", sql`outcome in ('succeeded', 'failed')`),
  ],
);

// The operation log operators read (/admin/operations): every traced
// operation with its outcome and duration, linked to the order when there is one.
export const operationKinds = ["user_login", "order_creation", "payment_processing", "order_fulfillment", "data_lookup"] as const;
export type OperationKind = (typeof operationKinds)[number];

/**
 * Books per genre, kept by statement-level triggers on books (migration
 * 0006): the catalog's page count and genre list read one small row each
 * instead of counting 100 000 books per page view.
 */
export const genreCounts = pgTable(
  "genre_counts",
  {
    genre: text("genre").primaryKey(),
    books: integer("books").notNull(),
  },
  () => [check("genre_counts_books_check", sql`books >= 0`)],
);

export const operations = pgTable(
  "operations",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind").$type<OperationKind>().notNull(),
    name: text("name").notNull(),
    outcome: text("outcome").notNull(),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
    orderId: uuid("order_id"),
    requestId: text("request_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("operations_kind_idx").on(t.kind, t.id),
    index("operations_order_idx").on(t.orderId),
    index("operations_created_idx").on(t.createdAt),
    check("operations_outcome_check", sql`outcome in ('success', 'failed')`),
    check("operations_kind_check", inList("kind", operationKinds)),
  ],
);

// Single-use, expiring links that prove a shopper owns their account's e-mail
// address (mailed at sign-up). Only a hash of the token is kept.
export const emailVerifications = pgTable(
  "email_verifications",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("email_verifications_user_idx").on(t.userId)],
);

// rate-limiter-flexible's Postgres store (sign-in throttling across app instances).
export const rateLimits = pgTable("rate_limits", {
  key: varchar("key", { length: 255 }).primaryKey(),
  points: integer("points").notNull().default(0),
  expire: bigint("expire", { mode: "number" }),
});

// Outbound hooks (issue #21): endpoints operators register, and one delivery per
// (endpoint, order event), enqueued in the dispatch transaction (lib/hooks/outbox.ts).
export const hookDeliveryStatuses = ["pending", "succeeded", "failed", "held"] as const;
export type HookDeliveryStatus = (typeof hookDeliveryStatuses)[number];

export const hookEndpoints = pgTable(
  "hook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    url: text("url").notNull(),
    description: text("description"),
    // Order event types (order_events.type) it receives; '*' for all.
    eventTypes: text("event_types").array().notNull(),
    // The signing secret (whsec_…), sealed (enc:v1:…, lib/hooks/secret-box.ts): shown once when created or rolled, kept to sign each delivery.
    secret: text("secret").notNull(),
    // The secret the last roll replaced (sealed): it signs too until previous_secret_expires_at.
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    secretRolledAt: timestamp("secret_rolled_at", { withTimezone: true }),
    enabled: boolean("enabled").notNull().default(true),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    disabledReason: text("disabled_reason"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  () => [
    check("hook_endpoints_url_check", sql`length(url) <= 2048 and url ~ '^https?://'`),
    check("hook_endpoints_event_types_check", sql`cardinality(event_types) between 1 and 64`),
    check("hook_endpoints_disabled_check", sql`enabled = (disabled_at is null)`),
    check("hook_endpoints_previous_secret_check", sql`(previous_secret is null) = (previous_secret_expires_at is null)`),
  ],
);

export const hookDeliveries = pgTable(
  "hook_deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => hookEndpoints.id, { onDelete: "cascade" }),
    orderEventId: bigint("order_event_id", { mode: "number" })
      .notNull()
      .references(() => orderEvents.id, { onDelete: "cascade" }),
    orderId: uuid("order_id").notNull(),
    eventType: text("event_type").notNull(),
    // The JSON sent, frozen when the event happened: the same on every attempt.
    body: jsonb("body").notNull(),
    status: text("status").$type<HookDeliveryStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("hook_deliveries_endpoint_event_idx").on(t.endpointId, t.orderEventId),
    index("hook_deliveries_endpoint_idx").on(t.endpointId, t.id),
    // The in-order check: an endpoint's earlier deliveries still on their way (lib/hooks/store.ts, isBehindEarlierDelivery).
    index("hook_deliveries_endpoint_waiting_idx")
      .on(t.endpointId, t.orderEventId)
      .where(sql`status in ('pending', 'held')`),
    index("hook_deliveries_order_idx").on(t.orderId),
    check("hook_deliveries_status_check", inList("status", hookDeliveryStatuses)),
  ],
);

export type User = typeof users.$inferSelect;
export type Book = typeof books.$inferSelect;
export type NewBook = typeof books.$inferInsert;
export type Order = typeof orders.$inferSelect;
export type OrderItem = typeof orderItems.$inferSelect;
export type Payment = typeof payments.$inferSelect;
export type Refund = typeof refunds.$inferSelect;
export type OrderEvent = typeof orderEvents.$inferSelect;
