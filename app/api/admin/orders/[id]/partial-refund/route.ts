// POST /api/admin/orders/:id/partial-refund – refund lines, the shipping or an amount of a paid or shipped order (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { throttlePartialRefund } from "@/lib/http/abuse-limits";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { adminPartialRefundSchema } from "@/lib/orders/partial-refund-input";
import { adminPartialRefund } from "@/lib/orders/user-actions";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  const { id } = await context.params;
  const body = await readJson(request, adminPartialRefundSchema);
  await throttlePartialRefund({ id: admin.id, role: "admin" });
  return json(await adminPartialRefund({ adminId: admin.id, orderId: id, ...body }), { status: 202 });
});
