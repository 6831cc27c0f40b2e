// POST /api/orders/:id/refund – ask for a refund (paid, not shipped, within the refund window)
import { z } from "zod";
import { readOptionalJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { orderViewer } from "@/lib/orders/order-viewer";
import { requestRefund } from "@/lib/orders/user-actions";

const refundRequestSchema = z.object({ reason: z.string().trim().max(500).optional() });

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const { userId, guestOrderId } = await orderViewer(id);
  const { reason } = await readOptionalJson(request, refundRequestSchema);
  return json(await requestRefund({ userId, guestOrderId, orderId: id, reason }), { status: 202 });
});
