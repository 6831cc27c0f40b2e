import { z } from "zod";
import { CARRIER_SIGNATURE_HEADER, verifyCarrierSignature } from "@/carrier-simulator/signature";
import { SHIPMENT_STATUSES } from "@/carrier-simulator/contract";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/observability/log";
import { dispatchIfOrderExists } from "@/lib/orders/dispatch";
import type { DispatchResult } from "@/lib/orders/types";

// The parcel carrier (carrier-simulator/ locally; docs/GATEWAYS.md, "Carrier"):
// the fulfilment job registers each shipment with it, and it reports the
// parcel's progress to POST /api/webhooks/carrier, signed with CARRIER_SECRET.
// Each report becomes one machine event through dispatch.

export { CARRIER_SIGNATURE_HEADER };

/** Carrier callbacks are well under 1 kB; anything past this is refused unread. */
export { MAX_CARRIER_CALLBACK_BYTES as MAX_CARRIER_BODY_BYTES } from "@/lib/http/body";

export function carrierConfigured(): boolean {
  return !!env().CARRIER_API_KEY;
}

const shipmentSchema = z.object({
  tracking_number: z.string().regex(/^[A-Z0-9]{4,40}$/),
  estimated_delivery: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
});

/**
 * Registers the order's shipment with the carrier: its tracking number and
 * delivery estimate. The order id is the reference, so a retried job gets
 * the same shipment back. Throws when the carrier cannot be reached (the job retries).
 */
export async function registerShipment(
  orderId: string,
  service: "standard" | "express",
): Promise<{ trackingNumber: string; estimatedDelivery: string | null }> {
  const e = env();
  const response = await fetch(`${e.CARRIER_API_BASE.replace(/\/$/, "")}/shipments`, {
    method: "POST",
    headers: { authorization: `Bearer ${e.CARRIER_API_KEY ?? ""}`, "content-type": "application/json" },
    body: JSON.stringify({ order_reference: orderId, service }),
    signal: AbortSignal.timeout(e.CARRIER_TIMEOUT_MS),
  });
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`carrier refused the shipment for order ${orderId}: HTTP ${response.status}`);
  }
  const shipment = shipmentSchema.parse(await response.json());
  return { trackingNumber: shipment.tracking_number, estimatedDelivery: shipment.estimated_delivery };
}

// The callback's JSON (carrier-simulator/contract.ts), checked after the signature.
const callbackSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_]{1,64}$/),
  object: z.literal("carrier_event"),
  type: z.literal("shipment.status_changed"),
  sequence: z.number().int().min(1).max(1_000_000),
  tracking_number: z.string().regex(/^[A-Z0-9]{4,40}$/),
  order_reference: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/),
  carrier: z.string().max(100),
  status: z.enum(["in_transit", "out_for_delivery", "delivered", "exception"]),
  previous_status: z.enum(SHIPMENT_STATUSES),
  occurred_at: z.iso.datetime({ offset: true }),
  estimated_delivery: z.string().max(10).nullable(),
  exception: z.object({ code: z.string().max(50), message: z.string().max(500) }).nullable(),
});
export type CarrierCallbackBody = z.infer<typeof callbackSchema>;

/** The signature first (on the raw bytes), then the JSON: a 400 for anything else. */
export function verifyCarrierCallback(
  body: string,
  header: string | null,
  nowSeconds = Math.floor(Date.now() / 1000),
): CarrierCallbackBody {
  const secret = env().CARRIER_SECRET;
  if (!secret) throw new AppError("forbidden", "Carrier callbacks are not configured (CARRIER_SECRET)");
  const check = verifyCarrierSignature({ body, header, secret, nowSeconds });
  if (!check.ok) throw new AppError("invalid_request", `Carrier signature refused: ${check.reason}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AppError("invalid_request", "The callback body is not JSON");
  }
  const result = callbackSchema.safeParse(parsed);
  if (!result.success) throw new AppError("invalid_request", "The callback is not a carrier event");
  return result.data;
}

export type CallbackOutcome = "accepted" | "duplicate" | "unknown_shipment" | "not_yet";

/**
 * One verified callback as one machine event: TRACKING_UPDATED, or DELIVER.
 * A repeat or a late retry of an older report is a duplicate (2xx, nothing
 * changes); a report for an order the store does not know, or for a
 * tracking number it did not ship under, is answered 2xx and logged, as
 * resending it would never help; one for an order not shipped yet (the
 * report outran our own commit) is "not_yet", which the route answers 409 so
 * the carrier retries it.
 */
export async function handleCarrierCallback(callback: CarrierCallbackBody): Promise<CallbackOutcome> {
  const common = { trackingNumber: callback.tracking_number, sequence: callback.sequence, eventId: callback.id };
  const result: DispatchResult | undefined =
    callback.status === "delivered"
      ? await dispatchIfOrderExists(
          callback.order_reference,
          { type: "DELIVER", by: "carrier", ...common, occurredAt: callback.occurred_at },
          "carrier",
        )
      : await dispatchIfOrderExists(
          callback.order_reference,
          { type: "TRACKING_UPDATED", status: callback.status, ...common, occurredAt: callback.occurred_at },
          "carrier",
        );
  if (!result) {
    logger().warn({ eventId: callback.id, tracking: callback.tracking_number }, "carrier callback for an unknown order");
    return "unknown_shipment";
  }
  if (result.outcome === "accepted" || result.outcome === "duplicate") return result.outcome;
  if (result.status === "paid") return "not_yet";
  logger().warn(
    { eventId: callback.id, orderId: result.orderId, status: result.status, tracking: callback.tracking_number },
    "carrier callback the order cannot take",
  );
  return "unknown_shipment";
}
