import { sql, type SQL } from "drizzle-orm";

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
      returning id
    )
    select graphile_worker.add_job('deliver_hook'::text,
      json_strip_nulls(json_build_object('deliveryId', d.id, 'requestId', ${requestId ?? null}::text)),
      max_attempts := ${DELIVERY_JOB_MAX_ATTEMPTS}::int, job_key := 'hook:' || d.id)
    from d`;
}

/** Queues (or re-queues) delivery `id`'s job now or at `runAt`: the job key makes a repeat replace, not add. */
export function deliveryJobQuery(id: number, runAt?: Date): SQL {
  return sql`select graphile_worker.add_job('deliver_hook'::text, json_build_object('deliveryId', ${id}::bigint),
    run_at := ${runAt ? runAt.toISOString() : null}::timestamptz, max_attempts := ${DELIVERY_JOB_MAX_ATTEMPTS}::int,
    job_key := ${`hook:${id}`}::text)`;
}
