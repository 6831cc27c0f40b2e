-- Outbound hooks (issue #21): endpoints operators register, and one delivery row per
-- (endpoint, order event), written with its graphile-worker job in the dispatch transaction.
CREATE TABLE "hook_deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "hook_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"endpoint_id" uuid NOT NULL,
	"order_event_id" bigint NOT NULL,
	"order_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"body" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"last_attempt_at" timestamp with time zone,
	"next_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hook_deliveries_status_check" CHECK (status in ('pending', 'succeeded', 'failed', 'held'))
);
--> statement-breakpoint
CREATE TABLE "hook_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"event_types" text[] NOT NULL,
	"secret" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"disabled_at" timestamp with time zone,
	"disabled_reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hook_endpoints_url_check" CHECK (length(url) <= 2048 and url ~ '^https?://'),
	CONSTRAINT "hook_endpoints_event_types_check" CHECK (cardinality(event_types) between 1 and 64),
	CONSTRAINT "hook_endpoints_disabled_check" CHECK (enabled = (disabled_at is null))
);
--> statement-breakpoint
ALTER TABLE "hook_deliveries" ADD CONSTRAINT "hook_deliveries_endpoint_id_hook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."hook_endpoints"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "hook_deliveries" ADD CONSTRAINT "hook_deliveries_order_event_id_order_events_id_fk" FOREIGN KEY ("order_event_id") REFERENCES "public"."order_events"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "hook_endpoints" ADD CONSTRAINT "hook_endpoints_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "hook_deliveries_endpoint_event_idx" ON "hook_deliveries" USING btree ("endpoint_id","order_event_id");
--> statement-breakpoint
CREATE INDEX "hook_deliveries_endpoint_idx" ON "hook_deliveries" USING btree ("endpoint_id","id");
--> statement-breakpoint
CREATE INDEX "hook_deliveries_order_idx" ON "hook_deliveries" USING btree ("order_id");
