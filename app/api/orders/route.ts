// GET /api/orders – the signed-in user's orders, newest first
import { requireUser } from "@/lib/auth/session";
import { json, route } from "@/lib/http/responses";
import { listOrdersForUser } from "@/lib/orders/order-view";

export const GET = route(async () => {
  const user = await requireUser();
  return json({ items: await listOrdersForUser(user.id) }, { headers: { "Cache-Control": "no-store" } });
});
