import type { EmulatorContext } from "../context";
import { ApiError } from "../errors";
import type { FormObject } from "../form-params";
import type { StoredResponse } from "../store";

// Stripe's Idempotency-Key: a POST's 2xx result is kept for 24 hours and
// replayed for the same key and params. Validation errors are not kept (Stripe
// only saves results once the endpoint started executing), so a corrected
// retry with the same key works.

const TTL_MS = 24 * 3_600_000;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function fingerprint(method: string, path: string, params: FormObject): string {
  return JSON.stringify([method, path, canonical(params)]);
}

/** The stored response for this key, or an idempotency_error when the request differs. */
export function lookup(ctx: EmulatorContext, key: string, print: string): StoredResponse | null {
  const stored = ctx.state.idempotency.get(key);
  if (!stored) return null;
  if (ctx.now() - stored.storedAt > TTL_MS) {
    ctx.state.idempotency.delete(key);
    return null;
  }
  if (stored.fingerprint !== print) {
    throw new ApiError(400, {
      type: "idempotency_error",
      message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    });
  }
  return stored;
}

export function remember(ctx: EmulatorContext, key: string, response: Omit<StoredResponse, "storedAt">): void {
  ctx.state.idempotency.set(key, { ...response, storedAt: ctx.now() });
}
