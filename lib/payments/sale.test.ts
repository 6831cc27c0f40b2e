import { sql } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { addCartItem, createCart } from "@/lib/cart/cart-store";
import { checkoutCart } from "@/lib/orders/checkout-cart";
import { sendOrderEmail } from "@/lib/notifications/send-order-email";
import { addBusinessDays } from "@/lib/orders/shipping";
import { adminFulfil } from "@/lib/orders/user-actions";
import { handleWebhook } from "@/lib/payments/handle-webhook";
import { reconcileSuccessReturn } from "@/lib/payments/return-from-gateway";
import { startPayment } from "@/lib/payments/start-payment";
import { stripeClient } from "@/lib/payments/stripe-client";
import { createBook, createUser, orderRow, stockOf } from "@/test/fixtures";
import { createPromotionCode, emulatorControl, shippingRateOf } from "@/test/gateway";
import { stripeEvent } from "@/test/webhooks";

// A shipped sale end to end against the emulator: the session the store
// creates asks for an address, offers the store's rates, computes tax and
// takes a code; the order stores what the gateway settled, read back from it,
// and refuses a payment whose amount is not that session's total.

const NEW_YORK = {
  name: "Ada Reader",
  address: { line1: "350 5th Ave", line2: "Floor 2", city: "New York", state: "NY", postal_code: "10118", country: "US" },
};

async function shopperOrder(prices: number[]) {
  const userId = await createUser();
  const cart = await createCart(userId);
  const books: number[] = [];
  for (const price of prices) {
    const bookId = await createBook(5, price);
    books.push(bookId);
    await addCartItem(cart, bookId, 1);
  }
  const { order } = await checkoutCart({ userId });
  const { checkoutUrl } = await startPayment({ userId, email: "ada@example.com", orderId: order.id });
  return { userId, orderId: order.id, books, sessionId: checkoutUrl.split("/pay/")[1]! };
}

const pay = (sessionId: string, details: Record<string, unknown>) =>
  emulatorControl(`/_emulator/sessions/${sessionId}/pay`, { card: "4242424242424242", shipping: NEW_YORK, ...details }) as Promise<{
    status: string;
  }>;

async function lines(orderId: string) {
  const { db } = await getDb();
  return db.execute<{ book_id: number; discount_cents: number; tax_cents: number }>(sql`
    select book_id, discount_cents, tax_cents from order_items where order_id = ${orderId} order by book_id`);
}

