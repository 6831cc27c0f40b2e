// POST /api/admin/orders/:id/refund-paid-outside – record a refund owed outside the gateway as paid (operators only)
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/session";
import { throttleOrderChanges } from "@/lib/http/abuse-limits";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { adminRecordOutsideRefund } from "@/lib/orders/user-actions";

// How the operator paid the shopper: a bank transfer's reference, "cash at the counter". One line of text.
const bodySchema = z.object({
  refundId: z.uuid(),
  reference: z
    .string()
    .trim()
    .min(3, "Say how the money was paid back (a transfer's reference, say)")
    .max(200)
    // One line of plain text: no control, format (bidi overrides, zero-width) or line-separator characters.
    .regex(/^[^\p{Cc}\p{Cf}\u2028\u2029]*$/u, "One line of text, without control characters"),
});

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  const { id } = await context.params;
  const body = await readJson(request, bodySchema);
  await throttleOrderChanges(admin.id);
  return json(await adminRecordOutsideRefund({ adminId: admin.id, orderId: id, ...body }), { status: 200 });
});
