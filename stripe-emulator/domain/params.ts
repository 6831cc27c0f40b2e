import { z } from "zod";
import { ApiError, invalidRequest, missingParam } from "../errors";
import { paramName, type FormObject } from "../form-params";

// Shared zod pieces for form-encoded Stripe params (every leaf is a string)
// and the translation of zod issues into Stripe's 400 errors with `param`.

/** A whole number sent as a string, the way Stripe reads `quantity=2`. */
export function integer(min = 0) {
  return z.string().transform((value, ctx) => {
    if (!/^-?\d+$/.test(value)) {
      ctx.addIssue({ code: "custom", message: `Invalid integer: ${value}` });
      return z.NEVER;
    }
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) {
      ctx.addIssue({ code: "custom", message: `This value must be greater than or equal to ${min}.` });
      return z.NEVER;
    }
    return n;
  });
}

/** `true`/`false` as the SDK encodes booleans. */
export const booleanParam = z.string().transform((value, ctx) => {
  if (value === "true") return true;
  if (value === "false") return false;
  ctx.addIssue({ code: "custom", message: `Invalid boolean: ${value}` });
  return z.NEVER;
});

/** A decimal number sent as a string (`percent_off=25.5`). */
export function decimal(min: number, max: number) {
  return z.string().transform((value, ctx) => {
    const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: "custom", message: `Invalid decimal: ${value}` });
      return z.NEVER;
    }
    if (n < min || n > max) {
      ctx.addIssue({ code: "custom", message: `This value must be between ${min} and ${max}.` });
      return z.NEVER;
    }
    return n;
  });
}

export const currencySchema = z
  .string()
  .regex(/^[a-zA-Z]{3}$/, "Invalid currency")
  .transform((c) => c.toLowerCase());

export const metadataSchema = z
  .record(
    z.string().max(40, "Metadata keys can have up to 40 characters."),
    z.string().max(500, "Metadata values can have up to 500 characters."),
  )
  .refine((m) => Object.keys(m).length <= 50, "Metadata can have up to 50 keys.");

export const urlSchema = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === "http:" || protocol === "https:";
}, "Not a valid URL");

export const emailSchema = z
  .string()
  .refine((v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), { error: (issue) => `Invalid email address: ${String(issue.input)}` });

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function toApiError(issue: z.core.$ZodIssue, input: unknown): ApiError {
  const param = paramName(issue.path);
  if ((issue.code === "invalid_type" || issue.code === "invalid_value") && valueAt(input, issue.path) === undefined)
    return missingParam(param);
  switch (issue.code) {
    case "unrecognized_keys": {
      const name = paramName([...issue.path, issue.keys[0] ?? ""]);
      return invalidRequest(`Received unknown parameter: ${name}`, { param: name, code: "parameter_unknown" });
    }
    case "invalid_type":
      if (issue.expected === "object" || issue.expected === "record")
        return invalidRequest(`Invalid object`, { param, code: "parameter_invalid_empty" });
      if (issue.expected === "array") return invalidRequest(`Invalid array`, { param, code: "parameter_invalid_empty" });
      return invalidRequest(`Invalid string: ${JSON.stringify(valueAt(input, issue.path))}`, { param });
    case "invalid_value":
      return invalidRequest(`Invalid ${param}: must be one of ${issue.values.map(String).join(", ")}`, { param });
    case "invalid_key":
      return invalidRequest(issue.issues[0]?.message ?? "Invalid key", { param });
    default:
      return invalidRequest(issue.message, { param });
  }
}

/** Parses params or throws the Stripe error for the first problem (Stripe reports one at a time). */
export function parseParams<T extends z.ZodType>(schema: T, params: FormObject): z.output<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  // Unknown params first: a typo'd name also shows up as a missing required one.
  const first = result.error.issues.find((i) => i.code === "unrecognized_keys") ?? result.error.issues[0];
  throw first ? toApiError(first, params) : invalidRequest("Invalid request");
}
