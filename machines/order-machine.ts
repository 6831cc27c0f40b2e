import { and, assertEvent, assign, enqueueActions, setup } from "xstate";
import {
  lostInDisputes,
  openDisputeOn,
  pricedRefundLines,
  partialRefundProblem,
  pricedItems,
  refundedQuantities,
  unwonDisputeOn,
  refundableCents,
  refundedCents,
  refundRoom,
  restockableLines,
  unrestockedItems,
  withRestocked,
} from "./line-amounts";
import { plainSale, saleProblem } from "./order-sale";
import {
  chargedBack,
  disputeAfter,
  disputeBlocksRefund,
  disputeOf,
  heldByDispute,
  openPaymentIds,
  returnableUnits,
  returnOf,
  withReturn,
  paymentOf,
  pendingRefunds,
  refundOf,
  refundSettledBy,
  refundToRetry,
  refundToStart,
  sameDisputeFacts,
  withPayment,
  withRefund,
} from "./order-context";
import {
  initialContext,
  REFUND_REFUSED_FOR_GOOD,
  type DisputeState,
  type DomainEventType,
  type EmailTemplate,
  type LineItem,
  type OrderContext,
  type OrderEvent,
  type PauseState,
  type PaymentStatus,
  type RefundReason,
  type RefundState,
  type RefundStatus,
  type ReturnStatus,
  type Sale,
} from "./order-types";

// The order machine (docs/DESIGN.md, "The order machine"). Pure: effects are named
// actions with params that lib/orders/ interprets, inside the dispatch
// transaction (stock, payments, events) or as durable jobs (gateway, e-mail,
// timers). Bump MACHINE_VERSION when a stored snapshot would no longer load,
// and add a step to snapshotUpgrades in order-snapshot.ts.
export const MACHINE_VERSION = 5;

const DAY_MS = 86_400_000;

const lastTrackingSequence = (context: OrderContext) => Math.max(0, ...context.tracking.map((t) => t.sequence));

/**
 * The machine's effects and the params each takes: the contract with the
 * engine (lib/orders/effects.ts implements every one; the compiler checks
 * that none is missing). Local effects run in the dispatch transaction;
 * external ones become durable jobs enqueued in it.
 */
export type OrderEffectParams = {
  // Local effects: run in the dispatch transaction.
  reserveStock: { items: LineItem[] };
  releaseStock: { items: LineItem[] };
  commitStock: { items: LineItem[] };
  returnStock: { items: LineItem[] };
  // A new attempt is pending on the session START_PAYMENT brought; an unrecorded one arrives paid, with its own session.
  createPayment: {
    paymentId: string;
    amountCents: number;
    currency: string;
    status?: PaymentStatus;
    sessionId?: string;
    paymentIntentId?: string;
  };
  // amountCents: what a payment that completed took (a session's total moves with shipping, tax and discounts).
  setPaymentStatus: { paymentIds: string[]; status: PaymentStatus; reason?: string; paymentIntentId?: string; amountCents?: number };
  // The paid sale onto the order: address, shipping, tax and discount per order and per line, the total.
  recordSale: { sale: Sale; bookIds: number[] };
  /** outside: owed outside the gateway (no refund job; an operator pays it and records it). */
  createRefund: { refundId: string; paymentId: string; amountCents: number; currency: string; reason: RefundReason; outside?: boolean };
  /** reference: how an operator paid a refund owed outside the gateway (REFUND_PAID_OUTSIDE). */
  setRefundStatus: { refundId: string; status: RefundStatus; reason?: string; reference?: string; amountCents?: number };
  /** partlyOrdered: books a partial order cut short; their cart lines only lose the copies ordered. */
  clearCart: { partlyOrdered?: number[] };
  // A guest's order becomes the account's (orders.user_id), once the account proved the address.
  claimOrder: { userId: string };
  recordShipment: { trackingNumber: string; estimatedDelivery: string };
  recordDelivery: { deliveredAt: number };
  // A shopper's return (order_returns): requested, then its status and what was restocked and refunded.
  createReturn: { returnId: string; lines: LineItem[]; reason: string; expiresAt: number };
  setReturnStatus: {
    returnId: string;
    status: ReturnStatus;
    restocked?: LineItem[];
    refundId?: string | null;
    refundCents?: number;
    note?: string;
  };
  flagForOperator: { reason: string };
  /** The operator did what the flag asked (the refunds owed outside the gateway are paid): lowered if it is still that flag. */
  clearOperatorFlag: { reasonContains: string };
  // A dispute as it now stands (opened, changed or decided), stored for the console and the sales report.
  recordDispute: { dispute: DisputeState; currency: string };
  recordEvent: { type: DomainEventType; payload?: Record<string, unknown> };
  // Automation paused (who, why, since) or running again (null): orders.paused_*, for the console.
  recordPause: { paused: PauseState | null };
  // The automatic fulfilment gave up: the order joins the "ship by hand" queue (orders.ship_by_hand_*).
  recordShipByHand: { reason: string };
  // External effects: durable jobs enqueued in the same transaction.
  createCheckoutSession: { paymentId: string };
  expireCheckoutSessions: { paymentIds: string[] };
  // attempt > 0: a retry after the gateway refused, run later with backoff.
  refundPayment: { refundId: string; attempt?: number };
  scheduleTimeout: { runAt: number };
  cancelTimeout: Record<string, never>;
  // While the payment is delayed, a job asks the gateway with backoff whether it answers again (GATEWAY_BACK).
  scheduleGatewayProbe: Record<string, never>;
  cancelGatewayProbe: Record<string, never>;
  // A requested return expires at runAt unless received or rejected first.
  scheduleReturnExpiry: { returnId: string; runAt: number };
  cancelReturnExpiry: { returnId: string };
  sendEmail: { template: EmailTemplate; data?: Record<string, unknown> };
  startFulfilment: Record<string, never>;
  // Shipped by hand, refunded or short before the warehouse job ran: it is not needed.
  cancelFulfilment: Record<string, never>;
};
export type OrderEffect = keyof OrderEffectParams;

// Declares an effect with its params; the engine implements it.
const effect =
  <K extends OrderEffect>() =>
  (_: unknown, _params: OrderEffectParams[K]) => {};

const effects = {
  reserveStock: effect<"reserveStock">(),
  releaseStock: effect<"releaseStock">(),
  commitStock: effect<"commitStock">(),
  returnStock: effect<"returnStock">(),
  createPayment: effect<"createPayment">(),
  setPaymentStatus: effect<"setPaymentStatus">(),
  recordSale: effect<"recordSale">(),
  createRefund: effect<"createRefund">(),
  setRefundStatus: effect<"setRefundStatus">(),
  clearCart: effect<"clearCart">(),
  claimOrder: effect<"claimOrder">(),
  recordShipment: effect<"recordShipment">(),
  recordDelivery: effect<"recordDelivery">(),
  createReturn: effect<"createReturn">(),
  setReturnStatus: effect<"setReturnStatus">(),
  scheduleReturnExpiry: effect<"scheduleReturnExpiry">(),
  cancelReturnExpiry: effect<"cancelReturnExpiry">(),
  flagForOperator: effect<"flagForOperator">(),
  clearOperatorFlag: effect<"clearOperatorFlag">(),
  recordDispute: effect<"recordDispute">(),
  recordEvent: effect<"recordEvent">(),
  recordPause: effect<"recordPause">(),
  recordShipByHand: effect<"recordShipByHand">(),
  createCheckoutSession: effect<"createCheckoutSession">(),
  expireCheckoutSessions: effect<"expireCheckoutSessions">(),
  refundPayment: effect<"refundPayment">(),
  scheduleTimeout: effect<"scheduleTimeout">(),
  cancelTimeout: effect<"cancelTimeout">(),
  scheduleGatewayProbe: effect<"scheduleGatewayProbe">(),
  cancelGatewayProbe: effect<"cancelGatewayProbe">(),
  sendEmail: effect<"sendEmail">(),
  startFulfilment: effect<"startFulfilment">(),
  cancelFulfilment: effect<"cancelFulfilment">(),
} satisfies { [K in OrderEffect]: (_: unknown, params: OrderEffectParams[K]) => void };

