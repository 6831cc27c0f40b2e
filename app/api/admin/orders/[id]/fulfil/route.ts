// POST /api/admin/orders/:id/fulfil – ship a paid order by hand (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { json, route } from "@/lib/http/responses";
import { adminFulfil } from "@/lib/orders/user-actions";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  const { id } = await context.params;
  return json(await adminFulfil({ adminId: admin.id, orderId: id }));
});
