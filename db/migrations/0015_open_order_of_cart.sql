-- No duplicate unpaid orders (issue #20): a guest cart's open order is looked up on every cart
-- read and checkout; few orders are ever open, so the index stays small.
CREATE INDEX "orders_guest_cart_open_idx" ON "orders" USING btree ("guest_cart_id") WHERE status = 'created';
