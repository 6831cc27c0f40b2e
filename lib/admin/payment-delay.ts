import { sql } from "drizzle-orm";

/**
 * An order whose payment is delayed because the card gateway was down (created.paymentDelayed,
 * docs/PAYMENTS.md "When the gateway is down"): since when and why ("circuit_open", "gateway_error").
 */
export type PaymentDelayMark = { reason: string; since: string };

/**
 * The machine's own record of the delay, read from the stored snapshot: context.paymentDelay is set exactly
 * while the order is in created.paymentDelayed (machines/order-types.ts), and snapshots stored before
 * machine v5 have none, which reads as null like a running order.
 */
export const paymentDelayColumn = sql`o.machine_snapshot->'context'->'paymentDelay'`;

/** The stored context.paymentDelay (jsonb: { reason, since: epoch ms } or null) as the console shows it. */
export function paymentDelayOf(stored: unknown): PaymentDelayMark | null {
  if (!stored || typeof stored !== "object") return null;
  const { reason, since } = stored as { reason?: unknown; since?: unknown };
  if (typeof since !== "number") return null;
  return { reason: typeof reason === "string" ? reason : "", since: new Date(since).toISOString() };
}
