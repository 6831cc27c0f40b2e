// GET /api/orders/:id/events – server-sent events: the order's revision and status now and after every change
import { requireUser } from "@/lib/auth/session";
import { route } from "@/lib/http/responses";
import { openOrderStream } from "@/lib/orders/order-stream";

export const dynamic = "force-dynamic";

export const GET = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const { id } = await context.params;
  const stream = await openOrderStream({ orderId: id, viewer: user, signal: request.signal });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
