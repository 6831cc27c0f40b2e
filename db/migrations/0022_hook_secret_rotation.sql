-- Outbound hooks (issue #21): a rolled secret's predecessor signs too until its grace period ends; endpoint
-- secrets are sealed (AES-256-GCM, lib/hooks/secret-box.ts) by the app, which holds the key: plain rows of
-- an older store are sealed when the app starts (sealPlainHookSecrets), so this migration needs no key.
ALTER TABLE "hook_endpoints" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "hook_endpoints" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "hook_endpoints" ADD COLUMN "secret_rolled_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "hook_deliveries_endpoint_waiting_idx" ON "hook_deliveries" USING btree ("endpoint_id","order_event_id") WHERE status in ('pending', 'held');--> statement-breakpoint
ALTER TABLE "hook_endpoints" ADD CONSTRAINT "hook_endpoints_previous_secret_check" CHECK ((previous_secret is null) = (previous_secret_expires_at is null));
