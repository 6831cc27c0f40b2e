import { randomUUID } from "node:crypto";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { sql } from "drizzle-orm";
import type { JobHelpers } from "graphile-worker";
import { afterAll, describe, expect, it } from "vitest";
import { getDb, schema } from "@/db";
import { errorResponse } from "@/lib/http/responses";
import { defineTask } from "@/lib/worker/define-task";
import { orderAwaitingPayment } from "@/test/webhooks";
import { withContext } from "./context";
import { captureLogs } from "./log";
import { safeErrorMessage } from "./redact-error";
import { flushOperations, instrument } from "./operations";

// Finding 9 of issue 14: drizzle's query errors carry the bound parameters
// (e-mails, password hashes, webhook payloads) in their message, and that
// message went into log lines, the operation log, job runs and spans.

const spans = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const logs = captureLogs();
afterAll(() => logs.stop());

/** A customer whose e-mail is taken, and an insert of the same e-mail with a secret hash: a unique violation. */
async function failingInsert() {
  const tag = randomUUID().slice(0, 8);
  const email = `secret-person-${tag}@example.com`;
  const passwordHash = `$argon2id$v=19$m=19456,t=2,p=1$SECRETSALT${tag}$SECRETHASH${tag}`;
  const { db } = await getDb();
  await db.insert(schema.users).values({ email, passwordHash: "first", name: "First" });
  const run = () =>
    db
      .insert(schema.users)
      .values({ email, passwordHash, name: "Second" })
      .then(() => undefined);
  return { email, passwordHash, tag, run };
}

function leaks(text: string, secrets: string[]): string[] {
  return secrets.filter((secret) => text.includes(secret));
}

describe("a failed query's parameters stay out of logs, the operation log, job runs and spans", () => {
  it("an instrumented operation: neither its log line, its span nor its operations row holds the e-mail or the hash", async () => {
    const { email, passwordHash, tag, run } = await failingInsert();
    const requestId = `req-redact-${tag}`;
    const error = await withContext({ requestId }, () => instrument("user_login", { name: "register" }, run)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    await flushOperations();
    const { db } = await getDb();
    const [row] = await db.execute<{ error: string }>(sql`select error from operations where request_id = ${requestId}`);
    // The row still says what failed.
    expect(row?.error).toMatch(/insert into "users"/);
    expect(leaks(row!.error, [email, passwordHash])).toEqual([]);
    const lines = logs.lines().filter((line) => line.requestId === requestId);
    expect(lines.length).toBeGreaterThan(0);
    expect(leaks(JSON.stringify(lines), [email, passwordHash, "SECRETHASH"])).toEqual([]);
    const span = spans.getFinishedSpans().find((s) => s.attributes["request.id"] === requestId);
    expect(span).toBeDefined();
    expect(leaks(JSON.stringify({ status: span!.status, events: span!.events }), [email, passwordHash])).toEqual([]);
  });

  it("a route's unhandled error: the log line holds neither", async () => {
    const { email, passwordHash, tag, run } = await failingInsert();
    const requestId = `req-route-${tag}`;
    const error = await run().catch((e: unknown) => e);
    const response = withContext({ requestId }, () => errorResponse(error));
    expect(response.status).toBe(500);
    const lines = logs.lines().filter((line) => line.requestId === requestId);
    expect(lines.map((l) => l.msg)).toContain("unhandled error in route");
    expect(leaks(JSON.stringify(lines), [email, passwordHash])).toEqual([]);
  });

  it("a job's failure: its job_runs row, its log line and the error graphile-worker keeps hold neither", async () => {
    const { email, passwordHash, tag, run } = await failingInsert();
    const { orderId } = await orderAwaitingPayment();
    const jobId = `job-redact-${tag}`;
    // Any job of the registry: the payload is checked against its schema first.
    const task = defineTask("payment_timeout", run);
    const helpers = { job: { id: jobId, attempts: 1, max_attempts: 5 } } as unknown as JobHelpers;
    const thrown = await Promise.resolve(task({ orderId, requestId: `req-job-${tag}` }, helpers)).catch((e: unknown) => e);
    // graphile-worker stores the thrown error's message (and stack) as the job's last_error.
    expect(leaks(`${(thrown as Error).message}\n${(thrown as Error).stack}`, [email, passwordHash])).toEqual([]);
    const { db } = await getDb();
    const [row] = await db.execute<{ error: string }>(sql`select error from job_runs where job_id = ${jobId}`);
    expect(row?.error).toMatch(/insert into "users"/);
    expect(leaks(row!.error, [email, passwordHash])).toEqual([]);
    const lines = logs.lines().filter((line) => line.jobId === jobId);
    expect(lines.map((l) => l.msg)).toContain("job failed");
    expect(leaks(JSON.stringify(lines), [email, passwordHash])).toEqual([]);
  });

  it("values PostgreSQL quotes in its own message are removed too, the statement kept", async () => {
    const { db } = await getDb();
    const error = await db.execute(sql`select id from users where id = ${"not-a-uuid-SECRET-TOKEN"}`).catch((e: unknown) => e);
    const message = safeErrorMessage(error);
    expect(message).toMatch(/select id from users where id = \$1/);
    expect(message).not.toContain("SECRET-TOKEN");
    const cause = (error as Error).cause as Error;
    expect(cause.message).toBe('invalid input syntax for type uuid: "[Redacted]"');
    expect(cause.stack).not.toContain("SECRET-TOKEN");
  });
});
