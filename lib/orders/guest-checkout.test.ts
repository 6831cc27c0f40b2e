// Issue #18, guest checkout: a shopper without an account orders with an e-mail
// address, follows the order through its signed link, and a verified account of
// that address claims it. Everything through dispatch, the real database and emulator.
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { listOrdersForAdmin } from "@/lib/admin/admin-orders";
import { listStuckOrders } from "@/lib/admin/order-overview";
import { claimGuestOrders, sendEmailVerification, verifyEmail } from "@/lib/auth/email-verification";
import { registerUser } from "@/lib/auth/users";
import { addCartItem, loadCart } from "@/lib/cart/cart-store";
import { sendOrderEmail } from "@/lib/notifications/send-order-email";
import { dispatch } from "@/lib/orders/dispatch";
import { guestOrderLink, guestToken, verifyGuestToken } from "@/lib/orders/guest-link";
import { getOrderForUser, getOrderForViewer } from "@/lib/orders/order-view";
import { cancelOrder, requestRefund } from "@/lib/orders/user-actions";
import { reconcileSuccessReturn, recordCancelledReturn } from "@/lib/payments/return-from-gateway";
import { startPayment } from "@/lib/payments/start-payment";
import { stripeClient } from "@/lib/payments/stripe-client";
import { eventTypes, orderRow, stockOf } from "@/test/fixtures";
import { guestOrderAtGateway, payAtGateway, placedGuestOrder, placedOrder } from "@/test/gateway";

const asGuestOf = (orderId: string) => ({ userId: null, guestOrderId: orderId });

async function guestColumns(orderId: string) {
  const { db } = await getDb();
  const [row] = await db.execute<{ user_id: string | null; guest_email: string | null; guest_cart_id: string | null }>(
    sql`select user_id, guest_email, guest_cart_id from orders where id = ${orderId}`,
  );
  return row!;
}

/** The verification link's token from the newest mail to `email` in the outbox. */
async function mailedToken(email: string): Promise<string> {
  const { db } = await getDb();
  const [mail] = await db.execute<{ text_body: string }>(
    sql`select text_body from emails where to_address = ${email} and subject like 'Confirm%' order by created_at desc limit 1`,
  );
  return /verify-email\?token=([A-Za-z0-9_-]{43})/.exec(mail!.text_body)![1]!;
}

