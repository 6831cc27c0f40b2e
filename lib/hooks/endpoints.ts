import { sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { ALL_EVENTS } from "./event-types";
import { MAX_HOOK_ENDPOINTS, type HookEndpointInput } from "./input";
import { deleteEndpoint, insertEndpoint, requeueDelivery, rollEndpointSecret, updateEndpointEnabled } from "./store";
import { sealSecret } from "./secret-box";
import { newHookSecret } from "./signature";
import { privateTargetProblem } from "./target";

// Operators' outbound hook endpoints and their deliveries (the console's
// /admin/hooks and /api/admin/hooks). A secret is stored sealed
// (secret-box.ts) and shown once: in the answer to the request that created
// or rolled it.

export type HookEndpointView = {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  enabled: boolean;
  consecutiveFailures: number;
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
  /** The last roll of its secret, and until when the replaced secret signs too (null once that has passed). */
  secretRolledAt: string | null;
  previousSecretExpiresAt: string | null;
  deliveries: { pending: number; succeeded: number; failed: number; held: number };
};

export type HookDeliveryView = {
  id: number;
  orderId: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
};

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

type EndpointRow = {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  enabled: boolean;
  consecutive_failures: number;
  disabled_at: string | null;
  disabled_reason: string | null;
  created_at: string;
  secret_rolled_at: string | null;
  previous_secret_expires_at: string | null;
  pending: number;
  succeeded: number;
  failed: number;
  held: number;
};

const endpointColumns = sql`e.id, e.url, e.description, e.event_types, e.enabled, e.consecutive_failures, e.disabled_at, e.disabled_reason, e.created_at,
  e.secret_rolled_at, case when e.previous_secret_expires_at > now() then e.previous_secret_expires_at end as previous_secret_expires_at,
  (select count(*) filter (where status = 'pending') from hook_deliveries where endpoint_id = e.id)::int as pending,
  (select count(*) filter (where status = 'succeeded') from hook_deliveries where endpoint_id = e.id)::int as succeeded,
  (select count(*) filter (where status = 'failed') from hook_deliveries where endpoint_id = e.id)::int as failed,
  (select count(*) filter (where status = 'held') from hook_deliveries where endpoint_id = e.id)::int as held`;

function toView(row: EndpointRow): HookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    enabled: row.enabled,
    consecutiveFailures: row.consecutive_failures,
    disabledAt: iso(row.disabled_at),
    disabledReason: row.disabled_reason,
    createdAt: iso(row.created_at)!,
    secretRolledAt: iso(row.secret_rolled_at),
    previousSecretExpiresAt: iso(row.previous_secret_expires_at),
    deliveries: { pending: row.pending, succeeded: row.succeeded, failed: row.failed, held: row.held },
  };
}

export async function listHookEndpoints(): Promise<HookEndpointView[]> {
  const { db } = await getDb();
  const rows = await db.execute<EndpointRow>(sql`select ${endpointColumns} from hook_endpoints e order by e.created_at desc`);
  return rows.map(toView);
}

export async function getHookEndpoint(id: string): Promise<HookEndpointView> {
  if (!isUuid(id)) throw new AppError("not_found", "No such endpoint");
  const { db } = await getDb();
  const [row] = await db.execute<EndpointRow>(sql`select ${endpointColumns} from hook_endpoints e where e.id = ${id}`);
  if (!row) throw new AppError("not_found", "No such endpoint");
  return toView(row);
}

/** Registers an endpoint; the answer carries its signing secret, the only time it is shown. */
export async function createHookEndpoint(
  adminId: string,
  input: HookEndpointInput,
): Promise<{ endpoint: HookEndpointView; secret: string }> {
  const problem = await privateTargetProblem(input.url);
  if (problem) throw new AppError("invalid_request", `The URL ${problem}`, [{ path: "url", message: `The URL ${problem}` }]);
  const types = input.eventTypes.includes(ALL_EVENTS) ? [ALL_EVENTS] : input.eventTypes;
  const secret = newHookSecret();
  const { db } = await getDb();
  const id = await db.transaction(async (tx) => {
    // One at a time, so two operators cannot both pass the cap.
    await tx.execute(sql`select pg_advisory_xact_lock(727321)`);
    const [count] = await tx.execute<{ n: number }>(sql`select count(*)::int as n from hook_endpoints`);
    if (count!.n >= MAX_HOOK_ENDPOINTS) {
      throw new AppError("invalid_transition", `The store keeps at most ${MAX_HOOK_ENDPOINTS} endpoints: delete one first`);
    }
    return insertEndpoint(tx, {
      url: input.url,
      description: input.description || null,
      eventTypes: types,
      secret: sealSecret(secret),
      createdBy: adminId,
    });
  });
  return { endpoint: await getHookEndpoint(id), secret };
}

