// GET /api/orders/:id – one of the user's orders, or the guest order whose link the caller holds (any other is 404)
import { json, route } from "@/lib/http/responses";
import { getOrderForViewer } from "@/lib/orders/order-view";
import { orderViewer } from "@/lib/orders/order-viewer";

export const GET = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const viewer = await orderViewer(id);
  return json(await getOrderForViewer(viewer, id), { headers: { "Cache-Control": "no-store" } });
});
