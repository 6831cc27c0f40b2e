// POST /api/admin/hooks/:id/disable – stops deliveries to the endpoint (they are held) (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { setHookEndpointEnabled } from "@/lib/hooks/endpoints";
import { throttleHookChanges } from "@/lib/http/abuse-limits";
import { json, route } from "@/lib/http/responses";

export const POST = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  await throttleHookChanges(admin.id);
  return json({ endpoint: await setHookEndpointEnabled((await context.params).id, false) });
});
