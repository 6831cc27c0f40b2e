import { AppError } from "@/lib/errors";
import { throttlePromotionCodes } from "@/lib/http/abuse-limits";
import { logger } from "@/lib/observability/log";
import { getPaymentGateway, type PromotionCodeInfo } from "./gateway";
import { promotionCodeIdSchema, type PromotionCodeInput } from "./promotion-code-input";

// Operators' promotion codes live at the gateway (its coupon and
// promotion-code API): the payment page checks them, applies the discount and
// counts redemptions; the order stores the code and discount it settled with.

const STORE_CURRENCY = "usd";

export async function createPromotionCode(adminId: string, input: PromotionCodeInput): Promise<PromotionCodeInfo> {
  await throttlePromotionCodes(adminId);
  const gateway = await getPaymentGateway();
  const created = await gateway.createPromotionCode({
    code: input.code,
    ...(input.kind === "percent" ? { percentOff: input.percentOff } : { amountOffCents: input.amountOffCents }),
    currency: STORE_CURRENCY,
    ...(input.expiresOn ? { expiresAt: Date.parse(`${input.expiresOn}T23:59:59Z`) } : {}),
    ...(input.maxRedemptions ? { maxRedemptions: input.maxRedemptions } : {}),
  });
  logger().info({ adminId, promotionCodeId: created.id, code: created.code }, "promotion code created");
  return created;
}

export async function deactivatePromotionCode(adminId: string, id: string): Promise<PromotionCodeInfo> {
  if (!promotionCodeIdSchema.safeParse(id).success) throw new AppError("not_found", "No such promotion code");
  await throttlePromotionCodes(adminId);
  const gateway = await getPaymentGateway();
  const code = await gateway.deactivatePromotionCode(id).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "invalid_request") throw new AppError("not_found", "No such promotion code");
    throw error;
  });
  logger().info({ adminId, promotionCodeId: id, code: code.code }, "promotion code deactivated");
  return code;
}

export async function listPromotionCodes(max = 100): Promise<PromotionCodeInfo[]> {
  return (await getPaymentGateway()).listPromotionCodes(max);
}