const machineSetup = setup({
  types: { context: {} as OrderContext, events: {} as OrderEvent },
  actions: {
    ...effects,

    // Composite steps shared by several transitions.
    // Starts giving money back; what and why follow from the event that asked
    // (refundToStart), or, for an operator's retry after automation gave up,
    // a failed refund with money left again under a new id (refundToRetry).
    startRefund: enqueueActions(({ context, event, enqueue }, params: unknown) => {
      const {
        retry = false,
        reason,
        amountCents,
      } = (params as { retry?: boolean; reason?: RefundReason; amountCents?: number } | undefined) ?? {};
      const started = retry ? refundToRetry(context, event) : refundToStart(context, event);
      if (!started) return;
      if ((amountCents ?? started.amountCents) <= 0) {
        // The money took nothing (a session a 100 % code made free): nothing to give back, no refund to
        // send (the gateway has no payment to refund); the payment is void.
        enqueue({ type: "setPaymentStatus", params: { paymentIds: [started.paymentId], status: "cancelled" } });
        enqueue({
          type: "recordEvent",
          params: { type: "PaymentCancelled", payload: { paymentId: started.paymentId, reason: "nothing_taken" } },
        });
        enqueue.assign(withPayment(context, started.paymentId, { status: "cancelled" }));
        return;
      }
      const owed = owedOutside(context, started.paymentId, event);
      const outside = owed !== null;
      const refund: RefundState = {
        ...started,
        ...(reason ? { reason } : {}),
        ...(amountCents !== undefined ? { amountCents } : {}),
        ...(outside ? { outside: true as const } : {}),
      };
      enqueue({
        type: "createRefund",
        params: {
          refundId: refund.id,
          paymentId: refund.paymentId,
          amountCents: refund.amountCents,
          currency: context.currency,
          reason: refund.reason,
          ...(outside ? { outside: true } : {}),
        },
      });
      if (owed) enqueue({ type: "flagForOperator", params: { reason: owedOutsideAlert(refund.amountCents, owed) } });
      else enqueue({ type: "refundPayment", params: { refundId: refund.id } });
      enqueue({
        type: "recordEvent",
        params: {
          type: "RefundRequested",
          payload: {
            refundId: refund.id,
            paymentId: refund.paymentId,
            amountCents: refund.amountCents,
            reason: refund.reason,
            ...(refund.partial ? { partial: refund.partial } : {}),
            ...(outside ? { outside: true } : {}),
          },
        },
      });
      enqueue({
        type: "sendEmail",
        params: {
          template: "refund_started",
          data: {
            reason: refund.reason,
            ...(refund.partial ? { amountCents: refund.amountCents, partial: true } : {}),
            ...(outside ? { amountCents: refund.amountCents, outside: true } : {}),
          },
        },
      });
      enqueue.assign({
        refunds: [...context.refunds, refund],
        refundFailures: event.type === "REQUEST_REFUND" || event.type === "REQUEST_PARTIAL_REFUND" ? 0 : context.refundFailures,
      });
    }),
    settleRefund: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, ["REFUND_SUCCEEDED", "REFUND_PAID_OUTSIDE"]);
      const refund = refundOf(context, event.refundId);
      if (!refund) return;
      const reference = event.type === "REFUND_PAID_OUTSIDE" ? event.reference : undefined;
      // Paid outside the gateway: never more than is left of the payment (a dispute lost meanwhile took some).
      const amountCents = reference ? outsideSettlement(context, refund) : refund.amountCents;
      const cut = amountCents < refund.amountCents ? { amountCents } : {};
      enqueue({
        type: "setRefundStatus",
        params: { refundId: refund.id, status: "succeeded", ...(reference ? { reference } : {}), ...cut },
      });
      // The last refund owed outside the gateway is paid: the flag that asked for it is lowered, unless
      // money is still to go back elsewhere (a failed refund with money left on its payment).
      const settled = {
        ...context,
        refunds: context.refunds.map((r) => (r.id === refund.id ? { ...r, status: "succeeded" as const } : r)),
      };
      const unresolved = settled.refunds.some((r) => r.status === "failed" && refundableCents(settled, r.paymentId) > 0);
      if (reference && !unresolved && !pendingRefunds(context).some((r) => r.outside && r.id !== refund.id)) {
        enqueue({ type: "clearOperatorFlag", params: { reasonContains: OWED_OUTSIDE } });
      }
      // A payment is refunded once all of it came back; a partial refund leaves it paid.
      const payment = paymentOf(context, refund.paymentId);
      // (money a lost dispute took counts as gone: nothing of it is left to refund)
      const allBack =
        !!payment && refundedCents(context, payment.id) + amountCents + lostInDisputes(context, payment.id) >= payment.amountCents;
      if (allBack) enqueue({ type: "setPaymentStatus", params: { paymentIds: [refund.paymentId], status: "refunded" } });
      enqueue({
        type: "recordEvent",
        params: {
          type: "PaymentRefunded",
          payload: {
            refundId: refund.id,
            paymentId: refund.paymentId,
            amountCents,
            ...(event.type === "REFUND_PAID_OUTSIDE" ? { paidOutside: event.reference, recordedBy: event.adminId } : {}),
          },
        },
      });
      if (refund.reason === "returned") {
        enqueue({
          type: "sendEmail",
          params: { template: "return_refunded", data: { amountCents, ...(reference ? { outside: true } : {}) } },
        });
      }
      enqueue.assign({
        ...withRefund(context, refund.id, { status: "succeeded", ...cut }),
        ...(allBack ? withPayment(context, refund.paymentId, { status: "refunded" }) : {}),
        refundFailures: 0,
      });
    }),
    // A refund the gateway refused: try again with a new refund id, or hand it to an operator.
    failRefund: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "REFUND_FAILED");
      const refund = refundOf(context, event.refundId);
      if (!refund) return;
      enqueue({ type: "setRefundStatus", params: { refundId: refund.id, status: "failed", reason: event.reason } });
      enqueue({
        type: "recordEvent",
        params: { type: "RefundFailed", payload: { refundId: refund.id, reason: event.reason, attempt: context.refundFailures + 1 } },
      });
      const refunds = withRefund(context, refund.id, { status: "failed" }).refunds;
      // Tried again only when it could succeed: not when the gateway refused it for good, not while a
      // dispute of its payment is open or lost (the gateway refuses it; a retry made while the dispute
      // was open then held money the lost dispute had taken), and for no more than is left of the payment.
      const retryCents = Math.min(refund.amountCents, refundableCents({ ...context, refunds }, refund.paymentId));
      const disputed = unwonDisputeOn(context, refund.paymentId);
      const refusedForGood = (REFUND_REFUSED_FOR_GOOD as readonly string[]).includes(event.reason);
      if (context.refundFailures + 1 < event.maxAttempts && retryCents > 0 && !disputed && !refusedForGood) {
        const retry = {
          id: event.retryRefundId,
          paymentId: refund.paymentId,
          amountCents: retryCents,
          reason: refund.reason,
          status: "pending" as const,
          ...(refund.partial ? { partial: refund.partial } : {}),
        };
        enqueue({
          type: "createRefund",
          params: {
            refundId: retry.id,
            paymentId: retry.paymentId,
            amountCents: retry.amountCents,
            currency: context.currency,
            reason: retry.reason,
          },
        });
        enqueue({ type: "refundPayment", params: { refundId: retry.id, attempt: context.refundFailures + 1 } });
        enqueue.assign({ refunds: [...refunds, retry], refundFailures: context.refundFailures + 1 });
      } else {
        enqueue({ type: "flagForOperator", params: { reason: `refund failed ${context.refundFailures + 1} times: ${event.reason}` } });
        enqueue.assign({ refunds, refundFailures: context.refundFailures + 1 });
      }
    }),
    // A refund the gateway reported succeeded, then failed (Stripe: the card was
    // closed, the bank sent the money back): the money is not back after all.
    // Its amount counts as the payment's again, the payment is paid again if it
    // was refunded, and an operator is told (retrying the same card would fail
    // the same way). Ignored until a money audit found it: the store believed
    // the shopper had been paid back.
    reverseRefund: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "REFUND_FAILED");
      const refund = refundOf(context, event.refundId);
      if (!refund) return;
      enqueue({ type: "setRefundStatus", params: { refundId: refund.id, status: "failed", reason: event.reason } });
      const payment = paymentOf(context, refund.paymentId);
      const wasRefunded = payment?.status === "refunded";
      if (wasRefunded) enqueue({ type: "setPaymentStatus", params: { paymentIds: [refund.paymentId], status: "paid" } });
      enqueue({
        type: "recordEvent",
        params: { type: "RefundFailed", payload: { refundId: refund.id, reason: event.reason, afterSucceeding: true } },
      });
      enqueue({
        type: "flagForOperator",
        params: { reason: `a refund the gateway had confirmed failed afterwards (${event.reason}): the money is not back` },
      });
      enqueue.assign({
        ...withRefund(context, refund.id, { status: "failed" }),
        ...(wasRefunded ? withPayment(context, refund.paymentId, { status: "paid" }) : {}),
      });
    }),
    // The shopper hears of a cancel by e-mail, except when their changed cart replaced the order
    // (they are placing its successor right now: lib/orders/place-order.ts).
    tellCancelled: enqueueActions(({ event, enqueue }) => {
      assertEvent(event, "CANCEL");
      if (event.reason !== "replaced") enqueue({ type: "sendEmail", params: { template: "order_cancelled" } });
    }),
    // Copies refunded before shipping go back on the shelf (those not back already).
    restockRefundedLines: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "REQUEST_PARTIAL_REFUND");
      const lines = restockableLines(context, event.lines ?? []);
      if (lines.length === 0) return;
      enqueue({ type: "returnStock", params: { items: lines } });
      enqueue.assign({ restocked: withRestocked(context, lines) });
    }),
    // Every copy not back on the shelf yet goes back (a whole refund before shipping).
    restockAll: enqueueActions(({ context, enqueue }) => {
      enqueue({ type: "returnStock", params: { items: unrestockedItems(context) } });
      enqueue.assign({ restocked: context.items.map((i) => ({ bookId: i.bookId, quantity: i.quantity })), stock: "returned" });
    }),
    // The carrier's report on the shipment, kept in order.
    recordTracking: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "TRACKING_UPDATED");
      const { status, sequence, eventId, occurredAt, trackingNumber } = event;
      enqueue({ type: "recordEvent", params: { type: "ShipmentProgressed", payload: { trackingNumber, status, sequence, occurredAt } } });
      enqueue.assign({ tracking: [...context.tracking, { status, sequence, eventId, occurredAt }] });
    }),
    deliver: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "DELIVER");
      enqueue({ type: "recordDelivery", params: { deliveredAt: event.at } });
      enqueue({
        type: "recordEvent",
        params: { type: "OrderDelivered", payload: { by: event.by, trackingNumber: context.shipment?.trackingNumber ?? null } },
      });
      enqueue({ type: "sendEmail", params: { template: "order_delivered" } });
      const reported =
        event.by === "carrier" && event.sequence !== undefined && event.eventId
          ? [
              {
                status: "delivered" as const,
                sequence: event.sequence,
                eventId: event.eventId,
                occurredAt: event.occurredAt ?? new Date(event.at).toISOString(),
              },
            ]
          : [];
      enqueue.assign({ deliveredAt: event.at, tracking: [...context.tracking, ...reported] });
    }),
    startReturn: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "REQUEST_RETURN");
      const expiresAt = event.at + event.expiryDays * DAY_MS;
      const lines = event.lines.map((l) => ({ bookId: l.bookId, quantity: l.quantity }));
      enqueue({ type: "createReturn", params: { returnId: event.returnId, lines, reason: event.reason, expiresAt } });
      enqueue({ type: "scheduleReturnExpiry", params: { returnId: event.returnId, runAt: expiresAt } });
      enqueue({
        type: "recordEvent",
        params: { type: "ReturnRequested", payload: { returnId: event.returnId, lines, reason: event.reason } },
      });
      enqueue({ type: "sendEmail", params: { template: "return_requested", data: { returnId: event.returnId, lines } } });
      enqueue.assign({
        returns: [
          ...context.returns,
          {
            id: event.returnId,
            lines,
            reason: event.reason,
            status: "requested",
            requestedAt: event.at,
            expiresAt,
            restocked: [],
            refundId: null,
            refundCents: 0,
          },
        ],
      });
    }),
    // The parcel arrived: restock what the operator chose, refund what the shopper paid for the lines.
    receiveReturn: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "RECEIVE_RETURN");
      const ret = returnOf(context, event.returnId);
      if (!ret) return;
      // The units not refunded yet (an operator may have refunded some while the parcel travelled),
      // worth what the shopper paid for them, within what is left of the payment.
      const refunded = refundedQuantities(context);
      const refundLines = ret.lines
        .map((l) => {
          const bought = context.items.find((i) => i.bookId === l.bookId)?.quantity ?? 0;
          return { bookId: l.bookId, quantity: Math.min(l.quantity, bought - (refunded.get(l.bookId) ?? 0)) };
        })
        .filter((l) => l.quantity > 0);
      const pricedLines = pricedRefundLines(context, refundLines);
      const amountCents = Math.min(
        pricedLines.reduce((sum, l) => sum + (l.cents ?? 0), 0),
        refundableCents(context, context.paidPaymentId),
      );
      const restocked = event.restock.filter((l) => l.quantity > 0).map((l) => ({ bookId: l.bookId, quantity: l.quantity }));
      const refundId = amountCents > 0 && context.paidPaymentId ? event.refundId : null;
      enqueue({
        type: "setReturnStatus",
        params: { returnId: ret.id, status: "received", restocked, refundId, refundCents: refundId ? amountCents : 0 },
      });
      enqueue({ type: "returnStock", params: { items: restocked } });
      enqueue({ type: "cancelReturnExpiry", params: { returnId: ret.id } });
      enqueue({ type: "recordEvent", params: { type: "ReturnReceived", payload: { returnId: ret.id, restocked, amountCents } } });
      const owedElsewhere = refundId && context.paidPaymentId && chargedBack(context, context.paidPaymentId) ? { outside: true } : {};
      enqueue({ type: "sendEmail", params: { template: "return_received", data: { returnId: ret.id, amountCents, ...owedElsewhere } } });
      const received = withReturn(context, ret.id, { status: "received", restocked, refundId, refundCents: refundId ? amountCents : 0 });
      if (!refundId || !context.paidPaymentId) {
        enqueue.assign(received);
        return;
      }
      const owed = owedOutside(context, context.paidPaymentId);
      const refund: RefundState = {
        id: refundId,
        paymentId: context.paidPaymentId,
        amountCents,
        reason: "returned" as const,
        status: "pending" as const,
        // The units it gives back: no other refund may give them back again.
        partial: { lines: pricedLines, shippingCents: 0, goodwillCents: 0 },
        ...(owed ? { outside: true as const } : {}),
      };
      enqueue({
        type: "createRefund",
        params: {
          refundId,
          paymentId: refund.paymentId,
          amountCents,
          currency: context.currency,
          reason: "returned",
          ...(owed ? { outside: true } : {}),
        },
      });
      if (owed) enqueue({ type: "flagForOperator", params: { reason: owedOutsideAlert(amountCents, owed) } });
      else enqueue({ type: "refundPayment", params: { refundId } });
      enqueue({
        type: "recordEvent",
        params: {
          type: "RefundRequested",
          payload: { refundId, paymentId: refund.paymentId, amountCents, reason: "returned", ...(owed ? { outside: true } : {}) },
        },
      });
      enqueue.assign({ ...received, refunds: [...context.refunds, refund], refundFailures: 0 });
    }),
    rejectReturn: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "REJECT_RETURN");
      enqueue({ type: "setReturnStatus", params: { returnId: event.returnId, status: "rejected", note: event.note } });
      enqueue({ type: "cancelReturnExpiry", params: { returnId: event.returnId } });
      enqueue({ type: "recordEvent", params: { type: "ReturnRejected", payload: { returnId: event.returnId, note: event.note } } });
      enqueue({ type: "sendEmail", params: { template: "return_rejected", data: { returnId: event.returnId, note: event.note } } });
      enqueue.assign(withReturn(context, event.returnId, { status: "rejected" }));
    }),
    expireReturn: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "RETURN_EXPIRED");
      enqueue({ type: "setReturnStatus", params: { returnId: event.returnId, status: "expired" } });
      enqueue({ type: "recordEvent", params: { type: "ReturnExpired", payload: { returnId: event.returnId } } });
      enqueue({ type: "sendEmail", params: { template: "return_expired", data: { returnId: event.returnId } } });
      enqueue.assign(withReturn(context, event.returnId, { status: "expired" }));
    }),
    // A dispute's news, in any order (closed before created, updated before
    // either): the order keeps its state; the dispute holds fulfilment while
    // open or lost, and a won one lets it go on (startFulfilment again).
    noteDispute: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, ["DISPUTE_OPENED", "DISPUTE_UPDATED", "DISPUTE_CLOSED"]);
      const known = disputeOf(context, event.disputeId);
      const dispute = disputeAfter(event);
      const disputes = known ? context.disputes.map((d) => (d.id === dispute.id ? dispute : d)) : [...context.disputes, dispute];
      enqueue({ type: "recordDispute", params: { dispute, currency: context.currency } });
      const type: DomainEventType =
        dispute.outcome === "won"
          ? "DisputeWon"
          : dispute.outcome === "lost"
            ? "DisputeLost"
            : known
              ? "DisputeUpdated"
              : "PaymentDisputed";
      enqueue({
        type: "recordEvent",
        params: {
          type,
          payload: {
            disputeId: dispute.id,
            paymentId: dispute.paymentId,
            amountCents: dispute.amountCents,
            reason: dispute.reason,
            status: dispute.status,
            evidenceDueBy: dispute.evidenceDueBy === null ? null : new Date(dispute.evidenceDueBy).toISOString(),
          },
        },
      });
      // Money paid back outside the gateway is money the gateway does not know of: it never caps a
      // dispute by it. An operator hears of it (evidence to submit; an owed one waits for the decision).
      const outside = context.refunds.filter(
        (r) => r.outside && r.paymentId === dispute.paymentId && (r.status === "pending" || r.status === "succeeded"),
      );
      const news = !known || known.outcome !== dispute.outcome;
      if (outside.length > 0 && news && dispute.outcome !== "won") {
        const paid = outside.filter((r) => r.status === "succeeded").reduce((sum, r) => sum + r.amountCents, 0);
        const owed = outside.filter((r) => r.status === "pending").reduce((sum, r) => sum + r.amountCents, 0);
        enqueue({
          type: "flagForOperator",
          params: {
            reason:
              dispute.outcome === "open"
                ? `a dispute of a payment with ${paid} cents paid back, and ${owed} still to pay, outside the gateway: submit that repayment as evidence; what is still to pay waits for the decision`
                : `a dispute lost on a payment with ${paid} cents paid back, and ${owed} still to pay, outside the gateway: the shopper may have that money twice; pay only up to what is left`,
          },
        });
      }
      // Paid and not yet shipped: the warehouse job stops while held, and is queued again when the hold lifts.
      if (context.stock === "sold") {
        const wasHeld = heldByDispute(context);
        const isHeld = heldByDispute({ disputes, paidPaymentId: context.paidPaymentId });
        if (!wasHeld && isHeld) enqueue({ type: "cancelFulfilment", params: {} });
        if (wasHeld && !isHeld) enqueue({ type: "startFulfilment", params: {} });
      }
      enqueue.assign({ disputes });
    }),
    // Automation stops: timers and jobs that run find the order paused and leave it (lib/worker/define-task.ts);
    // the machine refuses their events (TIMEOUT, FULFIL, RETURN_EXPIRED) until RESUME.
    pause: enqueueActions(({ event, enqueue }) => {
      assertEvent(event, "PAUSE");
      const paused = { by: event.by, reason: event.reason, at: event.at };
      enqueue({ type: "recordPause", params: { paused } });
      enqueue({ type: "recordEvent", params: { type: "OrderPaused", payload: { by: event.by, reason: event.reason } } });
      enqueue.assign({ paused });
    }),
    // Automation starts again and replays what is due: the payment timer (at once when the deadline
    // passed meanwhile), the warehouse job, the pending refunds and the return expiries.
    resume: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "RESUME");
      enqueue({ type: "recordPause", params: { paused: null } });
      enqueue({
        type: "recordEvent",
        params: { type: "OrderResumed", payload: { by: event.by, pausedSince: context.paused?.at ?? null } },
      });
      if (context.stock === "reserved") enqueue({ type: "scheduleTimeout", params: { runAt: context.paymentDeadline } });
      if (context.paymentDelay) enqueue({ type: "scheduleGatewayProbe", params: {} });
      if (context.stock === "sold" && !heldByDispute(context) && !context.shipByHand) enqueue({ type: "startFulfilment", params: {} });
      // (not those owed outside the gateway: an operator pays them)
      for (const refund of pendingRefunds(context).filter((r) => !r.outside)) {
        enqueue({ type: "refundPayment", params: { refundId: refund.id } });
      }
      for (const ret of context.returns.filter((r) => r.status === "requested")) {
        enqueue({ type: "scheduleReturnExpiry", params: { returnId: ret.id, runAt: ret.expiresAt } });
      }
      enqueue.assign({ paused: null });
    }),
    delayPayment: enqueueActions(({ event, enqueue }) => {
      assertEvent(event, "PAYMENT_DELAYED");
      enqueue({ type: "scheduleGatewayProbe", params: {} });
      enqueue({ type: "recordEvent", params: { type: "PaymentDelayed", payload: { reason: event.reason } } });
      enqueue.assign({ paymentDelay: { reason: event.reason, since: event.at } });
    }),
    cancelPayment: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "PAYMENT_CANCELLED");
      enqueue({ type: "setPaymentStatus", params: { paymentIds: [event.paymentId], status: "cancelled" } });
      // Coming back from the payment page does not close the session; we do.
      enqueue({ type: "expireCheckoutSessions", params: { paymentIds: [event.paymentId] } });
      enqueue({ type: "recordEvent", params: { type: "PaymentCancelled", payload: { paymentId: event.paymentId } } });
      enqueue.assign(withPayment(context, event.paymentId, { status: "cancelled" }));
    }),
    // Money arrived that the order cannot use (late, or a second session): record it as taken.
    recordUnusablePayment: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "PAYMENT_SUCCEEDED");
      enqueue({
        type: "setPaymentStatus",
        params: { paymentIds: [event.paymentId], status: "paid", paymentIntentId: event.paymentIntentId, amountCents: event.amountCents },
      });
      enqueue.assign(withPayment(context, event.paymentId, { status: "paid", amountCents: event.amountCents }));
    }),
    // Money for a session the store never recorded (e.g. opened for a START_PAYMENT that was then refused).
    recordUnrecordedPayment: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, "UNRECORDED_PAYMENT");
      const { paymentId, sessionId, amountCents, currency, paymentIntentId } = event;
      enqueue({ type: "createPayment", params: { paymentId, amountCents, currency, status: "paid", sessionId, paymentIntentId } });
      enqueue({
        type: "recordEvent",
        params: { type: "UnrecordedPaymentReceived", payload: { paymentId, sessionId, amountCents, currency } },
      });
      enqueue.assign({ payments: [...context.payments, { id: paymentId, status: "paid", amountCents }] });
    }),
  },
  guards: {
    deadlineNotPassed: ({ context, event }) => event.at < context.paymentDeadline,
    deadlinePassed: ({ context, event }) => event.at >= context.paymentDeadline,
    // A job's GATEWAY_BACK waits while automation is paused (RESUME schedules the probe again), and
    // means nothing once the window closed (the timer cancels the order).
    canOfferPayLink: ({ context, event }) => context.paused === null && event.at < context.paymentDeadline,
    paymentMatchesOrder: ({ context, event }) => {
      assertEvent(event, "PAYMENT_SUCCEEDED");
      const status = paymentOf(context, event.paymentId)?.status;
      const usable = status !== undefined && status !== "paid" && status !== "refunded";
      return usable && saleProblem(context, event.amountCents, event.currency, event.sale) === null;
    },
    // Only a guest's order, and only once: a second CLAIM is a duplicate.
    isUnclaimedGuestOrder: ({ context }) => !!context.guestEmail && !context.claimedBy,
    // News about a dispute on money the order took: a new dispute, or a change to or the decision on an open one.
    isDisputeNews: ({ context, event }) => {
      assertEvent(event, ["DISPUTE_OPENED", "DISPUTE_UPDATED", "DISPUTE_CLOSED"]);
      const status = paymentOf(context, event.paymentId)?.status;
      if (status !== "paid" && status !== "refunded") return false;
      const known = disputeOf(context, event.disputeId);
      if (!known) return true;
      if (known.outcome !== "open" || event.type === "DISPUTE_OPENED") return false;
      return event.type === "DISPUTE_CLOSED" || !sameDisputeFacts(known, event);
    },
    notHeldByDispute: ({ context }) => !heldByDispute(context),
    // A placed order whose automation runs; a paused one (a repeat is a duplicate).
    canPause: ({ context }) => context.stock !== "none" && context.paused === null,
    isPaused: ({ context }) => context.paused !== null,
    // Timers and jobs wait while the order is paused.
    notPaused: ({ context }) => context.paused === null,
    // The warehouse job waits while paused; an operator shipping by hand does not.
    notPausedUnlessOperator: ({ context, event }) => context.paused === null || (event.type === "FULFIL" && event.by === "admin"),
    // Once into the queue; nothing to hand over while a dispute holds the order.
    notQueuedForHand: ({ context }) => context.shipByHand === null && !heldByDispute(context),
    refundNotBlockedByDispute: ({ context }) => !disputeBlocksRefund(context),
    // Nothing of its payment is left to refund or on its way back: a lost dispute took it, or a promotion
    // code made the order free.
    nothingLeftToRefund: ({ context }) => {
      const paid = context.paidPaymentId;
      return (
        paid !== null &&
        refundableCents(context, paid) === 0 &&
        !openDisputeOn(context, paid) &&
        context.refunds.every((r) => r.status !== "pending") &&
        (lostInDisputes(context, paid) > 0 || isFreeOrder(context))
      );
    },
    isUnflaggedMismatch: ({ context, event }) => {
      assertEvent(event, "PAYMENT_SUCCEEDED");
      const payment = paymentOf(context, event.paymentId);
      return !!payment && !payment.flagged && payment.status !== "paid" && payment.status !== "refunded";
    },
    tookNothing: ({ event }) => event.type === "PAYMENT_SUCCEEDED" && takenAtGateway(event) === 0,
    isUnrecordedPayment: ({ context, event }) => {
      assertEvent(event, "UNRECORDED_PAYMENT");
      return !paymentOf(context, event.paymentId);
    },
    isUnusedPayment: ({ context, event }) => {
      assertEvent(event, "PAYMENT_SUCCEEDED");
      const status = paymentOf(context, event.paymentId)?.status;
      return status !== undefined && status !== "paid" && status !== "refunded";
    },
    isPendingPayment: ({ context, event }) => {
      assertEvent(event, ["PAYMENT_FAILED", "PAYMENT_CANCELLED"]);
      return paymentOf(context, event.paymentId)?.status === "pending";
    },
    isOpenPayment: ({ context, event }) => {
      assertEvent(event, "PAYMENT_CANCELLED");
      const status = paymentOf(context, event.paymentId)?.status;
      return status === "pending" || status === "failed";
    },
    refundPolicyAllows: ({ context, event }) => {
      assertEvent(event, ["REQUEST_REFUND", "REQUEST_PARTIAL_REFUND"]);
      if (refundableCents(context, context.paidPaymentId) <= 0 || asksOutside(event)) return false;
      return withinRefundWindow(context, event);
    },
    // An order a promotion code made free (nothing was charged): cancelled within the refund window
    // (an operator: any time), its books go back on the shelf; there is nothing to refund.
    mayCancelFreeOrder: ({ context, event }) => {
      assertEvent(event, "REQUEST_REFUND");
      return isFreeOrder(context) && !asksOutside(event) && withinRefundWindow(context, event);
    },
    isAdminRequest: ({ context, event }) =>
      event.type === "REQUEST_REFUND" && event.by === "admin" && !asksOutside(event) && refundableCents(context, context.paidPaymentId) > 0,
    // Lines, shipping or goodwill within what is left: shoppers before shipping (state paid), within the window.
    partialRefundAllowed: ({ context, event }) => {
      assertEvent(event, "REQUEST_PARTIAL_REFUND");
      if (event.by !== "admin" && (context.paidAt === null || event.at - context.paidAt > event.windowDays * DAY_MS)) return false;
      return partialRefundProblem(context, event) === null;
    },
    isAdminPartialRefund: ({ context, event }) => {
      assertEvent(event, "REQUEST_PARTIAL_REFUND");
      return event.by === "admin" && partialRefundProblem(context, event) === null;
    },
    // Partial refunds may have given it all back already (they end the order refunded as they land).
    hasRefundableMoney: ({ context }) => refundableCents(context, context.paidPaymentId) > 0,
    // A shipment needs somewhere to go (orders from before shipping existed offered none and collected none),
    // and something left to ship once refunded copies went back on the shelf.
    hasCopiesToShip: ({ context }) =>
      (context.shippingOptions.length === 0 || !!context.sale?.address) && unrestockedItems(context).length > 0,
    // The carrier's report is for this shipment and newer than any we have (a late retry of an older one is not).
    isNewTracking: ({ context, event }) => {
      assertEvent(event, "TRACKING_UPDATED");
      return event.trackingNumber === context.shipment?.trackingNumber && event.sequence > lastTrackingSequence(context);
    },
    isDelivery: ({ context, event }) => {
      assertEvent(event, "DELIVER");
      if (event.by === "admin") return true;
      return (
        event.trackingNumber === context.shipment?.trackingNumber &&
        event.sequence !== undefined &&
        event.sequence > lastTrackingSequence(context)
      );
    },
    // Within the return window of delivery; lines on the order, each at most the units not yet returned or asked back, priced.
    returnAllowed: ({ context, event }) => {
      assertEvent(event, "REQUEST_RETURN");
      if (context.deliveredAt === null || event.at - context.deliveredAt > event.windowDays * DAY_MS) return false;
      if (returnOf(context, event.returnId) || event.lines.length === 0 || event.reason.trim() === "") return false;
      if (new Set(event.lines.map((l) => l.bookId)).size !== event.lines.length) return false;
      // Each line at most the units not yet returned, asked back or refunded otherwise (returnableUnits).
      return event.lines.every((l) => Number.isInteger(l.quantity) && l.quantity >= 1 && l.quantity <= returnableUnits(context, l.bookId));
    },
    // A requested return; restock names only its lines, at most their quantities.
    canReceiveReturn: ({ context, event }) => {
      assertEvent(event, "RECEIVE_RETURN");
      const ret = returnOf(context, event.returnId);
      if (ret?.status !== "requested") return false;
      if (new Set(event.restock.map((r) => r.bookId)).size !== event.restock.length) return false;
      return event.restock.every((r) => {
        const line = ret.lines.find((l) => l.bookId === r.bookId);
        return !!line && Number.isInteger(r.quantity) && r.quantity >= 0 && r.quantity <= line.quantity;
      });
    },
    isRequestedReturn: ({ context, event }) => {
      assertEvent(event, ["REJECT_RETURN", "RETURN_EXPIRED"]);
      return returnOf(context, event.returnId)?.status === "requested";
    },
    returnExpired: ({ context, event }) => {
      assertEvent(event, "RETURN_EXPIRED");
      const ret = returnOf(context, event.returnId);
      return ret?.status === "requested" && event.at >= ret.expiresAt;
    },
    // Only when there is a failed refund to retry: otherwise the request changes nothing (ignored: a 409).
    // Paid back outside the gateway: not while a dispute of that payment is open (the bank may give the
    // shopper that money back: it is decided first).
    isAdminRetryAfterFailure: ({ context, event }) => {
      if (event.type !== "REQUEST_REFUND" || event.by !== "admin" || pendingRefunds(context).length > 0) return false;
      const retry = refundToRetry(context, event);
      return retry !== undefined && !(asksOutside(event) && openDisputeOn(context, retry.paymentId));
    },
    // A gateway refund it reported succeeded (never one paid outside it: the gateway never had that money).
    isSucceededRefund: ({ context, event }) => {
      assertEvent(event, "REFUND_FAILED");
      const refund = refundOf(context, event.refundId);
      return refund?.status === "succeeded" && !refund.outside;
    },
    // A gateway refund the gateway settles (succeeded or failed); never one owed outside it.
    isPendingRefund: ({ context, event }) => {
      assertEvent(event, ["REFUND_SUCCEEDED", "REFUND_FAILED"]);
      return pendingRefunds(context).some((r) => r.id === event.refundId && !r.outside);
    },
    // A refund owed outside the gateway, paid by an operator; not while a dispute of its payment is open
    // (the bank may give the shopper that money back: it is decided first).
    isOwedOutside: ({ context, event }) => {
      const refund = refundSettledBy(context, event);
      return refund?.outside === true && !openDisputeOn(context, refund.paymentId);
    },
    // Refunded means no captured money is left once this refund lands (the gateway's, or one paid outside it).
    isLastCapturedMoney: ({ context, event }) => {
      assertEvent(event, ["REFUND_SUCCEEDED", "REFUND_PAID_OUTSIDE"]);
      const refund = refundSettledBy(context, event);
      if (!refund || (refund.outside && openDisputeOn(context, refund.paymentId))) return false;
      const amount = refund.outside ? outsideSettlement(context, refund) : refund.amountCents;
      const payment = paymentOf(context, refund.paymentId);
      if (!payment || refundedCents(context, payment.id) + amount + lostInDisputes(context, payment.id) < payment.amountCents) return false;
      return context.payments.every((p) => p.status !== "paid" || p.id === refund.paymentId);
    },
  },
});

