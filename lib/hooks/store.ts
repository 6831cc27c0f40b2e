import { sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db";

// The one module that writes hook_endpoints and hook_deliveries
// (docs/ARCHITECTURE.md, "Who writes which table"): the deliveries dispatch
// enqueues, each attempt's outcome, and the operator's changes.

/** graphile-worker attempts of one delivery job: the task records HTTP failures itself, so these cover a crash or a lost database. */
export const DELIVERY_JOB_MAX_ATTEMPTS = 5;

/**
 * The statement dispatch sends (on its transaction's pipeline, after the audit
 * rows and the new snapshot) to turn the transition's `count` order events
 * into deliveries: one hook_deliveries row per (enabled endpoint subscribed
 * to the type, event), and its graphile-worker job, in the same transaction.
 * A rolled-back dispatch leaves neither. The body is frozen here, so every
 * attempt (and a redelivery) sends the same JSON with the same event id.
 * The order row is locked by the dispatch, so the newest `count` events of
 * the order are this transition's.
 */
export function enqueueHookDeliveriesQuery(orderId: string, count: number, requestId: string | undefined): SQL {
  return sql`
    with endpoints as (
      select id, event_types from hook_endpoints where enabled
    ), ev as (
      select id, type, from_state, to_state, source, payload, created_at
      from order_events
      where order_id = ${orderId} and exists (select 1 from endpoints)
      order by id desc limit ${count}
    ), o as (
      select id, status, revision, subtotal_cents, discount_cents, shipping_cents, tax_cents, total_cents, currency, tracking_number,
        (select coalesce(jsonb_agg(jsonb_build_object('bookId', i.book_id, 'title', i.title, 'quantity', i.quantity,
                  'unitPriceCents', i.unit_price_cents) order by i.book_id), '[]'::jsonb)
           from order_items i where i.order_id = orders.id) as items
      from orders where id = ${orderId} and exists (select 1 from ev)
    ), d as (
      insert into hook_deliveries (endpoint_id, order_event_id, order_id, event_type, body, next_attempt_at)
      select e.id, ev.id, o.id, ev.type,
        jsonb_build_object(
          'id', 'evt_' || ev.id,
          'type', ev.type,
          'created', floor(extract(epoch from ev.created_at))::bigint,
          'sequence', ev.id,
          'data', jsonb_build_object(
            'order', jsonb_build_object('id', o.id, 'status', o.status, 'revision', o.revision, 'currency', o.currency,
              'subtotalCents', o.subtotal_cents, 'discountCents', o.discount_cents, 'shippingCents', o.shipping_cents,
              'taxCents', o.tax_cents, 'totalCents', o.total_cents, 'trackingNumber', o.tracking_number, 'items', o.items),
            'fromState', ev.from_state, 'toState', ev.to_state, 'source', ev.source, 'details', ev.payload)),
        now()
      from ev cross join o join endpoints e on e.event_types && array[ev.type, '*']
      on conflict (endpoint_id, order_event_id) do nothing
      returning id, endpoint_id
    )
    select graphile_worker.add_job('deliver_hook'::text,
      json_strip_nulls(json_build_object('deliveryId', d.id, 'requestId', ${requestId ?? null}::text)),
      queue_name := 'hooks:' || d.endpoint_id, max_attempts := ${DELIVERY_JOB_MAX_ATTEMPTS}::int, job_key := 'hook:' || d.id)
    from d order by d.id`;
}

/**
 * Queues (or re-queues) delivery `id`'s job now or at `runAt`: the job key makes a repeat replace, not add.
 * Every job of one endpoint is in that endpoint's graphile-worker queue (`hooks:<endpoint id>`), so they run
 * one at a time: two attempts to one endpoint never race, and the in-order check in deliverHook holds.
 */
export function deliveryJobQuery(id: number, runAt?: Date): SQL {
  return sql`select graphile_worker.add_job('deliver_hook'::text, json_build_object('deliveryId', ${id}::bigint),
    queue_name := (select 'hooks:' || endpoint_id from hook_deliveries where id = ${id}::bigint),
    run_at := ${runAt ? runAt.toISOString() : null}::timestamptz, max_attempts := ${DELIVERY_JOB_MAX_ATTEMPTS}::int,
    job_key := ${`hook:${id}`}::text)`;
}

/**
 * Is an earlier event of the endpoint (by sequence) still on its way (pending or held)? Then delivery `id`
 * waits behind it: deliveries to one endpoint go out in event order (docs/ARCHITECTURE.md, "Outbound hooks").
 */
export async function isBehindEarlierDelivery(db: Executor, id: number): Promise<boolean> {
  const [row] = await db.execute<{ behind: boolean }>(sql`
    select exists (
      select 1 from hook_deliveries earlier join hook_deliveries d on d.id = ${id}
      where earlier.endpoint_id = d.endpoint_id and earlier.order_event_id < d.order_event_id and earlier.status in ('pending', 'held')
    ) as behind`);
  return row!.behind;
}

/** A delivery waiting behind an earlier one has no job and no attempt time: the earlier one's outcome queues it. */
export async function markDeliveryWaiting(db: Executor, id: number): Promise<void> {
  await db.execute(sql`update hook_deliveries set next_attempt_at = null, updated_at = now() where id = ${id} and status = 'pending'`);
}

/**
 * Once a delivery is settled (delivered or given up), the endpoint's next pending one (by sequence) is
 * queued: due now, or at its retry time if it has one.
 */
export async function queueNextDelivery(tx: Executor, endpointId: string): Promise<void> {
  const [next] = await tx.execute<{ id: number; next_attempt_at: string | null }>(sql`
    select id::int, next_attempt_at from hook_deliveries
    where endpoint_id = ${endpointId} and status = 'pending' order by order_event_id limit 1`);
  if (!next) return;
  const at = next.next_attempt_at ? new Date(next.next_attempt_at) : undefined;
  await tx.execute(deliveryJobQuery(next.id, at && at.getTime() > Date.now() ? at : undefined));
}

/** A pending delivery of a disabled endpoint waits for it to be enabled. */
export async function holdDelivery(db: Executor, id: number): Promise<void> {
  await db.execute(sql`update hook_deliveries set status = 'held', next_attempt_at = null, updated_at = now()
    where id = ${id} and status = 'pending'`);
}

/** A 2xx answer: the delivery is done and the endpoint's run of failures ends. */
export async function recordDeliverySuccess(
  tx: Executor,
  row: { id: number; endpointId: string; attempts: number; statusCode: number | null },
): Promise<void> {
  await tx.execute(sql`update hook_deliveries set status = 'succeeded', attempts = ${row.attempts}, last_status_code = ${row.statusCode},
    last_error = null, last_attempt_at = now(), next_attempt_at = null, delivered_at = now(), updated_at = now()
    where id = ${row.id}`);
  await tx.execute(sql`update hook_endpoints set consecutive_failures = 0, updated_at = now()
    where id = ${row.endpointId} and consecutive_failures <> 0`);
}

/** One more consecutive failure of an endpoint; at `disableAfter` it is disabled with `reason`. */
export async function countEndpointFailure(
  tx: Executor,
  endpointId: string,
  disableAfter: number,
  reason: string,
): Promise<{ consecutive_failures: number; enabled: boolean } | undefined> {
  const [endpoint] = await tx.execute<{ consecutive_failures: number; enabled: boolean }>(sql`
    update hook_endpoints set
      consecutive_failures = consecutive_failures + 1,
      enabled = enabled and consecutive_failures + 1 < ${disableAfter},
      disabled_at = case when enabled and consecutive_failures + 1 >= ${disableAfter} then now() else disabled_at end,
      disabled_reason = case when enabled and consecutive_failures + 1 >= ${disableAfter} then ${reason} else disabled_reason end,
      updated_at = now()
    where id = ${endpointId}
    returning consecutive_failures, enabled`);
  return endpoint;
}

/** A failed attempt: pending with its retry's job at `next`, or given up ("failed"), or waiting for the endpoint ("held"). */
export async function recordDeliveryFailure(
  tx: Executor,
  row: {
    id: number;
    status: "pending" | "failed" | "held";
    attempts: number;
    statusCode: number | null;
    error: string | null;
    next: Date | null;
  },
): Promise<void> {
  await tx.execute(sql`update hook_deliveries set status = ${row.status}, attempts = ${row.attempts},
    last_status_code = ${row.statusCode}, last_error = ${row.error}, last_attempt_at = now(),
    next_attempt_at = ${row.next ? row.next.toISOString() : null}::timestamptz, updated_at = now()
    where id = ${row.id}`);
  if (row.next) await tx.execute(deliveryJobQuery(row.id, row.next));
}

export async function insertEndpoint(
  tx: Executor,
  row: { url: string; description: string | null; eventTypes: string[]; secret: string; createdBy: string },
): Promise<string> {
  const [inserted] = await tx.execute<{ id: string }>(sql`
    insert into hook_endpoints (url, description, event_types, secret, created_by)
    values (${row.url}, ${row.description}, ${`{${row.eventTypes.join(",")}}`}::text[], ${row.secret}, ${row.createdBy})
    returning id`);
  return inserted!.id;
}

/**
 * Enables an endpoint (its failure count starts over) and re-queues the
 * deliveries held while it was disabled; or disables it by hand. False when
 * there is no such endpoint.
 */
export async function updateEndpointEnabled(tx: Executor, id: string, enabled: boolean): Promise<boolean> {
  const [row] = await tx.execute<{ id: string }>(sql`
    update hook_endpoints set enabled = ${enabled}, consecutive_failures = case when ${enabled} then 0 else consecutive_failures end,
      disabled_at = case when ${enabled} then null else coalesce(disabled_at, now()) end,
      disabled_reason = case when ${enabled} then null else coalesce(disabled_reason, 'disabled by an operator') end,
      updated_at = now()
    where id = ${id} returning id`);
  if (!row) return false;
  if (enabled) {
    const held = await tx.execute<{ id: number }>(sql`
      update hook_deliveries set status = 'pending', next_attempt_at = now(), updated_at = now()
      where endpoint_id = ${id} and status = 'held' returning id`);
    for (const delivery of held) await tx.execute(deliveryJobQuery(Number(delivery.id)));
    // Deliveries waiting behind one given up while the endpoint was disabled have no job: the first goes now.
    await queueNextDelivery(tx, id);
  }
  return true;
}

/** Deletes an endpoint, its deliveries and their queued jobs. False when there is no such endpoint. */
export async function deleteEndpoint(tx: Executor, id: string): Promise<boolean> {
  await tx.execute(
    sql`select graphile_worker.remove_job('hook:' || id) from hook_deliveries where endpoint_id = ${id} and status = 'pending'`,
  );
  const rows = await tx.execute(sql`delete from hook_endpoints where id = ${id} returning id`);
  return rows.length > 0;
}

/**
 * A roll: `secret` (sealed) signs from now on; the one it replaces signs too until `graceHours` have passed.
 * False when there is no such endpoint.
 */
export async function rollEndpointSecret(
  tx: Executor,
  id: string,
  secret: string,
  graceHours: number,
): Promise<{ previous_secret_expires_at: string } | undefined> {
  const [row] = await tx.execute<{ previous_secret_expires_at: string }>(sql`
    update hook_endpoints set previous_secret = secret, secret = ${secret},
      previous_secret_expires_at = now() + make_interval(secs => ${graceHours * 3600}), secret_rolled_at = now(), updated_at = now()
    where id = ${id} returning previous_secret_expires_at`);
  return row;
}

/** Endpoints whose secrets are still plain (written before secrets were sealed), locked until the caller's transaction ends. */
export async function lockPlainSecretEndpoints(
  tx: Executor,
  sealedPrefix: string,
): Promise<{ id: string; secret: string; previous_secret: string | null }[]> {
  return tx.execute<{ id: string; secret: string; previous_secret: string | null }>(sql`
    select id, secret, previous_secret from hook_endpoints
    where not starts_with(secret, ${sealedPrefix}) or not starts_with(coalesce(previous_secret, ${sealedPrefix}), ${sealedPrefix})
    for update`);
}

export async function updateSealedSecrets(tx: Executor, id: string, secret: string, previousSecret: string | null): Promise<void> {
  await tx.execute(
    sql`update hook_endpoints set secret = ${secret}, previous_secret = ${previousSecret}, updated_at = now() where id = ${id}`,
  );
}

/** An operator's redelivery: pending again with a fresh run of attempts, its job due now. */
export async function requeueDelivery(tx: Executor, id: number): Promise<void> {
  await tx.execute(sql`update hook_deliveries set status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
    where id = ${id}`);
  await tx.execute(deliveryJobQuery(id));
}
