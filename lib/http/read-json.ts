import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { hasControlCharacters } from "@/lib/ids";
import { invalidRequest } from "./responses";

const MAX_BODY_BYTES = 16 * 1024;

/** Parses a JSON body with a zod schema; every malformed input is a 4xx, never a 500. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const type = request.headers.get("content-type") ?? "";
  if (type && !type.toLowerCase().includes("application/json")) {
    throw new AppError("unsupported_media_type", "Send the request body as application/json");
  }
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("payload_too_large", `The request body must be at most ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === "") throw new AppError("invalid_request", "The request body is missing", [{ path: "", message: "expected a JSON object" }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("invalid_request", "The request body is not valid JSON", [{ path: "", message: "malformed JSON" }]);
  }
  if (containsControlText(value)) {
    throw new AppError("invalid_request", "Text in the request must not contain control characters", [{ path: "", message: "control characters are not allowed" }]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(parsed.error);
  return parsed.data;
}

/** PostgreSQL cannot store NUL in text: refuse such input as a 400 rather than fail on insert. */
function containsControlText(value: unknown): boolean {
  if (typeof value === "string") return hasControlCharacters(value);
  if (Array.isArray(value)) return value.some(containsControlText);
  if (value && typeof value === "object") return Object.entries(value).some(([k, v]) => hasControlCharacters(k) || containsControlText(v));
  return false;
}

/** Like readJson, but an absent body means an empty object (optional fields only). */
export async function readOptionalJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const clone = request.clone();
  if ((await clone.text()).trim() === "") {
    const parsed = schema.safeParse({});
    if (!parsed.success) throw invalidRequest(parsed.error);
    return parsed.data;
  }
  return readJson(request, schema);
}
