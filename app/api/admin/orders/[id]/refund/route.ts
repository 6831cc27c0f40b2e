// POST /api/admin/orders/:id/refund – refund any paid or fulfilled order (operators only)
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/session";
import { throttleOrderChanges } from "@/lib/http/abuse-limits";
import { readOptionalJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { adminRefund } from "@/lib/orders/user-actions";

// outside: pay the shopper back another way (an operator's retry after the gateway failed, a closed card).
const bodySchema = z.object({ reason: z.string().trim().max(500).optional(), outside: z.literal(true).optional() });

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  const { id } = await context.params;
  const { reason, outside } = await readOptionalJson(request, bodySchema);
  await throttleOrderChanges(admin.id);
  return json(await adminRefund({ adminId: admin.id, orderId: id, reason, outside }), { status: 202 });
});
