import { devices, type Browser, type BrowserContextOptions, type Page } from "@playwright/test";
import { expect, test } from "../support/test";
import { signedInShopper } from "../support/api";
import { seriousViolations } from "../support/axe";
import { payByCard } from "../support/browser";
import { createBook, e2eDb, stockOf } from "../support/db";
import { orderStatus, payOnEmulator } from "../support/orders";

// Issue #20, the shopper's cart and orders: each test below failed in Chromium before its fix.

const shots = "docs/screenshots";
const viewports = [
  ["desktop", { viewport: { width: 1280, height: 900 } }],
  ["mobile", { ...devices["Pixel 7"], viewport: { width: 390, height: 844 } }],
] as const;

/** A signed-in shopper's browser with these books in the cart (a new book each: title, stock, copies). */
async function shopperWithCart(
  browser: Browser,
  lines: { title: string; stock: number; quantity: number }[],
  use: BrowserContextOptions = viewports[0][1],
) {
  const shopper = await signedInShopper();
  const books: number[] = [];
  for (const line of lines) {
    const bookId = await createBook(line.stock, line.title, 1250);
    await shopper.api.post("/api/cart/items", { data: { bookId, quantity: line.quantity } });
    books.push(bookId);
  }
  const context = await browser.newContext({ ...use, storageState: await shopper.api.storageState() });
  const page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  const [user] = await e2eDb()<{ id: string }[]>`select id from users where email = ${shopper.email}`;
  return { page, books, api: shopper.api, userId: user!.id, close: () => context.close() };
}

async function ordersOf(userId: string) {
  return e2eDb()<{ id: string; status: string; reason: string | null }[]>`
    select o.id, o.status, (select e.payload->>'reason' from order_events e where e.order_id = o.id and e.type = 'OrderCancelled' limit 1) as reason
    from orders o where o.user_id = ${userId} order by o.created_at`;
}

const paymentPage = (page: Page) => expect(page.getByRole("heading", { name: "Pay Paperleaf Books" })).toBeVisible();

test.describe("no duplicate unpaid orders", () => {
  test("back from the payment page through the cart: a banner offers that order, the cart is not 'out of stock', and paying it leaves one paid order and an empty cart badge", async ({
    browser,
  }) => {
    const title = `The Last Two Copies ${Date.now()}`;
    // Two copies on the shelf, both in the cart: the order holds them all.
    const { page, books, userId, close } = await shopperWithCart(browser, [{ title, stock: 2, quantity: 2 }]);
    await page.goto("/checkout");
    await page.getByRole("button", { name: "Place order and pay" }).click();
    await paymentPage(page);
    expect(await stockOf(books[0]!)).toMatchObject({ available: 0, reserved: 2 });

    // The shopper comes back to the store through the cart.
    await page.goto("/cart");
    const banner = page.getByTestId("open-order-banner");
    await expect(banner.getByRole("heading", { name: "These books are ordered and waiting for payment" })).toBeVisible();
    // Their own reservation does not make their cart say the books ran out.
    await expect(page.getByText("Out of stock")).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Check out" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/cart-open-order-desktop.png`, fullPage: true });

    // Checkout goes to the same order, and says so.
    await page.getByRole("link", { name: "Check out" }).click();
    await expect(page.getByTestId("open-order-note")).toContainText("already ordered");
    await page.screenshot({ path: `${shots}/checkout-open-order-desktop.png`, fullPage: true });
    await page.getByRole("button", { name: "Pay for your order" }).click();
    await paymentPage(page);
    expect((await ordersOf(userId)).map((o) => o.status)).toEqual(["created"]);

    // Back once more, and this time pay from the cart's banner.
    await page.goto("/cart");
    await expect(page.getByTestId("cart-count")).toHaveText("2");
    await page.getByRole("button", { name: "Pay for this order" }).click();
    await payByCard(page);
    await expect(page).toHaveURL(/\/checkout\/success/);
    await expect(page.getByRole("heading", { name: /your order is paid/i })).toBeVisible({ timeout: 20_000 });
    // One order, paid; the books left the cart, and the header says so (issue #20: it stayed at 2).
    expect((await ordersOf(userId)).map((o) => o.status)).toEqual(["paid"]);
    await expect(page.getByTestId("cart-count")).toHaveText("0");
    await page.goto("/cart");
    await expect(page.getByTestId("open-order-banner")).toHaveCount(0);
    await expect(page.getByTestId("cart-count")).toHaveText("0");
    await close();
  });

  test("a changed cart replaces the unpaid order: the banner says so, checkout cancels the old one, one order stays open", async ({
    browser,
  }) => {
    const stamp = Date.now();
    const { page, books, userId, close } = await shopperWithCart(browser, [{ title: `A Replaced Book ${stamp}`, stock: 3, quantity: 1 }]);
    await page.goto("/checkout");
    await page.getByRole("button", { name: "Place order and pay" }).click();
    await paymentPage(page);
    const [first] = await ordersOf(userId);

    await page.goto("/cart");
    await page.getByRole("button", { name: /^Increase quantity of/ }).click();
    await expect(page.getByText(/quantity 2\./)).toBeVisible();
    await page.reload();
    await expect(page.getByTestId("open-order-banner")).toContainText("Your cart has changed since");
    await page.screenshot({ path: `${shots}/cart-changed-open-order-desktop.png`, fullPage: true });
    await page.getByRole("link", { name: "Check out" }).click();
    await expect(page.getByTestId("open-order-note")).toContainText("placing this order cancels that one");
    await page.getByRole("button", { name: "Place order and pay" }).click();
    await paymentPage(page);

    const orders = await ordersOf(userId);
    expect(orders).toHaveLength(2);
    expect(orders[0]).toMatchObject({ id: first!.id, status: "cancelled", reason: "replaced_by_new_order" });
    expect(orders[1]).toMatchObject({ status: "created" });
    expect(await stockOf(books[0]!)).toMatchObject({ available: 1, reserved: 2 });
    // The old order says what happened to it, in words.
    await page.goto(`/orders/${first!.id}`);
    await expect(page.getByText(/changed your cart and placed a new order/).first()).toBeVisible();
    await close();
  });
});

