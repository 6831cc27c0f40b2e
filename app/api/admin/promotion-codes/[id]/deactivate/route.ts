// POST /api/admin/promotion-codes/:id/deactivate – shoppers can no longer apply the code (operators only)
import { requireAdmin } from "@/lib/auth/session";
import { json, route } from "@/lib/http/responses";
import { deactivatePromotionCode } from "@/lib/payments/promotion-codes";

export const POST = route(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  return json(await deactivatePromotionCode(admin.id, (await context.params).id));
});
