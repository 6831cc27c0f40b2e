import { spawn } from "node:child_process";
import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { addJob } from "@/lib/worker/jobs";
import { requestRefund } from "@/lib/orders/user-actions";
import { eventTypes, orderRow } from "@/test/fixtures";
import { paidOrderAtGateway } from "@/test/gateway";
import { taskList } from "./task-list";

// A worker process killed (SIGKILL) in the middle of a refund job, right after
// the gateway refunded: after restart the refund completes, and only once.

let url = "";

const paidOrder = () => paidOrderAtGateway();

beforeAll(async () => {
  url = (await getDb()).url;
});

describe("a worker killed mid-job", () => {
  it("leaves a locked job that the reconciler releases; the refund then happens once", async () => {
    const o = await paidOrder();
    await requestRefund({ userId: o.userId, orderId: o.orderId });
    const { db } = await getDb();
    const refundJob = sql`payload->>'orderId' = ${o.orderId} and key like 'refund:%'`;
    // Of this order's jobs only the refund should run in the doomed process (it may
    // also take other files' due jobs: the fault is armed for this order alone).
    await db.execute(sql`delete from graphile_worker._private_jobs where payload->>'orderId' = ${o.orderId} and key not like 'refund:%'`);
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      env: { ...process.env, DATABASE_URL: url, FAULT_POINTS: `refund_payment:after_gateway:kill@${o.orderId}`, LOG_LEVEL: "error" },
      stdio: "ignore",
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, sig) => resolve(sig)));
    expect(signal).toBe("SIGKILL");
    const [locked] = await db.execute<{ locked_by: string | null }>(
      sql`select locked_by from graphile_worker._private_jobs where ${refundJob}`,
    );
    expect(locked?.locked_by).toBeTruthy();
    expect((await orderRow(o.orderId)).status).toBe("refund_pending");

    // Time passes: the dead process's heartbeat and its lock are old.
    await db.execute(sql`update worker_heartbeats set last_seen_at = now() - interval '5 minutes' where pid = ${child.pid!}`);
    await db.execute(
      sql`update graphile_worker._private_jobs set locked_at = now() - interval '5 minutes', run_at = now() where ${refundJob}`,
    );
    await addJob(db, "reconcile_orders", {}, { jobKey: "reconcile_orders" });
    const quiet = new Logger(() => () => {});
    await runOnce({ connectionString: url, taskList, logger: quiet });
    await runOnce({ connectionString: url, taskList, logger: quiet });

    expect((await orderRow(o.orderId)).status).toBe("refunded");
    expect((await eventTypes(o.orderId)).filter((t) => t === "PaymentRefunded")).toHaveLength(1);
    // The gateway holds one refund for the payment: the retry reused the idempotency key.
    type Listed = { event: { data: { object: { metadata?: { order_id?: string } } } } };
    const events = (await (await fetch(`${env().STRIPE_API_BASE}/_emulator/events?type=refund.created`)).json()) as { data: Listed[] };
    const ours = events.data.filter((r) => r.event.data.object.metadata?.order_id === o.orderId);
    expect(ours).toHaveLength(1);
    await db.execute(sql`delete from worker_heartbeats where pid = ${child.pid!}`);
  }, 60_000);
});
