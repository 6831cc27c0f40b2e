// POST /api/admin/orders/:id/fulfil – ship a paid order by hand, with the parcel's tracking number if it has one (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { throttleOrderAutomation } from "@/lib/http/abuse-limits";
import { readOptionalJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { shipByHandSchema } from "@/lib/orders/automation-input";
import { adminFulfil } from "@/lib/orders/user-actions";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  const { id } = await context.params;
  const { trackingNumber } = await readOptionalJson(request, shipByHandSchema);
  await throttleOrderAutomation(admin.id);
  return json(await adminFulfil({ adminId: admin.id, orderId: id, trackingNumber }));
});
