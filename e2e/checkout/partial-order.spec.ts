import type { Page } from "@playwright/test";
import { expect, test } from "../support/test";
import { client, register } from "../support/api";
import { fillShippingAddress, payWithTestCard } from "../support/browser";
import { createBook, e2eDb, stockOf } from "../support/db";

const shots = process.env.SHOTS_DIR ?? "docs/screenshots";

async function addToCart(page: Page, bookId: number, quantity: number) {
  await page.goto(`/books/${bookId}`);
  await page.getByLabel("Quantity").fill(String(quantity));
  await page.getByRole("button", { name: /add to cart/i }).click();
  await expect(page.getByRole("status").getByText(/^Added .* to your cart\./)).toBeVisible();
}

/** The page at phone width (375 px): screenshot, and nothing wider than the screen (no sideways scrolling, no button off it). */
async function atPhoneWidth(page: Page, path: string) {
  const desktop = page.viewportSize()!;
  await page.setViewportSize({ width: 375, height: 812 });
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const off = [...document.querySelectorAll("button, a, input, h1, h2, h3, li")]
      // Visible ones only: the skip link and other screen-reader text (sr-only) are off-screen on purpose.
      .filter((el) => el.getClientRects().length > 0 && !el.closest(".sr-only"))
      .filter((el) => el.getBoundingClientRect().right > width + 0.5 || el.getBoundingClientRect().left < -0.5)
      .map((el) => el.textContent?.trim().slice(0, 40));
    return { scroll: document.documentElement.scrollWidth - width, off };
  });
  await page.screenshot({ path, fullPage: true });
  expect(overflow).toEqual({ scroll: 0, off: [] });
  await page.setViewportSize(desktop);
}

async function cartOf(email: string) {
  return e2eDb()<{ book_id: number; quantity: number }[]>`
    select ci.book_id, ci.quantity from cart_items ci join carts c on c.id = ci.cart_id join users u on u.id = c.user_id
    where u.email = ${email} order by ci.book_id`;
}

