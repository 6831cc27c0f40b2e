import { expect, test } from "../support/test";
import { client, signIn, signedInShopper } from "../support/api";
import { createBook, e2eDb, stockOf } from "../support/db";

const shots = "docs/screenshots";

test.describe("operator console: stock and sales", () => {
  test("admin receives copies of a book, then reads the sales charts", async ({ browser }) => {
    const bookId = await createBook(2, "A Restocked Book");
    const admin = await client();
    expect((await signIn(admin, "admin@example.com", "admin-pass-1")).status()).toBeLessThan(400);
    const context = await browser.newContext({ storageState: await admin.storageState() });
    const page = await context.newPage();

    await page.goto("/admin/stock?q=A%20Restocked%20Book");
    await expect(page.getByRole("heading", { name: "Stock", level: 1 })).toBeVisible();
    // Earlier runs may have left books with the same title: pick this one by its link.
    const row = page.getByRole("row").filter({ has: page.locator(`a[href="/books/${bookId}"]`) });
    await expect(row.getByRole("cell").first()).toHaveText("2");
    await row.getByRole("spinbutton", { name: "Copies of A Restocked Book to receive" }).fill("5");
    await row.getByRole("button", { name: "Receive" }).click();
    await expect(row.getByRole("status")).toHaveText("Received 5 copies");
    await expect(row.getByRole("cell").first()).toHaveText("7");
    expect(await stockOf(bookId)).toEqual({ available: 7, reserved: 0, sold: 0 });
    const [book] = await e2eDb()<{ received: number }[]>`select stock_received as received from books where id = ${bookId}`;
    expect(book?.received).toBe(7);
    await page.screenshot({ path: `${shots}/admin-stock.png`, fullPage: true });

    await page.goto("/admin/sales");
    await expect(page.getByRole("heading", { name: "Sales", level: 1 })).toBeVisible();
    await expect(page.getByRole("img", { name: /orders placed per day/i })).toBeVisible();
    await expect(page.getByRole("img", { name: /money per day/i })).toBeVisible();
    await page.screenshot({ path: `${shots}/admin-sales.png`, fullPage: true });
    await context.close();
  });

  test("stock and sales do not exist for customers; visitors are sent to sign in", async () => {
    const shopper = await signedInShopper();
    const visitor = await client();
    for (const path of ["/admin/stock", "/admin/sales"]) {
      expect((await shopper.api.get(path)).status()).toBe(404);
      const response = await visitor.get(path, { maxRedirects: 0 });
      expect(response.status()).toBe(307);
      expect(response.headers().location).toContain(`/signin?callbackUrl=${encodeURIComponent(path)}`);
    }
  });
});
