import { z } from "zod";
import { invalidRequest } from "../errors";
import type { FormObject, FormValue } from "../form-params";
import { integer, parseParams } from "../domain/params";

// Stripe's list endpoints: newest first, `limit` (1-100, default 10),
// cursor pagination by object id (`starting_after` / `ending_before`) and a
// `created` filter given as a number or a range (`created[gte]=…`).

const limitSchema = integer(1).refine((n) => n <= 100, "This value must be less than or equal to 100.");

const createdRange = z.strictObject({
  gt: integer().optional(),
  gte: integer().optional(),
  lt: integer().optional(),
  lte: integer().optional(),
});
type CreatedFilter = number | z.output<typeof createdRange>;

// A number or a range; the error names the bad part (`created[gte]`), as Stripe's does.
const createdSchema = z.unknown().transform((value, ctx): CreatedFilter => {
  const result = typeof value === "string" ? integer().safeParse(value) : createdRange.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path as PropertyKey[] });
  return z.NEVER;
});

/** The params every list accepts; an endpoint adds its own filters. */
export const listParams = {
  limit: limitSchema.optional(),
  starting_after: z.string().optional(),
  ending_before: z.string().optional(),
  created: createdSchema.optional(),
  expand: z.array(z.string()).optional(),
};

type Created = CreatedFilter;
type Listed = { id: string; created: number };
type Common = { limit?: number; starting_after?: string; ending_before?: string; created?: Created };

function inCreated(created: Created | undefined, at: number): boolean {
  if (created === undefined) return true;
  if (typeof created === "number") return at === created;
  return (
    (created.gt === undefined || at > created.gt) &&
    (created.gte === undefined || at >= created.gte) &&
    (created.lt === undefined || at < created.lt) &&
    (created.lte === undefined || at <= created.lte)
  );
}

/** Parses an endpoint's list params (Stripe's 400 for the first bad one). */
export function parseListParams<S extends z.ZodRawShape>(shape: S, params: FormObject) {
  return parseParams(z.strictObject({ ...listParams, ...shape }), params);
}

/**
 * One page of `items` (in the order they were recorded) that pass `keep` and
 * the `created` filter, newest first; among equal timestamps the later-recorded first.
 */
export function listPage<T extends Listed>(items: T[], p: Common, url: string, keep: (item: T) => boolean = () => true) {
  if (p.starting_after !== undefined && p.ending_before !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: ending_before, starting_after.");
  }
  const limit = p.limit ?? 10;
  const sorted = items
    .filter((item) => keep(item) && inCreated(p.created, item.created))
    .reverse()
    .sort((a, b) => b.created - a.created);
  const cursor = p.starting_after ?? p.ending_before;
  let page: T[];
  let more: boolean;
  if (cursor === undefined) {
    page = sorted.slice(0, limit);
    more = sorted.length > limit;
  } else {
    const at = sorted.findIndex((item) => item.id === cursor);
    if (at === -1)
      throw invalidRequest(`No such object: '${cursor}'`, {
        param: p.starting_after !== undefined ? "starting_after" : "ending_before",
        status: 404,
        code: "resource_missing",
      });
    if (p.starting_after !== undefined) {
      page = sorted.slice(at + 1, at + 1 + limit);
      more = sorted.length > at + 1 + limit;
    } else {
      page = sorted.slice(Math.max(0, at - limit), at);
      more = at - limit > 0;
    }
  }
  return { object: "list" as const, data: page, has_more: more, url };
}

/** The `expand[]` params of a request. */
export function expandOf(params: FormObject): string[] {
  const value: FormValue | undefined = params.expand;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
