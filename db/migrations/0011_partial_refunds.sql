ALTER TABLE "payments" ADD COLUMN "refunded_cents" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_refunded_check" CHECK (refunded_cents >= 0 and refunded_cents <= amount_cents);--> statement-breakpoint
-- Hand-written: what existing refunds already hold of each payment (pending and succeeded).
UPDATE "payments" p SET "refunded_cents" = r.held
FROM (SELECT payment_id, sum(amount_cents)::int AS held FROM "refunds" WHERE status IN ('pending', 'succeeded') GROUP BY payment_id) r
WHERE r.payment_id = p.id;--> statement-breakpoint
-- Hand-written: stored snapshots (machine v2) learn each line's unit price from order_items, so
-- upgradeRefundsV2 (machines/order-snapshot.ts) keeps the real prices for partial refunds.
UPDATE "orders" o SET "machine_snapshot" = jsonb_set(o.machine_snapshot, '{context,items}', priced.items)
FROM (
  SELECT o2.id, jsonb_agg(e.item || jsonb_build_object('unitPriceCents', oi.unit_price_cents) ORDER BY e.ord) AS items
  FROM "orders" o2
  CROSS JOIN LATERAL jsonb_array_elements(o2.machine_snapshot->'context'->'items') WITH ORDINALITY AS e(item, ord)
  JOIN "order_items" oi ON oi.order_id = o2.id AND oi.book_id = (e.item->>'bookId')::int
  WHERE o2.machine_version < 3
  GROUP BY o2.id
) priced
WHERE priced.id = o.id AND jsonb_array_length(priced.items) = jsonb_array_length(o.machine_snapshot->'context'->'items');