describe("a shipped sale", () => {
  it("offers the store's rates, and stores the address, express, the code, discount and tax per order and per line", async () => {
    const { userId, orderId, sessionId } = await shopperOrder([1299, 2500]);
    const express = await shippingRateOf(sessionId, "express");
    expect(express.fixed_amount?.amount).toBe(1499);
    expect((await shippingRateOf(sessionId, "standard")).fixed_amount?.amount).toBe(499);
    const code = await createPromotionCode({ percentOff: 10 });
    expect(await pay(sessionId, { shippingRate: express.id, promotionCode: code })).toMatchObject({ status: "succeeded" });
    expect(await reconcileSuccessReturn({ userId, sessionId })).toEqual({ orderId, outcome: "paid" });

    const row = await orderRow(orderId);
    const gateway = await stripeClient().checkout.sessions.retrieve(sessionId);
    expect(row).toMatchObject({
      status: "paid",
      subtotal_cents: 3799,
      shipping_method: "express",
      shipping_cents: 1499,
      promotion_code: code,
      shipping_country: "US",
    });
    // 10 % off each line, rounded half up: 130 + 250.
    expect(row.discount_cents).toBe(380);
    // New York: 4 % on the discounted books and on shipping.
    expect(row.tax_cents).toBe(Math.round(1169 * 0.04) + Math.round(2250 * 0.04) + Math.round(1499 * 0.04));
    expect(row.total_cents).toBe(row.subtotal_cents - row.discount_cents + row.shipping_cents + row.tax_cents);
    expect(row.total_cents).toBe(gateway.amount_total);
    const { db } = await getDb();
    const [address] = await db.execute(sql`
      select shipping_name, shipping_line1, shipping_line2, shipping_city, shipping_postal_code, shipping_region, shipping_country, customer_email
      from orders where id = ${orderId}`);
    expect(address).toEqual({
      shipping_name: "Ada Reader",
      shipping_line1: "350 5th Ave",
      shipping_line2: "Floor 2",
      shipping_city: "New York",
      shipping_postal_code: "10118",
      shipping_region: "NY",
      shipping_country: "US",
      customer_email: "ada@example.com",
    });
    const perLine = await lines(orderId);
    expect(perLine.map((l) => l.discount_cents)).toEqual([130, 250]);
    expect(perLine.map((l) => l.tax_cents)).toEqual([Math.round(1169 * 0.04), Math.round(2250 * 0.04)]);
    const [payment] = await db.execute<{ amount_cents: number; status: string }>(
      sql`select amount_cents, status from payments where order_id = ${orderId}`,
    );
    expect(payment).toEqual({ amount_cents: row.total_cents, status: "paid" });

    // The e-mail prints the same amounts and the address (one function makes the lines for every place).
    expect(await sendOrderEmail({ orderId, template: "order_paid", dedupeKey: `${orderId}:sale-test` })).toMatch(/stored|sent/);
    const [mail] = await db.execute<{ body_text: string; recipient: string }>(
      sql`select text_body as body_text, to_address as recipient from emails where dedupe_key = ${`${orderId}:sale-test`}`,
    );
    const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;
    expect(mail!.body_text).toContain(`Subtotal: ${usd(3799)}`);
    expect(mail!.body_text).toContain(`Discount (${code}): -${usd(380)}`);
    expect(mail!.body_text).toContain(`Shipping (Express): ${usd(1499)}`);
    expect(mail!.body_text).toContain(`Tax: ${usd(row.tax_cents)}`);
    expect(mail!.body_text).toContain(`Total: ${usd(row.total_cents)}`);
    expect(mail!.body_text).toContain("Ship to:\nAda Reader\n350 5th Ave\nFloor 2\nNew York, NY 10118\nUnited States");

    // The delivery estimate follows the chosen rate (express: 2 business days at most).
    const admin = await createUser("admin");
    const shipped = await adminFulfil({ adminId: admin, orderId });
    expect(shipped.estimatedDelivery).toBe(addBusinessDays(new Date(), 2));
  });

  it("ships standard free when the books cost at least the threshold", async () => {
    const { userId, orderId, sessionId } = await shopperOrder([2600, 2400]);
    const standard = await shippingRateOf(sessionId, "standard");
    expect(standard.fixed_amount?.amount).toBe(0);
    await pay(sessionId, { shippingRate: standard.id });
    expect(await reconcileSuccessReturn({ userId, sessionId })).toEqual({ orderId, outcome: "paid" });
    const row = await orderRow(orderId);
    expect(row).toMatchObject({ status: "paid", subtotal_cents: 5000, shipping_cents: 0, shipping_method: "standard", discount_cents: 0 });
    expect(row.total_cents).toBe(5000 + Math.round(2600 * 0.04) + Math.round(2400 * 0.04));
  });

  it("refuses and flags a payment whose reported amount is not the session's total read back from the gateway", async () => {
    const { orderId, books, sessionId } = await shopperOrder([1299]);
    await pay(sessionId, {});
    const session = await stripeClient().checkout.sessions.retrieve(sessionId);
    // A signed event whose body says less was charged than the session the store created.
    const tampered = stripeEvent("checkout.session.completed", {
      ...session,
      amount_total: session.amount_total! - 500,
    }) as unknown as Stripe.Event;
    expect(await handleWebhook(tampered)).toBe("handled");
    const row = await orderRow(orderId);
    expect(row.status).toBe("created");
    expect(row.needs_attention).toBe(true);
    const { db } = await getDb();
    const [flag] = await db.execute<{ attention_reason: string }>(sql`select attention_reason from orders where id = ${orderId}`);
    expect(flag!.attention_reason).toContain(
      `the payment took ${session.amount_total! - 500}, the session's total is ${session.amount_total}`,
    );
    const [payment] = await db.execute<{ status: string; failure_reason: string }>(
      sql`select status, failure_reason from payments where order_id = ${orderId}`,
    );
    // Refused, and what the gateway took (the session's total, not the body's figure) goes back.
    expect(payment).toEqual({ status: "paid", failure_reason: "amount_mismatch" });
    const refunds = await db.execute<{ amount_cents: number; reason: string; status: string }>(
      sql`select amount_cents, reason, status from refunds where order_id = ${orderId}`,
    );
    expect(refunds).toEqual([{ amount_cents: session.amount_total!, reason: "mismatched_payment", status: "pending" }]);
    // Nothing was sold: the copy is still only reserved.
    expect(await stockOf(books[0]!)).toMatchObject({ reserved: 1, sold: 0 });
  });

  it("will not ship a paid order that has no address", async () => {
    const { userId, orderId, sessionId } = await shopperOrder([1299]);
    await pay(sessionId, {});
    await reconcileSuccessReturn({ userId, sessionId });
    // Simulates a row that lost its address (the machine never pays one without it).
    const { db } = await getDb();
    await db.execute(sql`update orders set shipping_line1 = null,
      machine_snapshot = jsonb_set(machine_snapshot, '{context,sale,address}', 'null'::jsonb) where id = ${orderId}`);
    const admin = await createUser("admin");
    await expect(adminFulfil({ adminId: admin, orderId })).rejects.toMatchObject({
      message: expect.stringContaining("no shipping address"),
    });
    expect((await orderRow(orderId)).status).toBe("paid");
  });
});
