// POST /api/admin/orders/:id/returns/:returnId/reject – refuse a requested return, saying why (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { throttleOrderChanges } from "@/lib/http/abuse-limits";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { rejectReturnSchema } from "@/lib/orders/return-input";
import { adminRejectReturn } from "@/lib/orders/user-actions";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string; returnId: string }> }) => {
  const admin = await requireAdmin();
  const { id, returnId } = await context.params;
  const { note } = await readJson(request, rejectReturnSchema);
  await throttleOrderChanges(admin.id);
  return json(await adminRejectReturn({ adminId: admin.id, orderId: id, returnId, note }));
});
