// GET /api/admin/orders?status= – all orders for operators (404 for everyone else)
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/session";
import { orderStatuses } from "@/db/schema";
import { invalidRequest, json, route, searchParamsObject } from "@/lib/http/responses";
import { listOrdersForAdmin } from "@/lib/orders/admin-orders";

const querySchema = z.object({ status: z.enum(orderStatuses).optional() });

export const GET = route(async (request: Request) => {
  await requireAdmin();
  const parsed = querySchema.safeParse(searchParamsObject(request.url));
  if (!parsed.success) throw invalidRequest(parsed.error);
  return json({ items: await listOrdersForAdmin(parsed.data) }, { headers: { "Cache-Control": "no-store" } });
});
