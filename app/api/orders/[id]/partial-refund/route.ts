// POST /api/orders/:id/partial-refund – a shopper asks some lines back (own order, paid, not shipped, within the refund window)
import { requireUser } from "@/lib/auth/session";
import { throttlePartialRefund } from "@/lib/http/abuse-limits";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { shopperPartialRefundSchema } from "@/lib/orders/partial-refund-input";
import { requestPartialRefund } from "@/lib/orders/user-actions";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const { id } = await context.params;
  const { lines, reason } = await readJson(request, shopperPartialRefundSchema);
  await throttlePartialRefund({ id: user.id, role: "customer" });
  return json(await requestPartialRefund({ userId: user.id, orderId: id, lines, reason }), { status: 202 });
});