test.describe("a partial order at checkout (issue #21)", () => {
  test("a short line with alternatives → ordered without the missing copies → the order says what was left out, the rest stays in the cart → an alternative added", async ({
    page,
  }) => {
    const api = await client();
    const account = await register(api);
    const tag = Math.random().toString(36).slice(2, 8);
    const about = { author: `Ada Partial ${tag}`, genre: `Partial Tales ${tag}` };
    const plenty = await createBook(5, `The Plentiful Book ${tag}`, 1000);
    const scarce = await createBook(3, `The Scarce Book ${tag}`, 1500, about);
    const sameAuthor = await createBook(4, `Another by Ada ${tag}`, 1200, about);
    const sameGenre = await createBook(2, `A Tale of the Same Kind ${tag}`, 900, { author: `Someone Else ${tag}`, genre: about.genre });

    await page.goto("/signin");
    await page.getByLabel("E-mail").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/$/);
    await addToCart(page, plenty, 1);
    await addToCart(page, scarce, 3);
    // Someone else reserves two copies of the scarce book meanwhile.
    await e2eDb()`update books set stock_available = 1, stock_reserved = stock_reserved + 2 where id = ${scarce}`;

    // The whole order is refused: the short line (3 asked, 1 left) with its alternatives, same author first.
    await page.goto("/checkout");
    await page.getByRole("button", { name: "Place order" }).click();
    await expect(page.getByText(/place the order without the missing copies: they stay in your cart/i)).toBeVisible();
    await expect(page.getByText(/only 1 left/i).first()).toBeVisible();
    const offered = page.getByTestId("alternatives");
    await expect(offered.getByRole("link")).toHaveText([`Another by Ada ${tag}`, `A Tale of the Same Kind ${tag}`]);
    await expect(offered.getByText("same author")).toBeVisible();
    await page.screenshot({ path: `${shots}/checkout-partial-offer.png`, fullPage: true });
    await atPhoneWidth(page, `${shots}/phone-checkout-partial-offer.png`);
    expect(await stockOf(scarce)).toEqual({ available: 1, reserved: 2, sold: 0 });

    // The shopper agrees: the order holds 1 of the plentiful book and the 1 scarce copy left.
    await page.getByRole("button", { name: "Place the order without the missing copies" }).click();
    await expect(page.getByRole("heading", { name: "Pay Paperleaf Books" })).toBeVisible();
    const [payment] = await e2eDb()`select order_id from payments where gateway_session_id = ${page.url().split("/pay/")[1]!}`;
    const orderId = payment!.order_id as string;
    const lines = await e2eDb()`select book_id, quantity from order_items where order_id = ${orderId} order by book_id`;
    expect(lines.map((l) => [l.book_id, l.quantity])).toEqual([
      [plenty, 1],
      [scarce, 1],
    ]);
    const [row] = await e2eDb()`select subtotal_cents from orders where id = ${orderId}`;
    expect(row!.subtotal_cents).toBe(1000 + 1500);
    expect(await stockOf(scarce)).toEqual({ available: 0, reserved: 3, sold: 0 });

    // Back in the cart before paying: the banner says which copies the open order holds and which it left out
    // (still in the cart, not ordered), and that the unchanged cart goes to this order, a changed one replaces it.
    const name = `Order ${orderId.slice(0, 8).toUpperCase()}`;
    await page.goto("/cart");
    const banner = page.getByTestId("open-order-banner");
    await expect(banner.getByRole("heading", { name: "Part of your cart is ordered and waiting for payment" })).toBeVisible();
    await expect(banner.getByRole("heading", { name: `In ${name}` })).toBeVisible();
    await expect(banner.getByTestId("open-order-ordered").getByRole("listitem")).toHaveText([
      `1 × The Plentiful Book ${tag}`,
      `1 × The Scarce Book ${tag}`,
    ]);
    await expect(banner.getByRole("heading", { name: "Left out: still in your cart, not ordered" })).toBeVisible();
    await expect(banner.getByTestId("open-order-left-out").getByRole("listitem")).toHaveText([`2 × The Scarce Book ${tag}`]);
    await expect(banner).toContainText("checking out this cart again goes to the same order");
    await expect(banner).toContainText(
      "change your cart: checking out then places a new order for your cart as it is and cancels this one",
    );
    await expect(banner).not.toContainText("These books are ordered");
    await page.screenshot({ path: `${shots}/cart-partial-open-order.png`, fullPage: true });
    await atPhoneWidth(page, `${shots}/phone-cart-partial-open-order.png`);

    // The checkout page says the same, and that placing the order goes to this one (not the left-out copies).
    await page.goto("/checkout");
    const note = page.getByTestId("open-order-note");
    await expect(note).toContainText(`Part of this cart is already ordered (order ${name.slice(6)}), waiting for payment`);
    await expect(note).toContainText("The copies it left out stay in your cart and are not ordered.");
    await expect(note).not.toContainText("These books are already ordered");
    await expect(note.getByTestId("open-order-ordered").getByRole("listitem")).toHaveText([
      `1 × The Plentiful Book ${tag}`,
      `1 × The Scarce Book ${tag}`,
    ]);
    await expect(note.getByTestId("open-order-left-out").getByRole("listitem")).toHaveText([`2 × The Scarce Book ${tag}`]);
    await expect(page.getByRole("button", { name: "Pay for your order" })).toBeVisible();
    await page.screenshot({ path: `${shots}/checkout-partial-open-order.png`, fullPage: true });
    await atPhoneWidth(page, `${shots}/phone-checkout-partial-open-order.png`);
    // Looking changed nothing; the banner's "Pay for this order" opens the same order's payment page.
    expect(await stockOf(scarce)).toEqual({ available: 0, reserved: 3, sold: 0 });
    await page.goto("/cart");
    await page.getByTestId("open-order-banner").getByRole("button", { name: "Pay for this order" }).click();
    await expect(page.getByRole("heading", { name: "Pay Paperleaf Books" })).toBeVisible();
    const [again] = await e2eDb()`select order_id from payments where gateway_session_id = ${page.url().split("/pay/")[1]!}`;
    expect(again!.order_id).toBe(orderId);

    // Paid: only the ordered copies leave the cart.
    await fillShippingAddress(page);
    await page.getByLabel(/^standard/i).check();
    await payWithTestCard(page);
    expect(await cartOf(account.email)).toEqual([{ book_id: scarce, quantity: 2 }]);

    // The order page says what was left out.
    await page.goto(`/orders/${orderId}`);
    const leftOut = page.getByTestId("left-out");
    await expect(leftOut.getByRole("heading", { name: "Left out of this order" })).toBeVisible();
    await expect(leftOut.getByRole("listitem")).toHaveText([`2 × The Scarce Book ${tag} (you asked for 3; 1 in this order)`]);
    await page.screenshot({ path: `${shots}/order-left-out.png`, fullPage: true });
    await atPhoneWidth(page, `${shots}/phone-order-left-out.png`);

    // The rest is in the cart; nothing of it is on the shelf, so no partial order is offered, but the alternatives are.
    await page.goto("/cart");
    await expect(page.getByRole("link", { name: `The Scarce Book ${tag}` })).toBeVisible();
    await page.goto("/checkout");
    await page.getByRole("button", { name: "Place order" }).click();
    await expect(page.getByTestId("alternatives")).toBeVisible();
    await expect(page.getByTestId("place-partial-order")).toHaveCount(0);
    await page
      .getByTestId("alternatives")
      .getByRole("button", { name: `Add to cart Another by Ada ${tag}` })
      .click();
    await expect(page.getByTestId("alternatives").getByText("In your cart")).toBeVisible();
    await expect(page.getByRole("heading", { name: `Another by Ada ${tag}` })).toBeVisible();
    expect(await cartOf(account.email)).toEqual(
      [
        { book_id: scarce, quantity: 2 },
        { book_id: sameAuthor, quantity: 1 },
      ].sort((a, b) => a.book_id - b.book_id),
    );
    await page.screenshot({ path: `${shots}/checkout-alternative-added.png`, fullPage: true });
    expect(await stockOf(sameGenre)).toEqual({ available: 2, reserved: 0, sold: 0 });
  });

  test("a guest (no account) places a partial order the same way; the order page (this browser follows it) lists what was left out", async ({
    page,
  }) => {
    const tag = Math.random().toString(36).slice(2, 8);
    const plenty = await createBook(4, `A Guest's Plentiful Book ${tag}`, 1100);
    const gone = await createBook(1, `A Guest's Vanishing Book ${tag}`, 1300);
    await addToCart(page, plenty, 2);
    await addToCart(page, gone, 1);
    // Its last copy goes to someone else meanwhile.
    await e2eDb()`update books set stock_available = 0, stock_reserved = stock_reserved + 1 where id = ${gone}`;
    const email = `partial-guest-${tag}@example.com`;

    await page.goto("/checkout");
    await page.getByLabel("Your e-mail address").fill(email);
    await page.getByRole("button", { name: "Place order" }).click();
    await expect(page.getByText(/out of stock/i).first()).toBeVisible();
    await page.getByRole("button", { name: "Place the order without the missing copies" }).click();
    await expect(page.getByRole("heading", { name: "Pay Paperleaf Books" })).toBeVisible();
    const [order] = await e2eDb()`
      select o.id, o.guest_email, o.subtotal_cents from orders o join payments p on p.order_id = o.id
      where p.gateway_session_id = ${page.url().split("/pay/")[1]!}`;
    expect([order!.guest_email, order!.subtotal_cents]).toEqual([email, 2 * 1100]);
    expect(await stockOf(plenty)).toEqual({ available: 2, reserved: 2, sold: 0 });
    expect(await stockOf(gone)).toEqual({ available: 0, reserved: 1, sold: 0 });

    await page.goto(`/orders/${order!.id as string}`);
    await expect(page.getByTestId("left-out").getByRole("listitem")).toHaveText([`1 × A Guest's Vanishing Book ${tag} (you asked for 1)`]);
  });
});