test.describe("no duplicate unpaid orders for a guest", () => {
  test("a guest back through the cart sees the banner; the same address at checkout goes to the same order", async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const bookId = await createBook(3, `A Guest's Book ${Date.now()}`, 1100);
    await page.goto(`/books/${bookId}`);
    await page.getByRole("button", { name: /add to cart/i }).click();
    await expect(page.getByRole("status").getByText(/to your cart\./)).toBeVisible();
    const email = `guest-${Date.now()}@example.com`;
    const placeAs = async (button: string) => {
      await page.goto("/checkout");
      await page.getByLabel("Your e-mail address").fill(email);
      await page.getByRole("button", { name: button }).click();
      await paymentPage(page);
    };
    await placeAs("Place order and pay");
    await page.goto("/cart");
    await expect(page.getByTestId("open-order-banner")).toContainText("These books are ordered and waiting for payment");
    await placeAs("Pay for your order");
    const orders = await e2eDb()<{ status: string }[]>`select status from orders where guest_email = ${email}`;
    expect(orders.map((o) => o.status)).toEqual(["created"]);
    expect(await stockOf(bookId)).toMatchObject({ available: 2, reserved: 1 });
    await context.close();
  });
});

test.describe("the header's cart count", () => {
  test("drops to 0 when the order is paid while its page is open (no navigation)", async ({ browser }) => {
    const { page, api, userId, close } = await shopperWithCart(browser, [{ title: `A Watched Book ${Date.now()}`, stock: 3, quantity: 2 }]);
    const order = await (await api.post("/api/checkout")).json();
    await page.goto(`/orders/${order.id}`);
    await expect(page.getByTestId("cart-count")).toHaveText("2");
    // Paid elsewhere (another tab, a bank transfer settling): the webhook makes it paid and the page follows live.
    const { checkoutUrl } = await (await api.post(`/api/orders/${order.id}/payments`)).json();
    await payOnEmulator(String(checkoutUrl));
    await expect.poll(() => orderStatus(order.id), { timeout: 20_000 }).toBe("paid");
    await expect(page.getByText("Paid", { exact: true }).first()).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId("cart-count")).toHaveText("0");
    expect((await ordersOf(userId)).length).toBe(1);
    await close();
  });
});

test.describe("the cart page", () => {
  test("never shows 'Loading your cart…': its first HTML has the books, and so does a click on the header's Cart link", async ({
    browser,
  }) => {
    const title = `A Book Without A Flash ${Date.now()}`;
    const { page, api, close } = await shopperWithCart(browser, [{ title, stock: 3, quantity: 1 }]);
    const html = await (await api.get("/cart")).text();
    expect(html).toContain(title);
    expect(html).not.toContain("Loading your cart");
    // Watch every text the page ever shows while the header's link opens the cart.
    await page.addInitScript(() => {
      (window as unknown as { __loadingSeen: boolean }).__loadingSeen = false;
      new MutationObserver(() => {
        if (document.body?.textContent?.includes("Loading your cart"))
          (window as unknown as { __loadingSeen: boolean }).__loadingSeen = true;
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await page.goto("/");
    await page.getByRole("link", { name: /^Cart, / }).click();
    await expect(page.getByRole("heading", { name: "Your cart", level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: title })).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { __loadingSeen: boolean }).__loadingSeen)).toBe(false);
    await close();
  });
});

test.describe("the orders list", () => {
  for (const [name, use] of viewports) {
    test(`names the books of each order (${name})`, async ({ browser }) => {
      const stamp = Date.now();
      const { page, api, close } = await shopperWithCart(
        browser,
        [
          { title: `Emma ${stamp}`, stock: 3, quantity: 1 },
          { title: `Persuasion ${stamp}`, stock: 3, quantity: 2 },
          { title: `Sanditon ${stamp}`, stock: 3, quantity: 1 },
        ],
        use,
      );
      expect((await api.post("/api/checkout")).status()).toBe(201);
      await page.goto("/orders");
      const titles = page.getByTestId("order-titles");
      await expect(titles).toHaveText(`Emma ${stamp}, Persuasion ${stamp} +1`);
      await expect(titles).toHaveAttribute("title", `Emma ${stamp}, Persuasion ${stamp}, Sanditon ${stamp}`);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `${shots}/orders-list-titles-${name}.png` });
      if (name === "mobile") {
        await page.goto("/cart");
        await expect(page.getByTestId("open-order-banner")).toBeVisible();
        await page.screenshot({ path: `${shots}/cart-open-order-mobile.png`, fullPage: true });
      }
      await close();
    });
  }
});
