// POST /api/webhooks/stripe – signed gateway events (raw body; exempt from the Origin check)
import { faultPoint } from "@/lib/faults";
import { MAX_WEBHOOK_BODY_BYTES, readBodyText } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/responses";
import { requestId } from "@/lib/http/request-id";
import { withContext } from "@/lib/observability/context";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { handleWebhook } from "@/lib/payments/handle-webhook";
import { verifyWebhook } from "@/lib/payments/stripe-events";

export function POST(request: Request): Promise<Response> {
  return withContext({ requestId: requestId(request) }, async () => {
    let event, body: string;
    try {
      // The signature covers the exact bytes: read the raw text (at most MAX_WEBHOOK_BODY_BYTES), never re-serialise JSON.
      body = await readBodyText(request, MAX_WEBHOOK_BODY_BYTES);
      event = verifyWebhook(body, request.headers.get("stripe-signature"));
    } catch (error) {
      metrics().webhooks.inc({ outcome: "rejected" });
      logger().warn({ reason: error instanceof Error ? error.message : String(error) }, "webhook rejected");
      return errorResponse(error);
    }
    try {
      const outcome = await handleWebhook(event, body);
      faultPoint("webhook:after_commit"); // committed, but the gateway never hears 2xx
      metrics().webhooks.inc({ outcome });
      logger().info({ eventId: event.id, type: event.type, outcome }, "webhook received");
      return json({ received: true, outcome });
    } catch (error) {
      // Not our bad input: a 5xx makes the gateway redeliver later.
      metrics().webhooks.inc({ outcome: "failed" });
      logger().error({ eventId: event.id, type: event.type, err: error }, "webhook handling failed");
      return json(
        { error: { code: "internal_error", message: "Could not process the event now; it will be redelivered" } },
        { status: 500 },
      );
    }
  });
}
