// POST /api/orders/:id/payments – start (or resume) paying: a hosted Checkout Session
import { json, route } from "@/lib/http/responses";
import { orderViewer } from "@/lib/orders/order-viewer";
import { startPayment } from "@/lib/payments/start-payment";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const { user, userId, guestOrderId } = await orderViewer(id);
  const payment = await startPayment({ userId, guestOrderId, email: user?.email, orderId: id });
  return json(
    { paymentId: payment.paymentId, status: "pending", checkoutUrl: payment.checkoutUrl },
    { status: payment.created ? 201 : 200 },
  );
});
