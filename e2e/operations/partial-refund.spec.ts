import { expect, test } from "../support/test";
import { signedInShopper } from "../support/api";
import { adminContext } from "../support/browser";
import { createBook, e2eDb, stockOf } from "../support/db";
import { orderStatus, payOnEmulator } from "../support/orders";

const shots = "docs/screenshots";

test.describe("partial refunds", () => {
  test("the operator refunds one of two lines: partially refunded with the right amount, on the console and the shopper's page", async ({
    browser,
  }) => {
    const shopper = await signedInShopper();
    const kept = await createBook(4, "A Book That Stays", 1800);
    const returned = await createBook(4, "A Book Refunded In Part", 2400);
    await shopper.api.post("/api/cart/items", { data: { bookId: kept, quantity: 1 } });
    await shopper.api.post("/api/cart/items", { data: { bookId: returned, quantity: 2 } });
    const order = await (await shopper.api.post("/api/checkout")).json();
    const { checkoutUrl } = await (await shopper.api.post(`/api/orders/${order.id}/payments`)).json();
    await payOnEmulator(String(checkoutUrl));
    await expect.poll(() => orderStatus(order.id), { timeout: 20_000 }).toBe("paid");
    // One of the two copies: half of what the line was paid (the first unit; the last takes any odd cent).
    const [line] = await e2eDb()`select (unit_price_cents * quantity - discount_cents + tax_cents)::int as paid from order_items
      where order_id = ${order.id} and book_id = ${returned}`;
    const amount = Math.floor(Number(line!.paid) / 2);
    const dollars = `$${(amount / 100).toFixed(2)}`;

    const context = await adminContext(browser);
    const page = await context.newPage();
    await page.goto(`/admin/orders/${order.id}`);
    await expect(page.getByRole("heading", { name: "Refund part of the order" })).toBeVisible();
    await page.getByLabel("A Book Refunded In Part").selectOption("1");
    await page.getByLabel("Reason (optional)").fill("one copy arrived damaged");
    await page.getByRole("button", { name: "Refund selected" }).click();
    await expect(page.getByText("Partially refunded", { exact: true })).toBeVisible();
    await expect
      .poll(async () => (await e2eDb()`select status from refunds where order_id = ${order.id}`)[0]?.status, { timeout: 20_000 })
      .toBe("succeeded");
    await page.reload();
    await expect(page.getByText("Partial refund: Completed")).toBeVisible();
    await expect(page.getByText("1 × A Book Refunded In Part")).toBeVisible();
    await expect(page.getByText(dollars).first()).toBeVisible();
    await page.screenshot({ path: `${shots}/partial-refund-admin.png`, fullPage: true });
    const [refund] = await e2eDb()`select amount_cents, reason from refunds where order_id = ${order.id}`;
    expect(refund).toMatchObject({ amount_cents: amount, reason: "requested_by_admin" });
    expect(await orderStatus(order.id)).toBe("paid");
    // Not shipped yet: the refunded copy is back on the shelf.
    expect(await stockOf(returned)).toEqual({ available: 3, reserved: 0, sold: 1 });
    await context.close();

    const shopperPage = await (await browser.newContext({ storageState: await shopper.api.storageState() })).newPage();
    await shopperPage.goto(`/orders/${order.id}`);
    await expect(shopperPage.getByText("Partially refunded", { exact: true })).toBeVisible();
    await expect(shopperPage.getByText("Partial refund: Completed")).toBeVisible();
    await expect(shopperPage.getByText("1 × A Book Refunded In Part")).toBeVisible();
    await expect(shopperPage.getByText(dollars).first()).toBeVisible();
    // The copy still out may be asked back by the shopper before it ships.
    await expect(shopperPage.getByRole("heading", { name: "Return some books before they ship" })).toBeVisible();
    await shopperPage.screenshot({ path: `${shots}/partial-refund-shopper.png`, fullPage: true });
    await shopperPage.context().close();
  });
});
