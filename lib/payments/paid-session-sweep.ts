import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { logger } from "@/lib/observability/log";
import { getPaymentGateway } from "./gateway";
import { settleFromGateway } from "./settle-from-gateway";
import { settledSessions } from "./store";

// The reconciler's look at money the store may not know about: the gateway's
// own record of sessions that took money (its events, kept 30 days), read
// from where the last sweep stopped. A session the store never recorded whose
// metadata names one of our orders is settled like any other (its money is
// refunded through the machine: UNRECORDED_PAYMENT); a recorded one that is
// not yet paid here is settled too (its webhook was lost).

export const PAID_SESSION_CURSOR = "paid_session_events";
/** Re-read this far behind the cursor: events written in the same second, clocks a little apart. */
const OVERLAP_SECONDS = 120;
/** A Checkout Session lives at most 24 hours: the first sweep looks that far back. */
const FIRST_LOOK_BACK_SECONDS = 25 * 3600;
const MAX_EVENTS = 1000;

export type SweepResult = { events: number; settled: number };

export async function sweepPaidSessions(): Promise<SweepResult> {
  const { db } = await getDb();
  const [cursor] = await db.execute<{ position: number }>(sql`select position from reconciler_cursors where name = ${PAID_SESSION_CURSOR}`);
  const since = cursor ? Number(cursor.position) - OVERLAP_SECONDS : Math.floor(Date.now() / 1000) - FIRST_LOOK_BACK_SECONDS;
  const gateway = await getPaymentGateway();
  const events = await gateway.listPaidSessionEvents(since, MAX_EVENTS);
  if (events.length === 0) return { events: 0, settled: 0 };
  if (events.length >= MAX_EVENTS)
    logger().warn({ since, read: events.length }, "paid-session sweep read its limit; older events in the window were skipped");

  // Gateway ids are [A-Za-z0-9_]; anything else cannot be one of ours.
  const sessionIds = [...new Set(events.map((e) => e.session.id))].filter((id) => /^[A-Za-z0-9_]+$/.test(id));
  // Sessions the store has and needs nothing more about; a session naming no order of ours is not ours.
  const settled = await settledSessions(sessionIds);
  const todo = sessionIds.filter((id) => !settled.has(id) && events.some((e) => e.session.id === id && e.session.orderId));
  let count = 0;
  for (const sessionId of todo) {
    const outcome = await settleFromGateway(sessionId, "reconciler").catch((error) => {
      logger().warn({ sessionId, err: error }, "reconciler could not settle a paid session");
      return undefined;
    });
    if (outcome === "paid") count += 1;
  }
  const newest = Math.max(...events.map((e) => e.created));
  await db.execute(sql`
    insert into reconciler_cursors (name, position) values (${PAID_SESSION_CURSOR}, ${newest})
    on conflict (name) do update set position = greatest(reconciler_cursors.position, excluded.position), updated_at = now()`);
  return { events: events.length, settled: count };
}