// Money the order cannot use is recorded as taken and refunded, in every
// state that can receive it (one transition each, shared): a payment that
// arrives late or for a second session, and money on a session the store
// never recorded.
// A return the shopper asked for while the order was delivered: its parcel may arrive, be refused or
// expire after an operator refunded the whole order too (refund_pending, refunded). Receiving it then
// puts its copies back on the shelf and refunds only what is left (nothing, after a whole refund);
// refused here before, its copies stayed sold for good (a stock audit's find).
const returnsInTransit = {
  RECEIVE_RETURN: { guard: { type: "canReceiveReturn" }, actions: { type: "receiveReturn" } },
  REJECT_RETURN: { guard: { type: "isRequestedReturn" }, actions: { type: "rejectReturn" } },
  RETURN_EXPIRED: { guard: and([{ type: "returnExpired" }, { type: "notPaused" }]), actions: { type: "expireReturn" } },
} as const;

// The refund that brings back the last captured money ends the order refunded: the gateway's, or one an
// operator paid outside the gateway (a charged-back payment's rest).
const lastRefund = {
  guard: { type: "isLastCapturedMoney" },
  target: "refunded",
  actions: [{ type: "settleRefund" }, { type: "sendEmail", params: orderRefundedEmail }],
} as const;
const lastRefundSettled = { REFUND_SUCCEEDED: lastRefund, REFUND_PAID_OUTSIDE: lastRefund } as const;
// Before shipping, the last refund also puts the order's books back on the shelf.
const lastRefundBeforeShipping = {
  guard: { type: "isLastCapturedMoney" },
  target: "refunded",
  actions: [
    { type: "cancelFulfilment", params: {} },
    { type: "restockAll" },
    { type: "settleRefund" },
    { type: "sendEmail", params: orderRefundedEmail },
  ],
} as const;
// Any other refund an operator paid outside the gateway: it is settled, the order stays where it is.
const refundPaidOutside = { guard: { type: "isOwedOutside" }, actions: { type: "settleRefund" } } as const;

