import { describe, expect, it, vi } from "vitest";
import { POST as checkoutRoute } from "@/app/api/checkout/route";
import { addCartItem, createCart } from "@/lib/cart/cart-store";
import { LIMITS, take } from "@/lib/http/abuse-limits";
import { createBook, createUser, stockOf } from "@/test/fixtures";
import { signInAs } from "@/test/session";

// POST /api/checkout with { partial }: the same door as any checkout (signed in,
// or a guest with an address; the checkout rate; the JSON body limit); a bad
// `partial` is a 400 and changes nothing.

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (await import("@/test/session")).fakeSession.session,
}));

const post = (body?: string) =>
  new Request("http://localhost/api/checkout", { method: "POST", headers: { "content-type": "application/json" }, body });

type ErrorBody = { error: { code: string; details?: unknown } };

async function shortCart() {
  const userId = await createUser();
  const plenty = await createBook(5, 1000);
  const short = await createBook(1, 800);
  const cart = await createCart(userId);
  await addCartItem(cart, plenty, 1);
  await addCartItem(cart, short, 3);
  signInAs(userId);
  return { userId, plenty, short };
}

describe("POST /api/checkout { partial }", () => {
  it("without it: 409 out_of_stock naming each short line with its alternatives; with it: 201 and what was left out", async () => {
    const { plenty, short } = await shortCart();
    const refused = await checkoutRoute(post(), undefined);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({
      code: "out_of_stock",
      details: [{ bookId: short, requested: 3, available: 1, alternatives: expect.any(Array) }],
    });
    const placed = await checkoutRoute(post(JSON.stringify({ partial: true })), undefined);
    expect(placed.status).toBe(201);
    expect(await placed.json()).toMatchObject({ totalCents: 1800, leftOut: [{ bookId: short, requested: 3, ordered: 1 }] });
    expect(await stockOf(plenty)).toMatchObject({ available: 4, reserved: 1 });
  });

  it("a partial that is not true or false, or a body past the limit, is refused and changes nothing", async () => {
    const { plenty, short } = await shortCart();
    for (const body of [{ partial: "yes" }, { partial: 1 }, { partial: null }, { partial: [true] }]) {
      const response = await checkoutRoute(post(JSON.stringify(body)), undefined);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as ErrorBody).error.code).toBe("invalid_request");
    }
    const huge = await checkoutRoute(post(JSON.stringify({ partial: true, pad: "x".repeat(64 * 1024) })), undefined);
    expect(huge.status).toBe(413);
    expect(await stockOf(plenty)).toMatchObject({ available: 5, reserved: 0 });
    expect(await stockOf(short)).toMatchObject({ available: 1, reserved: 0 });
  });

  it("counts against the shopper's checkout rate like any checkout", async () => {
    const { userId, short } = await shortCart();
    for (let i = 0; i < LIMITS.checkout.points; i++) await take(LIMITS.checkout, userId);
    const response = await checkoutRoute(post(JSON.stringify({ partial: true })), undefined);
    expect(response.status).toBe(429);
    expect(await stockOf(short)).toMatchObject({ available: 1, reserved: 0 });
  });

  it("a guest's partial order goes through the same door (an address, then the cart)", async () => {
    signInAs(null);
    const response = await checkoutRoute(post(JSON.stringify({ partial: true })), undefined);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe("invalid_request");
  });
});
