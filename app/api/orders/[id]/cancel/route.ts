// POST /api/orders/:id/cancel – cancel an unpaid order
import { requireUser } from "@/lib/auth/session";
import { json, route } from "@/lib/http/responses";
import { cancelOrder } from "@/lib/orders/user-actions";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const { id } = await context.params;
  return json(await cancelOrder({ userId: user.id, orderId: id }));
});
