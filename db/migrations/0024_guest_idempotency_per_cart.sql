-- A guest's Idempotency-Key is scoped to their cart as well as their address: an address and a key are no
-- secret, so a checkout from another cart with them is a checkout of its own, never a replay of this one.
DROP INDEX "orders_guest_idempotency_key";--> statement-breakpoint
CREATE UNIQUE INDEX "orders_guest_cart_idempotency_key" ON "orders" USING btree ("guest_email","guest_cart_id","idempotency_key") WHERE user_id is null;