// GET /api/orders/:id/events – server-sent events: the order's revision and status now and after every change
import { route } from "@/lib/http/responses";
import { orderViewer } from "@/lib/orders/order-viewer";
import { openOrderStream } from "@/lib/orders/order-stream";

export const dynamic = "force-dynamic";

export const GET = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const { user, userId, guestOrderId } = await orderViewer(id);
  const stream = await openOrderStream({
    orderId: id,
    viewer: { userId, guestOrderId, role: user?.role ?? "customer" },
    signal: request.signal,
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
