import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { statePath } from "@/machines/order-status";

/** How many orders are in each machine state now, by leaf path ("created.paying", "settled.paid"…). */
export async function countOrdersByState(): Promise<Map<string, number>> {
  const { db } = await getDb();
  const rows = await db.execute<{ value: unknown; n: number }>(sql`
    select machine_snapshot->'value' as value, count(*)::int as n from orders group by 1`);
  const counts = new Map<string, number>();
  for (const row of rows) {
    const path = statePath({ value: row.value as never });
    counts.set(path, (counts.get(path) ?? 0) + row.n);
  }
  return counts;
}
