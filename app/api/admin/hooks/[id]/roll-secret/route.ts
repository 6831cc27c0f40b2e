// POST /api/admin/hooks/:id/roll-secret – a new signing secret, shown this once; the old one signs too for HOOK_SECRET_GRACE_HOURS (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { rollHookSecret } from "@/lib/hooks/endpoints";
import { throttleHookChanges } from "@/lib/http/abuse-limits";
import { json, route } from "@/lib/http/responses";

export const POST = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  await throttleHookChanges(admin.id);
  return json(await rollHookSecret((await context.params).id), { headers: { "Cache-Control": "no-store" } });
});