// Shipped (in transit or delivered): an operator refunds the rest, or lines, the shipping or goodwill
// (no stock moves); the refund that brings back the last captured money ends the order refunded.
const afterShipping = {
  REQUEST_REFUND: {
    guard: and([{ type: "isAdminRequest" }, { type: "refundNotBlockedByDispute" }]),
    target: "refund_pending",
    actions: { type: "startRefund" },
  },
  REQUEST_PARTIAL_REFUND: { guard: { type: "isAdminPartialRefund" }, actions: { type: "startRefund" } },
  ...lastRefundSettled,
} as const;
const refundUnusablePayment = {
  guard: { type: "isUnusedPayment" },
  actions: [{ type: "recordUnusablePayment" }, { type: "startRefund" }],
} as const;
// A late or duplicate session a 100 % code made free took nothing: recorded (settled at once), no refund.
const freeUnusablePayment = {
  guard: and([{ type: "isUnusedPayment" }, { type: "tookNothing" }]),
  actions: [{ type: "recordUnusablePayment" }, { type: "startRefund" }],
} as const;
const refundUnrecordedPayment = {
  guard: { type: "isUnrecordedPayment" },
  actions: [{ type: "recordUnrecordedPayment" }, { type: "startRefund" }],
} as const;

// The gateway could not open a payment page (docs/PAYMENTS.md, "When the gateway is down"): the order
// stays placed, its books reserved until the same deadline; a job probes the gateway and, once it answers,
// GATEWAY_BACK e-mails the shopper a link to pay. From any created state without a pending attempt.
const delayPayment = { guard: { type: "deadlineNotPassed" }, target: "paymentDelayed", actions: { type: "delayPayment" } } as const;

