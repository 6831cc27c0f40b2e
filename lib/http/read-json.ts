import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { hasControlCharacters } from "@/lib/ids";
import { MAX_JSON_BODY_BYTES, readBodyText } from "./body";
import { invalidRequest } from "./responses";

/** Deeper than any of our schemas needs (they are two levels deep); deeper input is refused unread. */
export const MAX_JSON_DEPTH = 32;

/** Parses a JSON body with a zod schema; every malformed input is a 4xx, never a 500. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  checkContentType(request);
  return parseJson(await readBodyText(request, MAX_JSON_BODY_BYTES), schema);
}

/** Like readJson, but an absent body means an empty object (optional fields only). */
export async function readOptionalJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const text = await readBodyText(request, MAX_JSON_BODY_BYTES);
  if (text.trim() === "") {
    const parsed = schema.safeParse({});
    if (!parsed.success) throw invalidRequest(parsed.error);
    return parsed.data;
  }
  checkContentType(request);
  return parseJson(text, schema);
}

function checkContentType(request: Request): void {
  const type = request.headers.get("content-type") ?? "";
  if (type && !type.toLowerCase().includes("application/json")) {
    throw new AppError("unsupported_media_type", "Send the request body as application/json");
  }
}

function parseJson<S extends z.ZodType>(text: string, schema: S): z.infer<S> {
  if (text.trim() === "")
    throw new AppError("invalid_request", "The request body is missing", [{ path: "", message: "expected a JSON object" }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("invalid_request", "The request body is not valid JSON", [{ path: "", message: "malformed JSON" }]);
  }
  const problem = structureProblem(value);
  if (problem === "too_deep") {
    throw new AppError("invalid_request", `The request body is nested too deeply (at most ${MAX_JSON_DEPTH} levels)`, [
      { path: "", message: "nested too deeply" },
    ]);
  }
  if (problem === "control") {
    throw new AppError("invalid_request", "Text in the request must not contain control characters", [
      { path: "", message: "control characters are not allowed" },
    ]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(parsed.error);
  return parsed.data;
}

/**
 * Walks the parsed value with a stack of its own, never the call stack, so no
 * input can overflow it: nesting deeper than MAX_JSON_DEPTH is refused, and so
 * is text PostgreSQL cannot store (NUL) or other control characters, in keys
 * and values alike.
 */
function structureProblem(root: unknown): "too_deep" | "control" | undefined {
  const pending: [value: unknown, depth: number][] = [[root, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value === "string") {
      if (hasControlCharacters(value)) return "control";
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) return "too_deep";
    if (Array.isArray(value)) {
      for (const item of value) pending.push([item, depth + 1]);
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (hasControlCharacters(key)) return "control";
      pending.push([item, depth + 1]);
    }
  }
  return undefined;
}
