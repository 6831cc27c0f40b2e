-- Pause and resume, and the "ship by hand" queue (issue #21; machine v4). The machine's
-- recordPause and recordShipByHand effects keep these columns for the operator console;
-- the order's truth stays its snapshot (context.paused, context.shipByHand).
ALTER TABLE "orders" ADD COLUMN "paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "paused_by" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "pause_reason" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "ship_by_hand_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "ship_by_hand_reason" text;--> statement-breakpoint
CREATE INDEX "orders_paused_idx" ON "orders" USING btree ("paused_at") WHERE paused_at is not null;--> statement-breakpoint
CREATE INDEX "orders_ship_by_hand_idx" ON "orders" USING btree ("ship_by_hand_at") WHERE ship_by_hand_at is not null;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_paused_check" CHECK ((paused_at is null) = (paused_by is null) and (paused_by is null or paused_by in ('admin', 'system')));
