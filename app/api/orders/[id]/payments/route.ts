// POST /api/orders/:id/payments – start (or resume) paying: a hosted Checkout Session, or 202 when the gateway is down
import { json, route } from "@/lib/http/responses";
import { orderViewer } from "@/lib/orders/order-viewer";
import { openPayment } from "@/lib/payments/start-payment";

export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const { user, userId, guestOrderId } = await orderViewer(id);
  const payment = await openPayment({ userId, guestOrderId, email: user?.email, orderId: id });
  // Accepted, not failed: the order waits with its books reserved, and a pay link follows by e-mail.
  if ("delayed" in payment) {
    return json({ status: "delayed", message: payment.message, paymentDeadline: payment.paymentDeadline }, { status: 202 });
  }
  return json(
    { paymentId: payment.paymentId, status: "pending", checkoutUrl: payment.checkoutUrl },
    { status: payment.created ? 201 : 200 },
  );
});
