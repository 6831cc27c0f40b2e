// POST /api/admin/orders/:id/deliver – mark a shipped order delivered (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { throttleOrderChanges } from "@/lib/http/abuse-limits";
import { json, route } from "@/lib/http/responses";
import { adminDeliver } from "@/lib/orders/user-actions";

export const POST = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  const { id } = await context.params;
  await throttleOrderChanges(admin.id);
  return json(await adminDeliver({ adminId: admin.id, orderId: id }));
});
