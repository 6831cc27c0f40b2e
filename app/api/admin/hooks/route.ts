// GET /api/admin/hooks – the outbound hook endpoints; POST – register one (operators only; 404 for everybody else)
import { requireAdmin } from "@/lib/auth/session";
import { createHookEndpoint, listHookEndpoints } from "@/lib/hooks/endpoints";
import { hookEndpointInputSchema } from "@/lib/hooks/input";
import { throttleHookChanges } from "@/lib/http/abuse-limits";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";

export const GET = route(async () => {
  await requireAdmin();
  return json({ endpoints: await listHookEndpoints() });
});

// The answer carries the endpoint's signing secret: the only time it is shown.
export const POST = route(async (request: Request) => {
  const admin = await requireAdmin();
  await throttleHookChanges(admin.id);
  const input = await readJson(request, hookEndpointInputSchema);
  return json(await createHookEndpoint(admin.id, input), { status: 201 });
});
