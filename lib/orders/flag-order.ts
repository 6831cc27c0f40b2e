import { sql } from "drizzle-orm";
import { getDb } from "@/db";

/**
 * Marks an order for an operator (automation gave up) and raises an alert.
 * Not a state change: the machine's state stays as it is.
 */
export async function flagOrder(orderId: string, reason: string, context: Record<string, unknown> = {}): Promise<void> {
  const { db } = await getDb();
  await db.execute(sql`update orders set needs_attention = true, attention_reason = ${reason}, updated_at = now() where id = ${orderId}`);
  console.error(JSON.stringify({ level: "error", alert: "order_needs_attention", orderId, reason, ...context }));
}