/**
 * Why a refund of this payment is owed outside the gateway, or null when the gateway makes it: the
 * gateway refuses every refund of a charged-back payment; an operator's whole refund may ask to pay
 * back another way (a retry after the gateway failed: a closed card it cannot pay back).
 */
function owedOutside(context: OrderContext, paymentId: string, event?: OrderEvent): string | null {
  if (chargedBack(context, paymentId)) return "its payment was charged back (a lost dispute) and the gateway refuses its refunds";
  if (event && asksOutside(event)) return "the gateway failed to refund it and an operator chose to pay it back another way";
  return null;
}

/** An operator's retry that asks to pay back outside the gateway (accepted only as a retry after a failure: refund_pending). */
function asksOutside(event: OrderEvent): boolean {
  return event.type === "REQUEST_REFUND" && event.by === "admin" && event.outside === true;
}

const OWED_OUTSIDE = "owed outside the gateway";

/**
 * What an operator's record settles of a refund owed outside the gateway: the refund, but never more
 * than is left of its payment (captured − other refunds − lost in disputes). A dispute lost after the
 * refund was owed (its payment was refunded outside the gateway by choice, then charged back) took some
 * of it back to the shopper already.
 */
function outsideSettlement(context: OrderContext, refund: RefundState): number {
  return refundRoom(context, refund);
}

