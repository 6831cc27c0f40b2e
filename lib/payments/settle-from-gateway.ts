import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import type { EventSource } from "@/db/schema";
import { dispatchBySession } from "@/lib/orders/dispatch";
import type { WritePipeline } from "@/lib/orders/pipeline";
import type { DispatchResult, Tx } from "@/lib/orders/types";
import { getPaymentGateway, type CheckoutSessionInfo } from "./gateway";

export type SettleOutcome = "paid" | "processing" | "open" | "expired" | "unknown_session";

/** The machine event a gateway session stands for, if any. */
export async function dispatchSession(
  session: CheckoutSessionInfo,
  source: EventSource,
  options: { requestId?: string; tx?: Tx; pipeline?: WritePipeline } = {},
): Promise<{ outcome: SettleOutcome; result?: DispatchResult }> {
  const { db } = await getDb();
  if (session.status === "complete" && session.paymentStatus === "paid") {
    const result = await dispatchBySession(
      session.id,
      (paymentId) => ({
        type: "PAYMENT_SUCCEEDED",
        paymentId,
        amountCents: session.amountTotal ?? -1,
        currency: session.currency ?? "",
        paymentIntentId: session.paymentIntentId ?? undefined,
      }),
      source,
      options,
    );
    return result ? { outcome: "paid", result } : { outcome: "unknown_session" };
  }
  const [payment] = await (options.tx ?? db).execute<{ id: string }>(sql`
    select id from payments where gateway_session_id = ${session.id}`);
  if (!payment) return { outcome: "unknown_session" };
  if (session.status === "complete") return { outcome: "processing" };
  return { outcome: session.status };
}

/**
 * Asks the gateway what became of a session (expiring it first when asked) and
 * dispatches what it says: the same event a webhook would bring. Used by the
 * return page, the timeout and expiry jobs and the reconciler.
 */
export async function settleFromGateway(
  sessionId: string,
  source: EventSource,
  options: { expire?: boolean; requestId?: string } = {},
): Promise<SettleOutcome> {
  const gateway = await getPaymentGateway();
  const session = options.expire ? await gateway.expireCheckoutSession(sessionId) : await gateway.retrieveCheckoutSession(sessionId);
  return (await dispatchSession(session, source, { requestId: options.requestId })).outcome;
}
