// GET /api/admin/orders?q=&status=&queue=&from=&to=&page= – orders for operators, searchable, 50 a page (404 for everyone else)
import { requireAdmin } from "@/lib/auth/session";
import { adminOrderFilterSchema } from "@/lib/admin/order-filter";
import { invalidRequest, json, route, searchParamsObject } from "@/lib/http/responses";
import { listOrdersForAdmin } from "@/lib/admin/admin-orders";

export const GET = route(async (request: Request) => {
  await requireAdmin();
  const parsed = adminOrderFilterSchema.safeParse(searchParamsObject(request.url));
  if (!parsed.success) throw invalidRequest(parsed.error);
  return json(await listOrdersForAdmin(parsed.data), { headers: { "Cache-Control": "no-store" } });
});
