CREATE TABLE "disputes" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"payment_id" uuid NOT NULL,
	"amount_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"gateway_status" text NOT NULL,
	"outcome" text DEFAULT 'open' NOT NULL,
	"evidence_due_by" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "disputes_outcome_check" CHECK (outcome in ('open', 'won', 'lost')),
	CONSTRAINT "disputes_amount_check" CHECK (amount_cents > 0),
	CONSTRAINT "disputes_closed_check" CHECK ((outcome = 'open') = (closed_at is null))
);
--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disputes_order_idx" ON "disputes" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "disputes_outcome_closed_idx" ON "disputes" USING btree ("outcome","closed_at");--> statement-breakpoint
CREATE INDEX "payments_gateway_payment_intent_idx" ON "payments" USING btree ("gateway_payment_intent_id");