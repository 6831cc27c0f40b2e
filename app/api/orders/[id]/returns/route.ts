// POST /api/orders/:id/returns – return delivered lines with a reason (the order's shopper, within the return window)
import { requireUser } from "@/lib/auth/session";
import { throttleReturnRequests } from "@/lib/http/abuse-limits";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { returnRequestSchema } from "@/lib/orders/return-input";
import { requestReturn } from "@/lib/orders/user-actions";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const { id } = await context.params;
  const { lines, reason } = await readJson(request, returnRequestSchema);
  await throttleReturnRequests(user.id);
  return json(await requestReturn({ userId: user.id, orderId: id, lines, reason }), { status: 202 });
});
