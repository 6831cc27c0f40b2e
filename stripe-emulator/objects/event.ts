import { API_VERSION } from "./common";

// The event envelope of Stripe's example: data.object is a snapshot of the
// object at the moment of the change, never a live reference.

export type RequestInfo = { id: string | null; idempotency_key: string | null };

/** Events caused by the customer or by time rather than by an API call. */
export const noRequest: RequestInfo = { id: null, idempotency_key: null };

export type StripeEvent = {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: RequestInfo;
  type: string;
};

export function newEvent(e: {
  id: string;
  type: string;
  created: number;
  object: object;
  previousAttributes?: Record<string, unknown>;
  pendingWebhooks: number;
  request: RequestInfo;
}): StripeEvent {
  const data: StripeEvent["data"] = { object: structuredClone(e.object) as Record<string, unknown> };
  if (e.previousAttributes) data.previous_attributes = structuredClone(e.previousAttributes);
  return {
    id: e.id,
    object: "event",
    api_version: API_VERSION,
    created: e.created,
    data,
    livemode: false,
    pending_webhooks: e.pendingWebhooks,
    request: { ...e.request },
    type: e.type,
  };
}
