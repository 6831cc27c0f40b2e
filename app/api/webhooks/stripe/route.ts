// POST /api/webhooks/stripe – signed gateway events (raw body; exempt from the Origin check)
import { errorResponse, json } from "@/lib/http/responses";
import { requestId } from "@/lib/http/request-id";
import { handleWebhook } from "@/lib/payments/handle-webhook";
import { verifyWebhook } from "@/lib/payments/stripe-events";

export async function POST(request: Request): Promise<Response> {
  // The signature covers the exact bytes: read the raw text, never re-serialise JSON.
  const body = await request.text();
  let event;
  try {
    event = verifyWebhook(body, request.headers.get("stripe-signature"));
  } catch (error) {
    return errorResponse(error);
  }
  try {
    const outcome = await handleWebhook(event, requestId(request));
    return json({ received: true, outcome });
  } catch (error) {
    // Not our bad input: a 5xx makes the gateway redeliver later.
    console.error(JSON.stringify({ level: "error", msg: "webhook handling failed", eventId: event.id, type: event.type, error: String(error) }));
    return json({ error: { code: "internal_error", message: "Could not process the event now; it will be redelivered" } }, { status: 500 });
  }
}