/**
 * The order's payment took nothing (a promotion code made it free: Stripe's no_payment_required), and no
 * other money of the order is still held or on its way back (a duplicate card payment's refund): closing
 * it then strands nothing.
 */
function isFreeOrder(context: OrderContext): boolean {
  const payment = context.payments.find((p) => p.id === context.paidPaymentId);
  return (
    payment?.amountCents === 0 &&
    payment.status === "paid" &&
    context.payments.every((p) => p.id === payment.id || p.status !== "paid") &&
    pendingRefunds(context).length === 0
  );
}

/** A shopper asks within the refund window after payment; an operator any time. */
function withinRefundWindow(
  context: OrderContext,
  event: Extract<OrderEvent, { type: "REQUEST_REFUND" | "REQUEST_PARTIAL_REFUND" }>,
): boolean {
  if (event.by === "admin") return true;
  return context.paidAt !== null && event.at - context.paidAt <= event.windowDays * DAY_MS;
}

function owedOutsideAlert(amountCents: number, why: string): string {
  return `a refund of ${amountCents} cents is ${OWED_OUTSIDE}: ${why}; pay the shopper another way, then record it`;
}

/**
 * The "refunded" e-mail names what came back of the payment this last refund
 * completes (its succeeded refunds, this one too), not the order's total: a
 * late payment with shipping and tax, or a payment a lost dispute took part
 * of, gave back another amount (a money audit's find).
 */
function orderRefundedEmail({ context, event }: { context: OrderContext; event: OrderEvent }) {
  assertEvent(event, ["REFUND_SUCCEEDED", "REFUND_PAID_OUTSIDE"]);
  const refund = refundOf(context, event.refundId);
  // (this refund as settled: one paid outside the gateway may have been cut to what was left)
  const own = refund?.outside && refund.status === "pending" ? outsideSettlement(context, refund) : refund?.amountCents;
  const others = refund
    ? context.refunds.filter((r) => r.paymentId === refund.paymentId && r.id !== refund.id && r.status === "succeeded")
    : [];
  const amountCents = refund && own !== undefined ? others.reduce((sum, r) => sum + r.amountCents, own) : undefined;
  // What of it was paid back outside the gateway (the e-mail says which part went back to the card).
  const outsideCents = others.filter((r) => r.outside).reduce((sum, r) => sum + r.amountCents, refund?.outside ? (own ?? 0) : 0);
  return {
    template: "order_refunded" as const,
    ...(amountCents !== undefined ? { data: { amountCents, ...(outsideCents > 0 ? { outsideCents } : {}) } } : {}),
  };
}

/**
 * What a refused payment took at the gateway: its session's total as read back
 * from the gateway (the sale), which a webhook body's amount cannot change;
 * the reported amount when there is no sale to read.
 */
function takenAtGateway(event: OrderEvent): number {
  assertEvent(event, "PAYMENT_SUCCEEDED");
  return event.sale?.totalCents ?? event.amountCents;
}

// A dispute can come for any money the order took, whatever state it is in.
const noteDispute = { guard: { type: "isDisputeNews" }, actions: { type: "noteDispute" } } as const;

