import { z } from "zod";
import { orderStatuses } from "@/db/schema";
import { hasControlCharacters } from "@/lib/ids";

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

/** The longest search an operator may type: an e-mail address is at most 254 characters, a name 100, an order id 36. */
export const MAX_ORDER_SEARCH_LENGTH = 254;
/** Pages of the order list; past the last page is an empty page, past this a 400 (a deeper offset only costs the database). */
export const MAX_ORDER_PAGE = 1000;
export const ORDER_PAGE_SIZE = 50;

/** The worklists: "to-ship" is the paid orders not shipped yet, oldest payment first. */
export const orderQueues = ["to-ship"] as const;

/**
 * The operator's order filter: status or a worklist, a search (e-mail, name, order number), placed between two UTC
 * days (both included), and the page. Shared by /admin/orders and GET /api/admin/orders; unknown keys are ignored.
 */
export const adminOrderFilterSchema = z
  .object({
    status: z.enum(orderStatuses).optional(),
    queue: z.enum(orderQueues).optional(),
    q: z
      .string()
      .max(MAX_ORDER_SEARCH_LENGTH, `at most ${MAX_ORDER_SEARCH_LENGTH} characters`)
      .refine((value) => !hasControlCharacters(value), "no control characters")
      .transform((value) => value.trim())
      .optional(),
    page: z
      .string()
      .regex(/^[1-9]\d{0,3}$/, `a page number from 1 to ${MAX_ORDER_PAGE}`)
      .transform(Number)
      .refine((n) => n <= MAX_ORDER_PAGE, `a page number from 1 to ${MAX_ORDER_PAGE}`)
      .optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "from must not be after to", path: ["to"] });

export type AdminOrderFilter = z.infer<typeof adminOrderFilterSchema>;

/** [start, end) instants of the filter's days, for `created_at >= start and created_at < end`. */
export function filterRange(filter: Pick<AdminOrderFilter, "from" | "to">): { start: string | null; end: string | null } {
  const start = filter.from ? `${filter.from}T00:00:00Z` : null;
  const end = filter.to ? new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000).toISOString() : null;
  return { start, end };
}

/**
 * What an order number in a search can be: the full id, or the start of it as the pages show it ("1A2B3C4D"),
 * with or without dashes. Gives the [low, high] ids it covers, so the primary key's index answers it.
 */
export function orderIdRange(search: string): { low: string; high: string } | null {
  const hex = search.replace(/-/g, "").toLowerCase();
  if (!/^[0-9a-f]{4,32}$/.test(hex) || !/^[0-9a-f-]+$/i.test(search)) return null;
  const asUuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return { low: asUuid(hex.padEnd(32, "0")), high: asUuid(hex.padEnd(32, "f")) };
}