/**
 * Enables an endpoint again (its failure count starts over) and re-queues
 * the deliveries held while it was disabled; or disables it by hand.
 */
export async function setHookEndpointEnabled(id: string, enabled: boolean): Promise<HookEndpointView> {
  if (!isUuid(id)) throw new AppError("not_found", "No such endpoint");
  const { db } = await getDb();
  const found = await db.transaction((tx) => updateEndpointEnabled(tx, id, enabled));
  if (!found) throw new AppError("not_found", "No such endpoint");
  return getHookEndpoint(id);
}

/**
 * "Roll secret": a new signing secret, shown this once. For HOOK_SECRET_GRACE_HOURS the deliveries carry
 * a signature with the old one too, so the receiver can switch over without refusing any.
 */
export async function rollHookSecret(id: string): Promise<{ secret: string; previousSecretExpiresAt: string }> {
  if (!isUuid(id)) throw new AppError("not_found", "No such endpoint");
  const secret = newHookSecret();
  const { db } = await getDb();
  const row = await db.transaction((tx) => rollEndpointSecret(tx, id, sealSecret(secret), env().HOOK_SECRET_GRACE_HOURS));
  if (!row) throw new AppError("not_found", "No such endpoint");
  return { secret, previousSecretExpiresAt: iso(row.previous_secret_expires_at)! };
}

export async function deleteHookEndpoint(id: string): Promise<void> {
  if (!isUuid(id)) throw new AppError("not_found", "No such endpoint");
  const { db } = await getDb();
  const found = await db.transaction((tx) => deleteEndpoint(tx, id));
  if (!found) throw new AppError("not_found", "No such endpoint");
}

/** The newest deliveries of an endpoint (at most `limit`). */
export async function listHookDeliveries(endpointId: string, limit = 50): Promise<HookDeliveryView[]> {
  if (!isUuid(endpointId)) throw new AppError("not_found", "No such endpoint");
  return selectDeliveries(sql`endpoint_id = ${endpointId}`, Math.min(200, Math.max(1, limit)));
}

async function selectDeliveries(where: SQL, limit: number): Promise<HookDeliveryView[]> {
  const { db } = await getDb();
  const rows = await db.execute<Record<string, unknown>>(sql`
    select id, order_id, order_event_id, event_type, status, attempts, last_status_code, last_error, last_attempt_at, next_attempt_at,
      delivered_at, created_at
    from hook_deliveries where ${where} order by id desc limit ${limit}`);
  return rows.map((row) => ({
    id: Number(row.id),
    orderId: row.order_id as string,
    eventId: `evt_${row.order_event_id}`,
    eventType: row.event_type as string,
    status: row.status as string,
    attempts: row.attempts as number,
    lastStatusCode: (row.last_status_code as number | null) ?? null,
    lastError: (row.last_error as string | null) ?? null,
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: iso(row.next_attempt_at),
    deliveredAt: iso(row.delivered_at),
    createdAt: iso(row.created_at)!,
  }));
}

/**
 * An operator's redelivery: the same body and event id again (the receiver
 * dedupes), with a fresh run of attempts, now. The endpoint must be enabled.
 */
export async function redeliverHook(deliveryId: string): Promise<HookDeliveryView> {
  if (!/^[1-9]\d{0,17}$/.test(deliveryId)) throw new AppError("not_found", "No such delivery");
  const { db } = await getDb();
  await db.transaction(async (tx) => {
    const [row] = await tx.execute<{ enabled: boolean }>(sql`
      select e.enabled from hook_deliveries d join hook_endpoints e on e.id = d.endpoint_id
      where d.id = ${deliveryId}::bigint for update of d`);
    if (!row) throw new AppError("not_found", "No such delivery");
    if (!row.enabled)
      throw new AppError("invalid_transition", "The endpoint is disabled: enable it first (its held deliveries go out then)");
    await requeueDelivery(tx, Number(deliveryId));
  });
  const [view] = await selectDeliveries(sql`id = ${deliveryId}::bigint`, 1);
  return view!;
}
