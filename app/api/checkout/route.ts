// POST /api/checkout – place an order for the cart: stock reserved, payment deadline set
import { requireUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { json, route } from "@/lib/http/responses";
import { checkoutCart } from "@/lib/orders/checkout-cart";

export const POST = route(async (request: Request) => {
  const user = await requireUser();
  const key = request.headers.get("idempotency-key") ?? undefined;
  if (key !== undefined && !/^[\w.:-]{1,100}$/.test(key)) {
    throw new AppError("invalid_request", "Idempotency-Key must be 1–100 letters, digits, '-', '_', '.' or ':'");
  }
  const { order } = await checkoutCart({ userId: user.id, idempotencyKey: key });
  return json(order, { status: 201 });
});
