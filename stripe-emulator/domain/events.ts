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