export const orderMachine = machineSetup.createMachine({
  id: "order",
  context: initialContext,
  initial: "new",
  on: {
    // The order keeps its state, money and stock; only who may see it changes.
    CLAIM: {
      guard: { type: "isUnclaimedGuestOrder" },
      actions: [
        { type: "claimOrder", params: ({ event }) => ({ userId: event.userId }) },
        { type: "recordEvent", params: ({ event }) => ({ type: "OrderClaimed", payload: { userId: event.userId } }) },
        assign(({ event }) => ({ claimedBy: event.userId })),
      ],
    },
    DISPUTE_OPENED: noteDispute,
    DISPUTE_UPDATED: noteDispute,
    DISPUTE_CLOSED: noteDispute,
    // Whatever state the order is in (refunded: back to refund_pending, below).
    REFUND_FAILED: { guard: { type: "isSucceededRefund" }, actions: { type: "reverseRefund" } },
    // The order keeps its state; only automation stops and starts (docs/ARCHITECTURE.md, "Pause and resume").
    PAUSE: { guard: { type: "canPause" }, actions: { type: "pause" } },
    RESUME: { guard: { type: "isPaused" }, actions: { type: "resume" } },
  },
  states: {
    new: {
      on: {
        CHECKOUT: {
          target: "created",
          actions: [
            assign(({ event }) => ({
              orderId: event.orderId,
              items: pricedItems(event.items, event.totalCents),
              subtotalCents: event.totalCents,
              shippingOptions: event.shippingOptions ?? [],
              totalCents: event.totalCents,
              currency: event.currency,
              paymentDeadline: event.paymentDeadline,
              guestEmail: event.guestEmail ?? null,
              ...(event.leftOut?.length ? { leftOut: event.leftOut } : {}),
              stock: "reserved" as const,
            })),
            { type: "reserveStock", params: ({ event }) => ({ items: event.items }) },
            { type: "scheduleTimeout", params: ({ event }) => ({ runAt: event.paymentDeadline }) },
            {
              type: "recordEvent",
              params: ({ event }) => ({
                type: "OrderCreated",
                payload: {
                  totalCents: event.totalCents,
                  currency: event.currency,
                  paymentDeadline: new Date(event.paymentDeadline).toISOString(),
                  ...(event.guestEmail ? { guest: true } : {}),
                  // The audit trail says what the shopper agreed to leave out.
                  ...(event.leftOut?.length ? { leftOut: event.leftOut } : {}),
                },
              }),
            },
            {
              type: "sendEmail",
              params: ({ event }) => ({
                template: "order_created",
                ...(event.leftOut?.length ? { data: { leftOut: event.leftOut } } : {}),
              }),
            },
          ],
        },
      },
    },
    created: {
      initial: "awaitingPayment",
      on: {
        // The order is still open: the money goes back in the background, the order stays where it is.
        UNRECORDED_PAYMENT: refundUnrecordedPayment,
        REFUND_SUCCEEDED: { guard: { type: "isPendingRefund" }, actions: { type: "settleRefund" } },
        REFUND_PAID_OUTSIDE: refundPaidOutside,
        REFUND_FAILED: { guard: { type: "isPendingRefund" }, actions: { type: "failRefund" } },
        START_PAYMENT: {
          guard: { type: "deadlineNotPassed" },
          target: ".paying",
          actions: [
            {
              type: "createPayment",
              params: ({ context, event }) => ({ paymentId: event.paymentId, amountCents: context.totalCents, currency: context.currency }),
            },
            // A declined card leaves the earlier session open at the gateway: close it.
            { type: "setPaymentStatus", params: ({ context }) => ({ paymentIds: openPaymentIds(context), status: "cancelled" }) },
            { type: "expireCheckoutSessions", params: ({ context }) => ({ paymentIds: openPaymentIds(context) }) },
            { type: "createCheckoutSession", params: ({ event }) => ({ paymentId: event.paymentId }) },
            { type: "recordEvent", params: ({ event }) => ({ type: "PaymentStarted", payload: { paymentId: event.paymentId } }) },
            assign(({ context, event }) => ({
              payments: [
                ...context.payments.map((p) =>
                  p.status === "pending" || p.status === "failed" ? { ...p, status: "cancelled" as const } : p,
                ),
                { id: event.paymentId, status: "pending" as const, amountCents: context.totalCents },
              ],
            })),
          ],
        },
        PAYMENT_SUCCEEDED: [
          {
            guard: { type: "paymentMatchesOrder" },
            target: "#order.settled.paid",
            actions: [
              {
                type: "setPaymentStatus",
                params: ({ event }) => ({
                  paymentIds: [event.paymentId],
                  status: "paid",
                  paymentIntentId: event.paymentIntentId,
                  amountCents: event.amountCents,
                }),
              },
              {
                type: "recordSale",
                params: ({ context, event }) => ({
                  sale: event.sale ?? plainSale(event.amountCents, event.currency, context),
                  bookIds: context.items.map((i) => i.bookId),
                }),
              },
              {
                type: "setPaymentStatus",
                params: ({ context, event }) => ({
                  paymentIds: openPaymentIds(context).filter((id) => id !== event.paymentId),
                  status: "cancelled",
                }),
              },
              {
                type: "expireCheckoutSessions",
                params: ({ context, event }) => ({ paymentIds: openPaymentIds(context).filter((id) => id !== event.paymentId) }),
              },
              { type: "commitStock", params: ({ context }) => ({ items: context.items }) },
              // A partial order's short lines keep in the cart what it left out.
              { type: "clearCart", params: ({ context }) => ({ partlyOrdered: (context.leftOut ?? []).map((l) => l.bookId) }) },
              { type: "cancelTimeout", params: {} },
              {
                type: "recordEvent",
                params: ({ event }) => ({
                  type: "OrderPaid",
                  payload: {
                    paymentId: event.paymentId,
                    amountCents: event.amountCents,
                    promotionCode: event.sale?.promotionCode ?? null,
                    shippingMethod: event.sale?.shippingMethod ?? null,
                  },
                }),
              },
              { type: "sendEmail", params: { template: "order_paid" } },
              { type: "startFulfilment", params: {} },
              assign(({ context, event }) => ({
                payments: context.payments.map((p) =>
                  p.id === event.paymentId
                    ? { ...p, status: "paid" as const, amountCents: event.amountCents }
                    : p.status === "pending" || p.status === "failed"
                      ? { ...p, status: "cancelled" as const }
                      : p,
                ),
                paidPaymentId: event.paymentId,
                paidAt: event.at,
                sale: event.sale ?? plainSale(event.amountCents, event.currency, context),
                totalCents: event.amountCents,
                stock: "sold" as const,
              })),
            ],
          },
          {
            // The wrong amount or currency never pays the order, and the money it took goes back at once
            // (it stayed at the gateway, and the payment, still open, held off the order's timeout: a
            // money audit's find). An operator is told; the order still waits for a right payment.
            guard: { type: "isUnflaggedMismatch" },
            target: ".paymentFailed",
            actions: [
              {
                type: "setPaymentStatus",
                params: ({ event }) => ({
                  paymentIds: [event.paymentId],
                  status: "paid",
                  reason: "amount_mismatch",
                  paymentIntentId: event.paymentIntentId,
                  amountCents: takenAtGateway(event),
                }),
              },
              {
                type: "startRefund",
                params: ({ event }: { event: OrderEvent }) => ({ reason: "mismatched_payment", amountCents: takenAtGateway(event) }),
              },
              {
                type: "flagForOperator",
                params: ({ context, event }) => ({
                  reason: `payment ${event.paymentId} reported ${event.amountCents} ${event.currency}, not the sale the store agreed to: ${saleProblem(context, event.amountCents, event.currency, event.sale)}`,
                }),
              },
              {
                type: "recordEvent",
                params: ({ context, event }) => ({
                  type: "PaymentFailed",
                  payload: {
                    paymentId: event.paymentId,
                    reason: "amount_mismatch",
                    amountCents: event.amountCents,
                    currency: event.currency,
                    problem: saleProblem(context, event.amountCents, event.currency, event.sale),
                  },
                }),
              },
              assign(({ context, event }) =>
                withPayment(context, event.paymentId, { flagged: true, status: "paid", amountCents: takenAtGateway(event) }),
              ),
            ],
          },
        ],
        CANCEL: {
          target: "settled.cancelled",
          actions: [
            { type: "setPaymentStatus", params: ({ context }) => ({ paymentIds: openPaymentIds(context), status: "cancelled" }) },
            { type: "expireCheckoutSessions", params: ({ context }) => ({ paymentIds: openPaymentIds(context) }) },
            { type: "releaseStock", params: ({ context }) => ({ items: context.items }) },
            { type: "cancelTimeout", params: {} },
            {
              type: "recordEvent",
              params: ({ event }) => ({
                type: "OrderCancelled",
                payload: { reason: event.reason === "replaced" ? "replaced_by_new_order" : "cancelled_by_customer" },
              }),
            },
            { type: "tellCancelled" },
            assign(({ context, event }) => ({
              payments: context.payments.map((p) =>
                p.status === "pending" || p.status === "failed" ? { ...p, status: "cancelled" as const } : p,
              ),
              stock: "released" as const,
              cancelReason: event.reason === "replaced" ? ("replaced" as const) : ("user" as const),
            })),
          ],
        },
        TIMEOUT: {
          guard: and([{ type: "deadlinePassed" }, { type: "notPaused" }]),
          target: "settled.cancelled",
          actions: [
            { type: "setPaymentStatus", params: ({ context }) => ({ paymentIds: openPaymentIds(context), status: "timeout" }) },
            { type: "expireCheckoutSessions", params: ({ context }) => ({ paymentIds: openPaymentIds(context) }) },
            { type: "releaseStock", params: ({ context }) => ({ items: context.items }) },
            {
              type: "recordEvent",
              params: ({ context }) => ({ type: "PaymentTimedOut", payload: { paymentIds: openPaymentIds(context) } }),
            },
            { type: "recordEvent", params: { type: "OrderCancelled", payload: { reason: "payment_timeout" } } },
            { type: "sendEmail", params: { template: "order_timed_out" } },
            assign(({ context }) => ({
              payments: context.payments.map((p) =>
                p.status === "pending" || p.status === "failed" ? { ...p, status: "timeout" as const } : p,
              ),
              stock: "released" as const,
              cancelReason: "timeout" as const,
            })),
          ],
        },
      },
      states: {
        awaitingPayment: { on: { PAYMENT_DELAYED: delayPayment } },
        // No payment page could be opened: the books stay reserved; START_PAYMENT (the shopper's
        // "Pay now"), TIMEOUT and CANCEL work as from awaitingPayment. Leaving it ends the probe.
        paymentDelayed: {
          // Exit actions run before the transition's: the audit row reads the delay here, before it is cleared.
          exit: enqueueActions(({ context, event, enqueue }) => {
            enqueue({ type: "cancelGatewayProbe", params: {} });
            if (event.type === "GATEWAY_BACK") {
              enqueue({
                type: "recordEvent",
                params: { type: "PaymentResumable", payload: { delayedSince: context.paymentDelay?.since ?? null } },
              });
            }
            enqueue.assign({ paymentDelay: null });
          }),
          on: {
            GATEWAY_BACK: {
              guard: { type: "canOfferPayLink" },
              target: "awaitingPayment",
              actions: { type: "sendEmail", params: { template: "payment_link" } },
            },
          },
        },
        paying: {
          on: {
            PAYMENT_FAILED: {
              guard: { type: "isPendingPayment" },
              target: "paymentFailed",
              actions: [
                {
                  type: "setPaymentStatus",
                  params: ({ event }) => ({ paymentIds: [event.paymentId], status: "failed", reason: event.reason }),
                },
                {
                  type: "recordEvent",
                  params: ({ event }) => ({ type: "PaymentFailed", payload: { paymentId: event.paymentId, reason: event.reason } }),
                },
                { type: "sendEmail", params: ({ event }) => ({ template: "payment_failed", data: { reason: event.reason } }) },
                assign(({ context, event }) => withPayment(context, event.paymentId, { status: "failed" })),
              ],
            },
            PAYMENT_CANCELLED: { guard: { type: "isPendingPayment" }, target: "paymentCancelled", actions: { type: "cancelPayment" } },
          },
        },
        paymentFailed: {
          on: {
            PAYMENT_CANCELLED: { guard: { type: "isOpenPayment" }, target: "paymentCancelled", actions: { type: "cancelPayment" } },
            PAYMENT_DELAYED: delayPayment,
          },
        },
        paymentCancelled: { on: { PAYMENT_DELAYED: delayPayment } },
      },
    },
    // After the payment window: money may still arrive or go back in any of these.
    settled: {
      // Only ever entered through an explicit child target.
      initial: "cancelled",
      on: {
        PAYMENT_SUCCEEDED: refundUnusablePayment,
        UNRECORDED_PAYMENT: refundUnrecordedPayment,
        REFUND_SUCCEEDED: { guard: { type: "isPendingRefund" }, actions: { type: "settleRefund" } },
        REFUND_PAID_OUTSIDE: refundPaidOutside,
        REFUND_FAILED: { guard: { type: "isPendingRefund" }, actions: { type: "failRefund" } },
      },
      states: {
        paid: {
          on: {
            FULFIL: {
              // Something left to ship, somewhere to send it, and no dispute holding it.
              // (The warehouse job waits while automation is paused; an operator ships by hand.)
              guard: and([{ type: "hasCopiesToShip" }, { type: "notHeldByDispute" }, { type: "notPausedUnlessOperator" }]),
              target: "fulfilled",
              actions: [
                { type: "cancelFulfilment", params: {} },
                {
                  type: "recordShipment",
                  params: ({ event }) => ({ trackingNumber: event.trackingNumber, estimatedDelivery: event.estimatedDelivery }),
                },
                {
                  type: "recordEvent",
                  params: ({ event }) => ({
                    type: "OrderFulfilled",
                    payload: { trackingNumber: event.trackingNumber, estimatedDelivery: event.estimatedDelivery },
                  }),
                },
                { type: "sendEmail", params: { template: "order_shipped" } },
                assign(({ event }) => ({
                  shipByHand: null,
                  shipment: { trackingNumber: event.trackingNumber, estimatedDelivery: event.estimatedDelivery },
                  stock: "shipped" as const,
                })),
              ],
            },
            // The warehouse job gave up: people ship it (FULFIL by an operator), from the "ship by hand" queue.
            FULFILMENT_FAILED: {
              guard: { type: "notQueuedForHand" },
              actions: [
                { type: "cancelFulfilment", params: {} },
                { type: "recordShipByHand", params: ({ event }) => ({ reason: event.reason }) },
                { type: "recordEvent", params: ({ event }) => ({ type: "FulfilmentFailed", payload: { reason: event.reason } }) },
                assign(({ event }) => ({ shipByHand: { reason: event.reason, at: event.at } })),
              ],
            },
            REQUEST_REFUND: [
              {
                guard: and([{ type: "refundPolicyAllows" }, { type: "refundNotBlockedByDispute" }]),
                target: "refund_pending",
                actions: [
                  // Not shipped yet: the books go back on the shelf.
                  { type: "cancelFulfilment", params: {} },
                  { type: "restockAll" },
                  { type: "startRefund" },
                ],
              },
              {
                // Free (a 100% promotion code and free shipping): cancelled, nothing to refund. Refused before:
                // nothing could cancel such an order, nor write off its copies.
                guard: { type: "mayCancelFreeOrder" },
                target: "refunded",
                actions: [
                  { type: "cancelFulfilment", params: {} },
                  { type: "restockAll" },
                  {
                    type: "recordEvent",
                    params: ({ event }) => ({
                      type: "OrderClosed",
                      payload: { reason: "nothing_paid", by: event.type === "REQUEST_REFUND" ? event.by : null },
                    }),
                  },
                  {
                    type: "sendEmail",
                    params: ({ event }) => ({
                      template: "order_cancelled",
                      data: { free: true, by: event.type === "REQUEST_REFUND" ? event.by : null },
                    }),
                  },
                ],
              },
            ],
            // Some lines, the shipping or goodwill: the order stays paid; refunded copies go back on the shelf.
            REQUEST_PARTIAL_REFUND: {
              guard: { type: "partialRefundAllowed" },
              actions: [{ type: "restockRefundedLines" }, { type: "startRefund" }],
            },
            // Partial refunds gave all the money back: nothing is left to ship.
            REFUND_SUCCEEDED: lastRefundBeforeShipping,
            REFUND_PAID_OUTSIDE: lastRefundBeforeShipping,
            STOCK_UNAVAILABLE: [
              {
                // All its money went back through a lost dispute (or it was free), and it never shipped:
                // nothing to refund and nothing to ship. An operator's write-off closes it: its copies back
                // on the shelf (the write-off then removes the missing ones), the order refunded. Refused
                // before, its copies stayed sold for good (stock audits' finds).
                guard: { type: "nothingLeftToRefund" },
                target: "refunded",
                actions: [
                  { type: "cancelFulfilment", params: {} },
                  { type: "restockAll" },
                  {
                    type: "recordEvent",
                    params: ({ context }) => ({
                      type: "OrderClosed",
                      payload: { reason: isFreeOrder(context) ? "nothing_paid" : "dispute_lost" },
                    }),
                  },
                  // A free order's shopper hears it is cancelled (a charged-back one's got its money from the bank).
                  enqueueActions(({ context, enqueue }) => {
                    if (isFreeOrder(context))
                      enqueue({ type: "sendEmail", params: { template: "order_cancelled", data: { free: true, by: "admin" } } });
                  }),
                ],
              },
              {
                guard: { type: "refundNotBlockedByDispute" },
                target: "refund_pending",
                actions: [
                  // The order's books go back on the shelf; the operator's write-off then removes the missing copies.
                  { type: "cancelFulfilment", params: {} },
                  { type: "restockAll" },
                  { type: "startRefund" },
                ],
              },
            ],
          },
        },
        fulfilled: {
          on: {
            ...afterShipping,
            TRACKING_UPDATED: { guard: { type: "isNewTracking" }, actions: { type: "recordTracking" } },
            DELIVER: { guard: { type: "isDelivery" }, target: "delivered", actions: { type: "deliver" } },
          },
        },
        // Delivered: within the return window the shopper may send lines back.
        delivered: {
          on: {
            ...afterShipping,
            REQUEST_RETURN: { guard: { type: "returnAllowed" }, actions: { type: "startReturn" } },
            ...returnsInTransit,
          },
        },
        cancelled: {
          on: {
            // Paid after cancel or timeout: the order no longer exists, the money goes back (a free
            // session's took nothing: it is recorded, and the order stays as it is).
            PAYMENT_SUCCEEDED: [freeUnusablePayment, { ...refundUnusablePayment, target: "refund_pending" }],
            UNRECORDED_PAYMENT: { ...refundUnrecordedPayment, target: "refund_pending" },
          },
        },
        refund_pending: {
          on: {
            ...returnsInTransit,
            ...lastRefundSettled,
            REQUEST_REFUND: {
              // An operator retries after automation gave up.
              guard: { type: "isAdminRetryAfterFailure" },
              actions: { type: "startRefund", params: { retry: true } },
            },
          },
        },
        refunded: {
          on: {
            ...returnsInTransit,
            PAYMENT_SUCCEEDED: [freeUnusablePayment, { ...refundUnusablePayment, target: "refund_pending" }],
            UNRECORDED_PAYMENT: { ...refundUnrecordedPayment, target: "refund_pending" },
            // Money it thought was back is not: an operator's retry (REQUEST_REFUND) is allowed there.
            REFUND_FAILED: { guard: { type: "isSucceededRefund" }, target: "refund_pending", actions: { type: "reverseRefund" } },
          },
        },
      },
    },
  },
});

export type OrderMachine = typeof orderMachine;
