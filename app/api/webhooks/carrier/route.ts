// POST /api/webhooks/carrier – the carrier's signed tracking callbacks (raw body; exempt from the Origin check)
import { throttleCarrierCallbacks } from "@/lib/http/abuse-limits";
import { readBodyText } from "@/lib/http/body";
import { clientAddress } from "@/lib/http/client-address";
import { errorResponse, json } from "@/lib/http/responses";
import { requestId } from "@/lib/http/request-id";
import { CARRIER_SIGNATURE_HEADER, handleCarrierCallback, MAX_CARRIER_BODY_BYTES, verifyCarrierCallback } from "@/lib/carrier/carrier";
import { withContext } from "@/lib/observability/context";
import { logger } from "@/lib/observability/log";

export function POST(request: Request): Promise<Response> {
  return withContext({ requestId: requestId(request) }, async () => {
    let callback;
    try {
      await throttleCarrierCallbacks(clientAddress(request.headers));
      // The signature covers the exact bytes: read the raw text, never re-serialise JSON.
      const body = await readBodyText(request, MAX_CARRIER_BODY_BYTES);
      callback = verifyCarrierCallback(body, request.headers.get(CARRIER_SIGNATURE_HEADER));
    } catch (error) {
      logger().warn({ reason: error instanceof Error ? error.message : String(error) }, "carrier callback rejected");
      return errorResponse(error);
    }
    try {
      const outcome = await handleCarrierCallback(callback);
      logger().info({ eventId: callback.id, status: callback.status, outcome }, "carrier callback received");
      if (outcome === "not_yet") {
        return json({ error: { code: "invalid_transition", message: "The order has not shipped yet; retry later" } }, { status: 409 });
      }
      return json({ received: true, outcome });
    } catch (error) {
      logger().error({ eventId: callback.id, err: error }, "carrier callback handling failed");
      return json({ error: { code: "internal_error", message: "Could not process the callback now; retry later" } }, { status: 500 });
    }
  });
}
