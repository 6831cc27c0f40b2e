import AxeBuilder from "@axe-core/playwright";
import { waitForTitle } from "../support/axe";
import type { Page } from "@playwright/test";
import { expect, test } from "../support/test";
import { adminContext, shopperContext } from "../support/browser";
import { paidOrder } from "../support/orders";

// axe-core on every kind of page: no serious or critical violation of WCAG 2.1 A/AA.

async function seriousViolations(page: Page): Promise<string[]> {
  await waitForTitle(page);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 3)
          .join(" | ")}`,
    );
}

async function expectAccessible(page: Page, path: string, ready: (page: Page) => Promise<void>) {
  await page.goto(path);
  await ready(page);
  expect(await seriousViolations(page), `axe on ${path}`).toEqual([]);
}

const heading = (name: string | RegExp) => async (page: Page) => {
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
};

test.describe("accessibility (axe)", () => {
  test("shopper pages: catalog, book, cart, checkout, order, sign-in, password reset, did you mean", async ({ browser, page }) => {
    await expectAccessible(page, "/", async (p) => void (await expect(p.getByRole("link", { name: /.+/ }).first()).toBeVisible()));
    await expectAccessible(page, "/signin", heading(/sign in/i));
    await expectAccessible(page, "/forgot-password", heading("Forgot your password?"));
    await expectAccessible(page, "/reset-password?token=not-a-token", heading("This link no longer works"));
    await expectAccessible(
      page,
      "/?q=austin",
      async (p) => void (await expect(p.getByRole("heading", { name: /Did you mean/ })).toBeVisible()),
    );

    const shopper = await shopperContext(browser, { order: true, title: "An Accessible Book" });
    const shopperPage = await shopper.context.newPage();
    await expectAccessible(shopperPage, `/books/${shopper.bookId}`, heading("An Accessible Book"));
    await shopper.api.post("/api/cart/items", { data: { bookId: shopper.bookId, quantity: 1 } });
    await expectAccessible(shopperPage, "/cart", heading(/cart/i));
    await expectAccessible(shopperPage, "/checkout", heading(/check ?out/i));
    await expectAccessible(shopperPage, `/orders/${shopper.orderId}`, heading(/^Order /));
    await expectAccessible(shopperPage, "/orders", heading(/orders/i));
    await shopper.context.close();
  });

  test("operator console: orders, an order, stock, machine, sales", async ({ browser }) => {
    const shopper = await shopperContext(browser, { order: true });
    await shopper.context.close();
    const context = await adminContext(browser);
    const page = await context.newPage();
    await expectAccessible(page, "/admin/orders", heading("Orders"));
    await expectAccessible(page, `/admin/orders/${shopper.orderId}`, heading(/^Order /));
    await expectAccessible(page, "/admin/stock", heading("Stock"));
    await expectAccessible(page, "/admin/machine", heading("Order machine"));
    await page.screenshot({ path: "docs/screenshots/admin-machine.png", fullPage: true });
    await expectAccessible(page, "/admin/sales", heading("Sales"));
    await context.close();
  });

  test("the sale's pages: a paid order, its receipt and packing slip, promotion codes", async ({ browser }) => {
    const { orderId, shopper } = await paidOrder({ title: "An Accessible Receipt Book" });
    const own = await browser.newContext({ storageState: await shopper.api.storageState() });
    const page = await own.newPage();
    await expectAccessible(page, `/orders/${orderId}`, heading(/^Order /));
    await expectAccessible(page, `/orders/${orderId}/receipt`, heading("Receipt"));
    await own.close();
    const context = await adminContext(browser);
    const operator = await context.newPage();
    await expectAccessible(operator, `/admin/orders/${orderId}/packing-slip`, heading("Packing slip"));
    await expectAccessible(operator, "/admin/promotions", heading("Promotion codes"));
    await operator.screenshot({ path: "docs/screenshots/admin-promotions.png", fullPage: true });
    await context.close();
  });
});
