CREATE TABLE "job_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "job_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"job_id" text NOT NULL,
	"task" text NOT NULL,
	"order_id" uuid,
	"attempt" integer NOT NULL,
	"max_attempts" integer NOT NULL,
	"outcome" text NOT NULL,
	"error" text,
	"duration_ms" integer NOT NULL,
	"request_id" text,
	"started_at" timestamp with time zone NOT NULL,
	CONSTRAINT "job_runs_outcome_check" CHECK (outcome in ('succeeded', 'failed'))
);
--> statement-breakpoint
CREATE INDEX "job_runs_order_idx" ON "job_runs" USING btree ("order_id","id");--> statement-breakpoint
CREATE INDEX "job_runs_started_idx" ON "job_runs" USING btree ("started_at");