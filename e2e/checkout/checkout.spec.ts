import { expect, test } from "../support/test";
import { client, register } from "../support/api";
import { createBook, e2eDb, stockOf } from "../support/db";

const shots = "docs/screenshots";

test.describe("checkout in the browser", () => {
  test("anonymous cart → checkout offers guest or sign-in → signed in, back with the cart intact → order created", async ({ page }) => {
    const api = await client();
    const account = await register(api);
    const book = await createBook(4, "The Browser Checkout Book", 1899);

    await page.goto(`/books/${book}`);
    await page.getByLabel("Quantity").fill("2");
    await page.getByRole("button", { name: /add to cart/i }).click();
    await expect(page.getByRole("status").getByText(/^Added .* to your cart\./)).toBeVisible();
    await expect(page.getByTestId("cart-count")).toHaveText("2");

    await page.goto("/cart");
    await expect(page.getByRole("link", { name: "The Browser Checkout Book" })).toBeVisible();
    await page.screenshot({ path: `${shots}/cart-desktop.png` });
    await page
      .getByRole("link", { name: /check out/i })
      .first()
      .click();

    // A visitor may check out as a guest, or sign in from the checkout page.
    await expect(page).toHaveURL(/\/checkout$/);
    await expect(page.getByTestId("guest-checkout")).toBeVisible();
    await page.getByTestId("guest-checkout").getByRole("link", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fcheckout/);
    await page.screenshot({ path: `${shots}/signin-desktop.png` });
    await page.getByLabel("E-mail").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page).toHaveURL(/\/checkout$/);
    await expect(page.getByText("The Browser Checkout Book")).toBeVisible();
    await page.screenshot({ path: `${shots}/checkout-desktop.png` });
    await page.getByRole("button", { name: "Place order" }).click();

    // One step: the order is placed and the payment page opens; the order page is where the shopper comes back to.
    await expect(page.getByRole("heading", { name: "Pay Paperleaf Books" })).toBeVisible();
    const [payment] = await e2eDb()`select order_id from payments where gateway_session_id = ${page.url().split("/pay/")[1]!}`;
    await page.goto(`/orders/${payment!.order_id as string}`);
    await expect(page.getByText("Awaiting payment").first()).toBeVisible();
    await expect(page.getByRole("button", { name: /pay now/i })).toBeVisible();
    await page.screenshot({ path: `${shots}/order-desktop.png`, fullPage: true });
    const orderId = page.url().split("/").pop()!;
    const [row] = await e2eDb()`select status from orders where id = ${orderId}`;
    expect(row?.status).toBe("created");
    expect(await stockOf(book)).toEqual({ available: 2, reserved: 2, sold: 0 });
  });

  test("out of stock at checkout: the short line is named, nothing reserved, the shopper fixes the cart", async ({ page }) => {
    const api = await client();
    const account = await register(api);
    const book = await createBook(3, "The Nearly Gone Book", 999);
    await page.goto("/signin");
    await page.getByLabel("E-mail").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/$/);
    await page.goto(`/books/${book}`);
    await page.getByLabel("Quantity").fill("3");
    await page.getByRole("button", { name: /add to cart/i }).click();
    await expect(page.getByRole("status").getByText(/^Added .* to your cart\./)).toBeVisible();
    // Someone else buys two copies meanwhile.
    await e2eDb()`update books set stock_available = 1, stock_reserved = stock_reserved + 2 where id = ${book}`;

    await page.goto("/checkout");
    await page.getByRole("button", { name: "Place order" }).click();
    await expect(page.getByText(/only 1 left/i).first()).toBeVisible();
    await page.screenshot({ path: `${shots}/checkout-out-of-stock.png`, fullPage: true });
    expect(await stockOf(book)).toEqual({ available: 1, reserved: 2, sold: 0 });
    await page
      .getByRole("button", { name: /change to 1/i })
      .first()
      .click();
    await expect(page.getByRole("button", { name: "Place order" })).toBeEnabled();
    await page.getByRole("button", { name: "Place order" }).click();
    await expect(page.getByRole("heading", { name: "Pay Paperleaf Books" })).toBeVisible();
    expect(await stockOf(book)).toEqual({ available: 0, reserved: 3, sold: 0 });
  });

  test("the cart page on a 375 px phone", async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    const book = await createBook(5, "A Small Screen Book", 1299);
    await page.goto(`/books/${book}`);
    await page.getByRole("button", { name: /add to cart/i }).click();
    await expect(page.getByRole("status").getByText(/^Added .* to your cart\./)).toBeVisible();
    await page.goto("/cart");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/cart-mobile.png`, fullPage: true });
    await context.close();
  });
});
