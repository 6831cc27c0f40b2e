// POST /api/orders/:id/payments – start (or resume) paying: a hosted Checkout Session
import { requireUser } from "@/lib/auth/session";
import { json, route } from "@/lib/http/responses";
import { startPayment } from "@/lib/payments/start-payment";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const { id } = await context.params;
  const payment = await startPayment({ userId: user.id, email: user.email, orderId: id });
  return json(
    { paymentId: payment.paymentId, status: "pending", checkoutUrl: payment.checkoutUrl },
    { status: payment.created ? 201 : 200 },
  );
});
