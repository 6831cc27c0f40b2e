// GET /api/admin/hooks/:id – one endpoint and its newest deliveries; DELETE – remove it and its deliveries (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { deleteHookEndpoint, getHookEndpoint, listHookDeliveries } from "@/lib/hooks/endpoints";
import { throttleHookChanges } from "@/lib/http/abuse-limits";
import { json, route } from "@/lib/http/responses";

type Context = { params: Promise<{ id: string }> };

export const GET = route(async (_request: Request, context: Context) => {
  await requireAdmin();
  const { id } = await context.params;
  return json({ endpoint: await getHookEndpoint(id), deliveries: await listHookDeliveries(id) });
});

export const DELETE = route(async (_request: Request, context: Context) => {
  const admin = await requireAdmin();
  await throttleHookChanges(admin.id);
  await deleteHookEndpoint((await context.params).id);
  return json({ deleted: true });
});
