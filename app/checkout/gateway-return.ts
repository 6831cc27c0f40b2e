import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { isAppError } from "@/lib/errors";
import { withContext } from "@/lib/observability/context";
import { orderViewer } from "@/lib/orders/order-viewer";
import type { OrderViewer } from "@/lib/orders/store";
import { paymentOfSession } from "@/lib/payments/store";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
type ReturnInput = OrderViewer & { sessionId: string };

/**
 * What both gateway return pages do first: read session_id, find who is back
 * (the signed-in shopper, or a guest holding the order's link cookie; neither:
 * sign in, back to this page), and run the reconciliation; a session that is
 * not this viewer's is a 404.
 */
export async function handleGatewayReturn<T>(
  searchParams: SearchParams,
  path: string,
  run: (input: ReturnInput) => Promise<T>,
): Promise<{ viewer: OrderViewer; result: T }> {
  const sessionId = [(await searchParams).session_id].flat()[0] ?? "";
  const signIn = () => redirect(`/signin?callbackUrl=${encodeURIComponent(`${path}?session_id=${sessionId}`)}`);
  // The session names the order whose guest cookie may let this visitor in.
  const sessionOrder = /^cs_[A-Za-z0-9_]{4,250}$/.test(sessionId) ? (await paymentOfSession(sessionId))?.order_id : undefined;
  const { userId, guestOrderId } = await orderViewer(sessionOrder ?? "none").catch(signIn);
  const viewer: OrderViewer = { userId, guestOrderId };
  const requestId = (await headers()).get("x-request-id") ?? undefined;
  // The request id travels in the work context into dispatch and the jobs it enqueues.
  const result = await withContext({ requestId }, () => run({ ...viewer, sessionId })).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  return { viewer, result };
}
