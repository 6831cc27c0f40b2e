CREATE TABLE "reconciler_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"position" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_signature_failures" (
	"minute" timestamp with time zone PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	CONSTRAINT "webhook_signature_failures_check" CHECK (failures > 0)
);
