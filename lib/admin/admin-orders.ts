import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import type { SqlRow } from "@/db/rows";
import type { orders, users } from "@/db/schema";
import { filterRange, type AdminOrderFilter } from "./order-filter";

export type AdminOrderRow = {
  id: string;
  status: string;
  email: string;
  totalCents: number;
  currency: string;
  createdAt: string;
  paymentDeadline: string;
  needsAttention: boolean;
  attentionReason: string | null;
};

/** Orders for operators, newest first, by status and the days they were placed; stuck ones are flagged by needsAttention. */
export async function listOrdersForAdmin(filter: AdminOrderFilter & { limit?: number }): Promise<AdminOrderRow[]> {
  const { db } = await getDb();
  const { start, end } = filterRange(filter);
  const rows = await db.execute<
    SqlRow<
      typeof orders,
      "id" | "status" | "totalCents" | "currency" | "createdAt" | "paymentDeadline" | "needsAttention" | "attentionReason"
    > &
      SqlRow<typeof users, "email">
  >(sql`
    select o.id, o.status, coalesce(u.email, o.guest_email) as email, o.total_cents, o.currency, o.created_at, o.payment_deadline, o.needs_attention, o.attention_reason
    from orders o left join users u on u.id = o.user_id
    where (${filter.status ?? null}::text is null or o.status = ${filter.status ?? null})
      and (${start}::timestamptz is null or o.created_at >= ${start}::timestamptz)
      and (${end}::timestamptz is null or o.created_at < ${end}::timestamptz)
    order by o.created_at desc limit ${filter.limit ?? 200}`);
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    email: r.email,
    totalCents: r.total_cents,
    currency: r.currency,
    createdAt: new Date(r.created_at).toISOString(),
    paymentDeadline: new Date(r.payment_deadline).toISOString(),
    needsAttention: r.needs_attention,
    attentionReason: r.attention_reason,
  }));
}
