// GET /orders/:id/access?token=… – a guest's signed link (from the order e-mail): keeps the token in the order's httpOnly cookie, opens the order page
import { NextResponse } from "next/server";
import { appUrl } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { throttleGuestLink } from "@/lib/http/abuse-limits";
import { clientAddress } from "@/lib/http/client-address";
import { route } from "@/lib/http/responses";
import { verifyGuestToken } from "@/lib/orders/guest-link";
import { rememberGuestOrder } from "@/lib/orders/order-viewer";

export const dynamic = "force-dynamic";

export const GET = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  await throttleGuestLink(clientAddress(request.headers));
  const token = new URL(request.url).searchParams.get("token");
  // A wrong, altered or other order's token: no such order, as for a stranger.
  if (!verifyGuestToken(id, token)) throw new AppError("not_found", "Order not found");
  await rememberGuestOrder(id);
  // The token leaves the address bar (and the Referer of what the page links to).
  return NextResponse.redirect(new URL(`/orders/${id}`, appUrl()), 303);
});
