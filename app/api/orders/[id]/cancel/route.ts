// POST /api/orders/:id/cancel – cancel an unpaid order (its shopper, or a guest holding its link)
import { json, route } from "@/lib/http/responses";
import { orderViewer } from "@/lib/orders/order-viewer";
import { cancelOrder } from "@/lib/orders/user-actions";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const { userId, guestOrderId } = await orderViewer(id);
  return json(await cancelOrder({ userId, guestOrderId, orderId: id }));
});