describe("a guest's order", () => {
  it("is held by the e-mail address: stock reserved, no user, the cart's books leave the cart when paid", async () => {
    const order = await guestOrderAtGateway({ stock: 4, quantity: 2 });
    expect(await guestColumns(order.orderId)).toEqual({ user_id: null, guest_email: order.email, guest_cart_id: order.cartId });
    expect(await stockOf(order.bookId)).toMatchObject({ available: 2, reserved: 2, sold: 0 });
    // The gateway is given the address the store collected.
    const session = await stripeClient().checkout.sessions.retrieve(order.sessionId);
    expect(session.customer_email).toBe(order.email);
    await payAtGateway(order.sessionId);
    await reconcileSuccessReturn({ ...asGuestOf(order.orderId), sessionId: order.sessionId });
    expect((await orderRow(order.orderId)).status).toBe("paid");
    expect(await stockOf(order.bookId)).toMatchObject({ available: 2, reserved: 0, sold: 2 });
    expect((await loadCart(order.cartId)).items).toEqual([]);
  });

  it("is cancelled through its link like any order: stock released, the e-mail's link reaches it", async () => {
    const order = await placedGuestOrder({ stock: 2 });
    await expect(cancelOrder({ ...asGuestOf(order.orderId), orderId: order.orderId })).resolves.toMatchObject({ status: "cancelled" });
    expect(await stockOf(order.bookId)).toMatchObject({ available: 2, reserved: 0 });
  });

  it("times out like any order", async () => {
    const order = await placedGuestOrder({ stock: 2 });
    const late = Date.now() + 24 * 3600_000;
    expect((await dispatch(order.orderId, { type: "TIMEOUT", at: late }, "timer")).status).toBe("cancelled");
    expect(await stockOf(order.bookId)).toMatchObject({ available: 2, reserved: 0 });
  });

  it("is refunded on request through its link", async () => {
    const order = await guestOrderAtGateway({ stock: 2 });
    await payAtGateway(order.sessionId);
    await reconcileSuccessReturn({ ...asGuestOf(order.orderId), sessionId: order.sessionId });
    const refunded = await requestRefund({ ...asGuestOf(order.orderId), orderId: order.orderId, reason: "changed my mind" });
    expect(refunded.status).toBe("refund_pending");
    expect(await stockOf(order.bookId)).toMatchObject({ available: 2, sold: 0 });
  });

  it("is in the operator's lists under the guest's address, also when stuck", async () => {
    const order = await placedGuestOrder();
    const { db } = await getDb();
    await db.execute(sql`update orders set needs_attention = true, attention_reason = 'test' where id = ${order.orderId}`);
    expect((await listOrdersForAdmin({ q: order.email })).items.find((o) => o.id === order.orderId)).toMatchObject({
      email: order.email,
      isGuest: true,
    });
    expect((await listStuckOrders(1000)).find((o) => o.id === order.orderId)).toMatchObject({ email: order.email });
  });

  it("sends its e-mails to the guest's address, with the order's signed link", async () => {
    const order = await placedGuestOrder();
    expect(await sendOrderEmail({ orderId: order.orderId, template: "order_created", dedupeKey: `${order.orderId}:t` })).not.toBe(
      "no_order",
    );
    const { db } = await getDb();
    const [mail] = await db.execute<{ to_address: string; text_body: string }>(
      sql`select to_address, text_body from emails where dedupe_key = ${`${order.orderId}:t`}`,
    );
    expect(mail!.to_address).toBe(order.email);
    expect(mail!.text_body).toContain(guestOrderLink(order.orderId));
  });
});

