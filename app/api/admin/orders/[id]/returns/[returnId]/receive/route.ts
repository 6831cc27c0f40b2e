// POST /api/admin/orders/:id/returns/:returnId/receive – a return arrived: restock chosen copies, refund the lines (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { throttleOrderChanges } from "@/lib/http/abuse-limits";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { receiveReturnSchema } from "@/lib/orders/return-input";
import { adminReceiveReturn } from "@/lib/orders/user-actions";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string; returnId: string }> }) => {
  const admin = await requireAdmin();
  const { id, returnId } = await context.params;
  const { restock } = await readJson(request, receiveReturnSchema);
  await throttleOrderChanges(admin.id);
  return json(await adminReceiveReturn({ adminId: admin.id, orderId: id, returnId, restock }), { status: 202 });
});
