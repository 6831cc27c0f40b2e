// GET /api/admin/promotion-codes – the newest codes; POST – create one (operators only; 404 for everybody else)
import { requireAdmin } from "@/lib/auth/session";
import { readJson } from "@/lib/http/read-json";
import { json, route } from "@/lib/http/responses";
import { promotionCodeInputSchema } from "@/lib/payments/promotion-code-input";
import { createPromotionCode, listPromotionCodes } from "@/lib/payments/promotion-codes";

export const GET = route(async () => {
  await requireAdmin();
  return json({ promotionCodes: await listPromotionCodes() });
});

export const POST = route(async (request: Request) => {
  const admin = await requireAdmin();
  const input = await readJson(request, promotionCodeInputSchema);
  return json(await createPromotionCode(admin.id, input), { status: 201 });
});
