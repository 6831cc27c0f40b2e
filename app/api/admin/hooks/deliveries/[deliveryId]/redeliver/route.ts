// POST /api/admin/hooks/deliveries/:deliveryId/redeliver – send one delivery again now, same event id and body (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { redeliverHook } from "@/lib/hooks/endpoints";
import { throttleHookChanges } from "@/lib/http/abuse-limits";
import { json, route } from "@/lib/http/responses";

export const POST = route(async (_request: Request, context: { params: Promise<{ deliveryId: string }> }) => {
  const admin = await requireAdmin();
  await throttleHookChanges(admin.id);
  return json({ delivery: await redeliverHook((await context.params).deliveryId) }, { status: 202 });
});
