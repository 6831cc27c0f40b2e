// POST /api/admin/orders/:id/resume – start automation again; what fell due while paused runs now (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { throttleOrderAutomation } from "@/lib/http/abuse-limits";
import { readOptionalJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { resumeSchema } from "@/lib/orders/automation-input";
import { adminResume } from "@/lib/orders/user-actions";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  const { id } = await context.params;
  await readOptionalJson(request, resumeSchema);
  await throttleOrderAutomation(admin.id);
  return json(await adminResume({ adminId: admin.id, orderId: id }));
});
