// GET /api/orders/:id – one of the user's orders (another user's is 404)
import { requireUser } from "@/lib/auth/session";
import { json, route } from "@/lib/http/responses";
import { getOrderForUser } from "@/lib/orders/order-view";

export const GET = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const { id } = await context.params;
  return json(await getOrderForUser(user.id, id), { headers: { "Cache-Control": "no-store" } });
});
