CREATE TABLE "operations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "operations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"outcome" text NOT NULL,
	"duration_ms" integer NOT NULL,
	"error" text,
	"order_id" uuid,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "operations_outcome_check" CHECK (outcome in ('success', 'failed')),
	CONSTRAINT "operations_kind_check" CHECK (kind in ('user_login', 'order_creation', 'payment_processing', 'order_fulfillment', 'data_lookup'))
);
--> statement-breakpoint
CREATE INDEX "operations_kind_idx" ON "operations" USING btree ("kind","id");--> statement-breakpoint
CREATE INDEX "operations_order_idx" ON "operations" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "operations_created_idx" ON "operations" USING btree ("created_at");