import { z } from "zod";
import { orderStatuses } from "@/db/schema";

/** A real calendar day PostgreSQL accepts: Date.parse would roll 2024-02-30 over to March and accept year 0. */
function isCalendarDay(value: string): boolean {
  const [year, month, day] = value.split("-").map(Number) as [number, number, number];
  if (year < 1970 || year > 2999) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD")
  .refine(isCalendarDay, "not a calendar day between 1970 and 2999");

/** The operator's order filter: status, and placed between two UTC days (both included). Shared by /admin/orders and GET /api/admin/orders. */
export const adminOrderFilterSchema = z
  .object({ status: z.enum(orderStatuses).optional(), from: day.optional(), to: day.optional() })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "from must not be after to", path: ["to"] });

export type AdminOrderFilter = z.infer<typeof adminOrderFilterSchema>;

/** [start, end) instants of the filter's days, for `created_at >= start and created_at < end`. */
export function filterRange(filter: Pick<AdminOrderFilter, "from" | "to">): { start: string | null; end: string | null } {
  const start = filter.from ? `${filter.from}T00:00:00Z` : null;
  const end = filter.to ? new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000).toISOString() : null;
  return { start, end };
}
