import type { EmulatorContext } from "../context";
import { newId } from "../ids";
import { unix } from "../objects/common";
import { newEvent, noRequest, type RequestInfo } from "../objects/event";
import type { EventRecord } from "../store";

/** Records an event (always, like Stripe's event log) and hands it to webhook delivery. */
export function emitEvent(
  ctx: EmulatorContext,
  type: string,
  object: object,
  request: RequestInfo = noRequest,
  previousAttributes?: Record<string, unknown>,
): EventRecord {
  const event = newEvent({
    id: newId("evt"),
    type,
    created: unix(ctx.now()),
    object,
    previousAttributes,
    pendingWebhooks: ctx.webhooks.wouldDeliver(type) ? 1 : 0,
    request,
  });
  const record: EventRecord = { event, body: JSON.stringify(event), delivery: "pending", attempts: [] };
  ctx.state.events.set(event.id, record);
  ctx.webhooks.enqueue(record);
  return record;
}

/** Stripe's metadata update: keys are merged, and a key set to "" is removed. */
export function mergeMetadata(
  current: Record<string, string>,
  update: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (update === undefined) return undefined;
  const merged = { ...current, ...update };
  for (const [key, value] of Object.entries(update)) if (value === "") delete merged[key];
  return merged;
}

/**
 * Applies an update's changed fields to a stored object and, when anything
 * changed, emits `type` with Stripe's previous_attributes.
 */
export function applyUpdate<T extends object>(
  ctx: EmulatorContext,
  object: T,
  changes: Partial<T>,
  type: string,
  request: RequestInfo = noRequest,
): T {
  const target = object as Record<string, unknown>;
  const previous: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || JSON.stringify(target[key]) === JSON.stringify(value)) continue;
    previous[key] = target[key];
    target[key] = value;
  }
  if (Object.keys(previous).length > 0) emitEvent(ctx, type, object, request, previous);
  return object;
}
