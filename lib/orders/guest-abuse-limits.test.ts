// Issue #18: abuse limits for guest checkout (no account), designed with the
// shopper limits of abuse-limits.test.ts: per client address, per e-mail
// address, and what one address may hold unpaid. Bad input changes nothing.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { addCartItem, createCart } from "@/lib/cart/cart-store";
import { env } from "@/lib/env";
import { LIMITS, take } from "@/lib/http/abuse-limits";
import { checkoutGuestCart } from "@/lib/orders/checkout-cart";
import { guestCheckoutSchema } from "@/lib/orders/guest-checkout-input";
import { cancelOrder } from "@/lib/orders/user-actions";
import { startPayment } from "@/lib/payments/start-payment";
import { createBook, stockOf } from "@/test/fixtures";
import { guestIdentity, placedGuestOrder } from "@/test/gateway";

async function guestCart(bookId: number, quantity = 1): Promise<string> {
  const cartId = await createCart(null);
  await addCartItem(cartId, bookId, quantity);
  return cartId;
}

const checkoutAs = (email: string, clientAddress: string, cartId: string) =>
  checkoutGuestCart({ email, clientAddress, cartId, idempotencyKey: randomUUID() });

describe("guest checkout limits", () => {
  it("at most MAX_UNPAID_GUEST_ORDERS_PER_EMAIL open orders per address: the next is a 409 and reserves nothing", async () => {
    const max = env().MAX_UNPAID_GUEST_ORDERS_PER_EMAIL;
    const bookId = await createBook(max + 5);
    const { email } = guestIdentity();
    const placed: string[] = [];
    for (let i = 0; i < max; i++) placed.push((await checkoutAs(email, guestIdentity().clientAddress, await guestCart(bookId))).order.id);
    const before = await stockOf(bookId);
    await expect(checkoutAs(email, guestIdentity().clientAddress, await guestCart(bookId))).rejects.toMatchObject({
      code: "too_many_unpaid_orders",
      status: 409,
    });
    expect(await stockOf(bookId)).toEqual(before);
    // Cancelling one (through its link) makes room again.
    await cancelOrder({ userId: null, guestOrderId: placed[0]!, orderId: placed[0]! });
    await expect(checkoutAs(email, guestIdentity().clientAddress, await guestCart(bookId))).resolves.toMatchObject({
      order: { status: "created" },
    });
  });

  it("at most MAX_RESERVED_COPIES_PER_GUEST_EMAIL copies held unpaid per address", async () => {
    const max = env().MAX_RESERVED_COPIES_PER_GUEST_EMAIL;
    const bookId = await createBook(max + 10);
    const { email, clientAddress } = guestIdentity();
    await expect(checkoutAs(email, clientAddress, await guestCart(bookId, Math.min(50, max + 1)))).rejects.toMatchObject({
      code: "too_many_reserved_copies",
      status: 409,
    });
    expect(await stockOf(bookId)).toMatchObject({ reserved: 0 });
  });

  it("per client address: over the limit is a 429 with the wait, before anything is reserved", async () => {
    const bookId = await createBook(50);
    const { clientAddress } = guestIdentity();
    for (let i = 0; i < LIMITS.guestCheckoutAddress.points; i++) await take(LIMITS.guestCheckoutAddress, clientAddress);
    const before = await stockOf(bookId);
    await expect(checkoutAs(guestIdentity().email, clientAddress, await guestCart(bookId))).rejects.toMatchObject({
      code: "rate_limited",
      status: 429,
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect(await stockOf(bookId)).toEqual(before);
    // Another network is not affected.
    await expect(checkoutAs(guestIdentity().email, guestIdentity().clientAddress, await guestCart(bookId))).resolves.toBeTruthy();
  });

  it("per e-mail address, from any network: over the limit is a 429", async () => {
    const bookId = await createBook(50);
    const { email } = guestIdentity();
    for (let i = 0; i < LIMITS.guestCheckoutEmail.points; i++) await take(LIMITS.guestCheckoutEmail, email);
    const before = await stockOf(bookId);
    await expect(checkoutAs(email, guestIdentity().clientAddress, await guestCart(bookId))).rejects.toMatchObject({
      code: "rate_limited",
      status: 429,
      message: expect.stringMatching(/this e-mail address/),
    });
    expect(await stockOf(bookId)).toEqual(before);
  });

  it("payment attempts count against the guest's address", async () => {
    const order = await placedGuestOrder();
    for (let i = 0; i < LIMITS.paymentStart.points; i++) await take(LIMITS.paymentStart, `guest:${order.email}`);
    await expect(startPayment({ userId: null, guestOrderId: order.orderId, orderId: order.orderId })).rejects.toMatchObject({
      code: "rate_limited",
      status: 429,
    });
  });

  it("an empty or missing cart is refused before any limit is spent", async () => {
    const { email, clientAddress } = guestIdentity();
    await expect(checkoutGuestCart({ email, clientAddress, cartId: null })).rejects.toMatchObject({ code: "empty_cart" });
    await expect(checkoutGuestCart({ email, clientAddress, cartId: await createCart(null) })).rejects.toMatchObject({ code: "empty_cart" });
    expect(await take({ ...LIMITS.guestCheckoutEmail, points: 1 }, email)).toBe(0);
  });
});

describe("the guest checkout body", () => {
  it.each([[{}], [{ email: "" }], [{ email: "not an address" }], [{ email: `${"a".repeat(250)}@example.com` }], [{ email: 42 }], [null]])(
    "refuses %j",
    (body) => {
      expect(guestCheckoutSchema.safeParse(body).success).toBe(false);
    },
  );

  it("keeps an address in lower case", () => {
    expect(guestCheckoutSchema.parse({ email: "Ann.Reader@Example.COM" })).toEqual({ email: "ann.reader@example.com" });
  });
});
