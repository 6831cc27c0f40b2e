// The callback contract between the carrier and the shop (see README.md):
// shipment statuses, the moves between them, and the JSON each callback carries.
// Plain data and pure functions, so the app can import it as it is.

export const SHIPMENT_STATUSES = ["label_created", "in_transit", "out_for_delivery", "delivered", "exception"] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];
/** The statuses a callback reports (label_created is the answer to the registration, never a callback). */
export type CallbackStatus = Exclude<ShipmentStatus, "label_created">;

export const EXCEPTION_CODES = ["delivery_attempt_failed", "address_issue", "damaged", "weather_delay"] as const;
export type ExceptionCode = (typeof EXCEPTION_CODES)[number];

/** Where a shipment may go from each status; delivered is final. */
export const TRANSITIONS: Record<ShipmentStatus, readonly CallbackStatus[]> = {
  label_created: ["in_transit", "exception"],
  in_transit: ["out_for_delivery", "exception"],
  out_for_delivery: ["delivered", "exception"],
  exception: ["in_transit", "out_for_delivery"],
  delivered: [],
};

/** The step an "advance" without a status takes (null: nothing left). */
export function nextStatus(status: ShipmentStatus): CallbackStatus | null {
  return TRANSITIONS[status][0] ?? null;
}

export function canMove(from: ShipmentStatus, to: ShipmentStatus): to is CallbackStatus {
  return (TRANSITIONS[from] as readonly string[]).includes(to);
}

export type ShipmentException = { code: ExceptionCode; message: string };

/** One callback's JSON body. */
export type CarrierCallback = {
  /** Unique per status change; a retry or redelivery resends the same id (deduplicate on it). */
  id: string;
  object: "carrier_event";
  type: "shipment.status_changed";
  /** 1, 2, 3… per shipment, in the order the changes happened: ignore one lower than what you have. */
  sequence: number;
  tracking_number: string;
  order_reference: string;
  carrier: string;
  status: CallbackStatus;
  previous_status: ShipmentStatus;
  /** When the carrier saw the change (ISO 8601, UTC). */
  occurred_at: string;
  /** The expected delivery date (YYYY-MM-DD); null once delivered. */
  estimated_delivery: string | null;
  /** Set when status is "exception", else null. */
  exception: ShipmentException | null;
};
