// GET /api/orders/:id/events – server-sent events: the order's revision and status now and after every change
import { findSessionUser } from "@/lib/auth/users";
import { clientAddress } from "@/lib/http/client-address";
import { route } from "@/lib/http/responses";
import { orderViewer } from "@/lib/orders/order-viewer";
import { MAX_STREAMS, openOrderStream } from "@/lib/orders/order-stream";

export const dynamic = "force-dynamic";

export const GET = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const { user, userId, guestOrderId } = await orderViewer(id);
  const account = user ? await findSessionUser(user.id) : undefined;
  const stream = await openOrderStream({
    orderId: id,
    viewer: { userId, guestOrderId, role: user?.role ?? "customer" },
    signal: request.signal,
    request,
    // The account as it was at connect: the same role and session version (no "sign out everywhere" since).
    stillAllowed: async () => {
      if (!account) return true;
      const now = await findSessionUser(account.id);
      return now?.role === account.role && now.sessionVersion === account.sessionVersion;
    },
    holders: [
      { key: userId ? `user:${userId}` : `guest:${id}`, max: MAX_STREAMS.viewer },
      { key: `address:${clientAddress(request.headers)}`, max: MAX_STREAMS.address },
    ],
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
