-- Refunds owed outside the gateway (docs/PAYMENTS.md, "Refunds owed outside the gateway"): a charged-back
-- payment's refunds, which Stripe refuses, are paid by an operator another way and recorded with a reference.
-- Such a refund never carries a gateway refund id.
ALTER TABLE "refunds" ADD COLUMN "outside" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "outside_reference" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_outside_check" CHECK ("refunds"."outside_reference" is null or "refunds"."outside");--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_outside_gateway_check" CHECK (not ("refunds"."outside" and "refunds"."gateway_refund_id" is not null));