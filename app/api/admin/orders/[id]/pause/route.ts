// POST /api/admin/orders/:id/pause – stop automation on an order: no timer or job moves it until resumed (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { throttleOrderAutomation } from "@/lib/http/abuse-limits";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { pauseSchema } from "@/lib/orders/automation-input";
import { adminPause } from "@/lib/orders/user-actions";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  const { id } = await context.params;
  const { reason } = await readJson(request, pauseSchema);
  await throttleOrderAutomation(admin.id);
  return json(await adminPause({ adminId: admin.id, orderId: id, reason }));
});
