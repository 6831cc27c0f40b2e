import type { DomainEventType } from "@/machines/order-types";

/**
 * The order event types an endpoint may subscribe to: every type of the order
 * event log (order_events.type). The compiler fails when the machine gains a
 * type that is missing here. `*` subscribes to all of them.
 */
export const hookEventTypes = [
  "OrderCreated",
  "PaymentStarted",
  "OrderPaid",
  "UnrecordedPaymentReceived",
  "PaymentFailed",
  "PaymentCancelled",
  "PaymentTimedOut",
  "OrderCancelled",
  "RefundRequested",
  "PaymentRefunded",
  "RefundFailed",
  "OrderFulfilled",
  "OrderClaimed",
  "ShipmentProgressed",
  "OrderDelivered",
  "ReturnRequested",
  "ReturnReceived",
  "ReturnRejected",
  "ReturnExpired",
  "PaymentDisputed",
  "DisputeUpdated",
  "DisputeWon",
  "DisputeLost",
  "FulfilmentFailed",
  "OrderPaused",
  "OrderResumed",
  "PaymentDelayed",
  "PaymentResumable",
  "OrderClosed",
] as const satisfies readonly DomainEventType[];

export const ALL_EVENTS = "*";

type Missing = Exclude<DomainEventType, (typeof hookEventTypes)[number]>;
// A type error here names a domain event type hooks do not offer yet: add it above.
export const everyEventTypeOffered: [Missing] extends [never] ? true : Missing = true;