describe("the signed link", () => {
  it("opens its order only; a tampered token, another order's token or a user's order open nothing", async () => {
    const a = await placedGuestOrder();
    const b = await placedGuestOrder();
    const token = guestToken(a.orderId);
    expect(verifyGuestToken(a.orderId, token)).toBe(true);
    const flipped = `${token.slice(0, 10)}${token[10] === "A" ? "B" : "A"}${token.slice(11)}`;
    for (const bad of [flipped, guestToken(b.orderId), "", token.slice(1), `${token}x`, guestToken(a.orderId, "another-secret-of-16+")]) {
      expect(verifyGuestToken(a.orderId, bad), bad).toBe(false);
    }
    await expect(getOrderForViewer(asGuestOf(a.orderId), a.orderId)).resolves.toMatchObject({ id: a.orderId, guestEmail: a.email });
    // Holding a's link says nothing about b.
    await expect(getOrderForViewer(asGuestOf(a.orderId), b.orderId)).rejects.toMatchObject({ code: "not_found" });
    await expect(cancelOrder({ ...asGuestOf(a.orderId), orderId: b.orderId })).rejects.toMatchObject({ code: "not_found" });
    expect((await orderRow(b.orderId)).status).toBe("created");
    // A shopper's (non-guest) order has no guest link.
    const mine = await placedOrder();
    await expect(getOrderForViewer(asGuestOf(mine.orderId), mine.orderId)).rejects.toMatchObject({ code: "not_found" });
    await expect(startPayment({ ...asGuestOf(mine.orderId), orderId: mine.orderId })).rejects.toMatchObject({ code: "not_found" });
  });

  it("the payment return pages know the guest only through the order's link", async () => {
    const order = await guestOrderAtGateway();
    const other = await placedGuestOrder();
    await expect(recordCancelledReturn({ ...asGuestOf(other.orderId), sessionId: order.sessionId })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(recordCancelledReturn({ userId: null, sessionId: order.sessionId })).rejects.toMatchObject({ code: "not_found" });
    await expect(recordCancelledReturn({ ...asGuestOf(order.orderId), sessionId: order.sessionId })).resolves.toEqual({
      orderId: order.orderId,
    });
  });
});

describe("claiming guest orders", () => {
  it("only after the address is verified; once; recorded in the order's events", async () => {
    const order = await placedGuestOrder();
    const user = await registerUser({ email: order.email.toUpperCase(), password: "a long password 1", name: "Late Registrant" });
    await sendEmailVerification(user);
    // Registered, not yet proven: the order is still nobody's.
    expect((await guestColumns(order.orderId)).user_id).toBeNull();
    await expect(getOrderForUser(user.id, order.orderId)).rejects.toMatchObject({ code: "not_found" });

    const token = await mailedToken(user.email);
    const verified = await verifyEmail(token);
    expect(verified).toEqual({ userId: user.id, email: order.email, claimedOrderIds: [order.orderId] });
    expect((await guestColumns(order.orderId)).user_id).toBe(user.id);
    expect(await eventTypes(order.orderId)).toEqual(["OrderCreated", "OrderClaimed"]);
    await expect(getOrderForUser(user.id, order.orderId)).resolves.toMatchObject({ status: "created" });
    // The e-mail's link still opens it.
    await expect(getOrderForViewer(asGuestOf(order.orderId), order.orderId)).resolves.toMatchObject({ id: order.orderId });

    // Single use; a second claim is a duplicate that changes nothing.
    await expect(verifyEmail(token)).rejects.toMatchObject({ code: "invalid_request" });
    expect(await claimGuestOrders(user.id, order.email)).toEqual([]);
    expect((await dispatch(order.orderId, { type: "CLAIM", userId: user.id }, "user")).outcome).toBe("duplicate");
    const stranger = (await registerUser({ email: `x-${randomUUID()}@test.example`, password: "a long password 1", name: "X" })).id;
    expect((await dispatch(order.orderId, { type: "CLAIM", userId: stranger }, "user")).outcome).toBe("ignored");
    expect((await guestColumns(order.orderId)).user_id).toBe(user.id);
    expect(await eventTypes(order.orderId)).toEqual(["OrderCreated", "OrderClaimed"]);
  });

  it("a made-up or expired link claims nothing", async () => {
    const order = await placedGuestOrder();
    const user = await registerUser({ email: order.email, password: "a long password 1", name: "Someone" });
    await sendEmailVerification(user);
    await expect(verifyEmail("A".repeat(43))).rejects.toMatchObject({ code: "invalid_request" });
    await expect(verifyEmail("short")).rejects.toMatchObject({ code: "invalid_request" });
    const { db } = await getDb();
    await db.execute(sql`update email_verifications set expires_at = now() - interval '1 second' where user_id = ${user.id}`);
    await expect(verifyEmail(await mailedToken(user.email))).rejects.toMatchObject({ code: "invalid_request" });
    expect((await guestColumns(order.orderId)).user_id).toBeNull();
  });

  it("a guest order paid after its claim is the account's, and its books still leave the guest's cart", async () => {
    const order = await guestOrderAtGateway({ stock: 3 });
    await addCartItem(order.cartId, order.bookId, 1);
    const user = await registerUser({ email: order.email, password: "a long password 1", name: "Claimer" });
    await sendEmailVerification(user);
    await verifyEmail(await mailedToken(user.email));
    await payAtGateway(order.sessionId);
    await reconcileSuccessReturn({ userId: user.id, sessionId: order.sessionId });
    expect((await orderRow(order.orderId)).status).toBe("paid");
    expect(await eventTypes(order.orderId)).toEqual(["OrderCreated", "PaymentStarted", "OrderClaimed", "OrderPaid"]);
    expect((await loadCart(order.cartId)).items).toEqual([]);
    await expect(getOrderForUser(user.id, order.orderId)).resolves.toMatchObject({ status: "paid" });
  });
});
