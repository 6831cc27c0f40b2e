ALTER TABLE "refunds" ADD COLUMN "outside" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "outside_reference" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_outside_check" CHECK ("refunds"."outside_reference" is null or "refunds"."outside");