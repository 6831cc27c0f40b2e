import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { operationKinds, type OperationKind } from "@/db/schema";
import { z } from "zod";

export const operationFilterSchema = z.object({
  kind: z.enum(operationKinds).optional(),
  outcome: z.enum(["success", "failed"]).optional(),
  order: z.uuid().optional(),
});
export type OperationFilter = z.infer<typeof operationFilterSchema>;

export type OperationRow = {
  id: number;
  kind: OperationKind;
  name: string;
  outcome: string;
  durationMs: number;
  error: string | null;
  orderId: string | null;
  requestId: string | null;
  at: string;
};
export type OperationSummary = { kind: OperationKind; total: number; failed: number; p95Ms: number | null };

/** The newest operations, by kind, outcome and order. */
export async function listOperations(filter: OperationFilter, limit = 200): Promise<OperationRow[]> {
  const { db } = await getDb();
  const rows = await db.execute<{
    id: number;
    kind: OperationKind;
    name: string;
    outcome: string;
    duration_ms: number;
    error: string | null;
    order_id: string | null;
    request_id: string | null;
    created_at: Date;
  }>(sql`
    select id, kind, name, outcome, duration_ms, error, order_id, request_id, created_at from operations
    where (${filter.kind ?? null}::text is null or kind = ${filter.kind ?? null})
      and (${filter.outcome ?? null}::text is null or outcome = ${filter.outcome ?? null})
      and (${filter.order ?? null}::uuid is null or order_id = ${filter.order ?? null}::uuid)
    order by id desc limit ${limit}`);
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    name: r.name,
    outcome: r.outcome,
    durationMs: r.duration_ms,
    error: r.error,
    orderId: r.order_id,
    requestId: r.request_id,
    at: new Date(r.created_at).toISOString(),
  }));
}

/** Per kind over the last 24 hours: how many, how many failed, and the 95th percentile duration. */
export async function summariseOperations(): Promise<OperationSummary[]> {
  const { db } = await getDb();
  const rows = await db.execute<{ kind: OperationKind; total: number; failed: number; p95: number | null }>(sql`
    select kind, count(*)::int as total, count(*) filter (where outcome = 'failed')::int as failed,
           percentile_cont(0.95) within group (order by duration_ms) as p95
    from operations where created_at > now() - interval '24 hours' group by kind`);
  const byKind = new Map(rows.map((r) => [r.kind, r]));
  return operationKinds.map((kind) => {
    const row = byKind.get(kind);
    return { kind, total: row?.total ?? 0, failed: row?.failed ?? 0, p95Ms: row?.p95 == null ? null : Math.round(Number(row.p95)) };
  });
}
