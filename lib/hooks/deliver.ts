import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/observability/log";
import {
  countEndpointFailure,
  holdDelivery,
  isBehindEarlierDelivery,
  markDeliveryWaiting,
  queueNextDelivery,
  recordDeliveryFailure,
  recordDeliverySuccess,
} from "./store";
import { openSecret, SecretUnreadableError } from "./secret-box";
import { postDelivery, type Answer } from "./send";
import { SIGNATURE_HEADER, signatureHeader } from "./signature";
import type { Resolver } from "./target";

export type HookSettings = {
  maxAttempts: number;
  disableAfterFailures: number;
  timeoutMs: number;
  retryBaseSeconds: number;
  /** How the endpoint's host is looked up (the system's resolver unless a test injects one). */
  resolve?: Resolver;
};

export function hookSettings(): HookSettings {
  const e = env();
  return {
    maxAttempts: e.HOOK_MAX_ATTEMPTS,
    disableAfterFailures: e.HOOK_DISABLE_AFTER_FAILURES,
    timeoutMs: e.HOOK_TIMEOUT_MS,
    retryBaseSeconds: e.HOOK_RETRY_BASE_SECONDS,
  };
}

/** Seconds before attempt `attempts + 1`, after `attempts` failed ones: base, 2×base, 4×base …, at most an hour. */
export function retryDelaySeconds(attempts: number, base: number): number {
  return Math.min(3600, base * 2 ** Math.max(0, attempts - 1));
}

type Row = {
  id: number;
  status: string;
  attempts: number;
  body: string;
  endpoint_id: string;
  url: string;
  secret: string;
  /** The secret a roll replaced, while its grace period lasts (sealed). */
  previous_secret: string | null;
  enabled: boolean;
};

export type AttemptOutcome = "succeeded" | "retry" | "failed" | "held" | "waiting" | "skipped";

async function send(row: Row, settings: HookSettings): Promise<Answer> {
  let secrets: string[];
  try {
    secrets = [row.secret, ...(row.previous_secret ? [row.previous_secret] : [])].map(openSecret);
  } catch (error) {
    if (error instanceof SecretUnreadableError) return { ok: false, statusCode: null, error: error.message };
    throw error;
  }
  return postDelivery(row.url, {
    headers: {
      "content-type": "application/json",
      "user-agent": "Paperleaf-Hooks/1",
      // During a roll's grace period, one v1 per secret (the new one first): a receiver holding either accepts it.
      [SIGNATURE_HEADER]: signatureHeader(secrets, row.body),
    },
    body: row.body,
    timeoutMs: settings.timeoutMs,
    resolve: settings.resolve,
  });
}

/**
 * One attempt of one delivery (the deliver_hook job). A 2xx answer settles
 * it; anything else (another status, a timeout, a refused target) counts a
 * failure: the delivery is retried later with backoff (a new job at
 * next_attempt_at) until HOOK_MAX_ATTEMPTS, and the endpoint's run of
 * consecutive failures grows; at HOOK_DISABLE_AFTER_FAILURES the endpoint is
 * disabled and its deliveries wait ("held") until an operator enables it.
 * The outcome, the endpoint's count and the retry's job are written in one
 * transaction.
 *
 * In order per endpoint: while an earlier event of the endpoint (by sequence)
 * is pending or held, this one is not sent ("waiting", no job). Settling the
 * earlier one (delivered, or given up after HOOK_MAX_ATTEMPTS) queues the
 * next; so a failing delivery holds back the later ones of its endpoint only.
 */
export async function deliverHook(deliveryId: number, settings: HookSettings = hookSettings()): Promise<AttemptOutcome> {
  const { db } = await getDb();
  const [row] = await db.execute<Row>(sql`
    select d.id, d.status, d.attempts, d.body::text as body, e.id as endpoint_id, e.url, e.secret, e.enabled,
      case when e.previous_secret_expires_at > now() then e.previous_secret end as previous_secret
    from hook_deliveries d join hook_endpoints e on e.id = d.endpoint_id where d.id = ${deliveryId}`);
  if (!row || row.status !== "pending") return "skipped";
  if (!row.enabled) {
    await holdDelivery(db, deliveryId);
    return "held";
  }
  if (await isBehindEarlierDelivery(db, deliveryId)) {
    await markDeliveryWaiting(db, deliveryId);
    return "waiting";
  }
  const answer = await send(row, settings);
  const attempts = row.attempts + 1;
  return db.transaction(async (tx) => {
    if (answer.ok) {
      await recordDeliverySuccess(tx, { id: deliveryId, endpointId: row.endpoint_id, attempts, statusCode: answer.statusCode });
      await queueNextDelivery(tx, row.endpoint_id);
      return "succeeded";
    }
    const endpoint = await countEndpointFailure(
      tx,
      row.endpoint_id,
      settings.disableAfterFailures,
      `${settings.disableAfterFailures} consecutive failed attempts; the last: ${answer.error}`,
    );
    const outcome: AttemptOutcome = attempts >= settings.maxAttempts ? "failed" : endpoint?.enabled ? "retry" : "held";
    const next = outcome === "retry" ? new Date(Date.now() + retryDelaySeconds(attempts, settings.retryBaseSeconds) * 1000) : null;
    await recordDeliveryFailure(tx, {
      id: deliveryId,
      status: outcome === "retry" ? "pending" : outcome === "failed" ? "failed" : "held",
      attempts,
      statusCode: answer.statusCode,
      error: answer.error,
      next,
    });
    if (outcome === "failed") await queueNextDelivery(tx, row.endpoint_id);
    if (endpoint && !endpoint.enabled && row.enabled) {
      logger().error(
        { alert: "hook_endpoint_disabled", endpointId: row.endpoint_id, failures: endpoint.consecutive_failures },
        "outbound hook endpoint disabled after repeated failures",
      );
    }
    logger().warn({ deliveryId, attempts, statusCode: answer.statusCode, error: answer.error, outcome }, "outbound hook attempt failed");
    return outcome;
  });
}
