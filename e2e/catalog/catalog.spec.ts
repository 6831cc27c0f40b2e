import { expect, test } from "../support/test";
import { createBook } from "../support/db";

const shots = "docs/screenshots";

test.describe("catalog", () => {
  test("browse, search, filter and open a book", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "Catalog" })).toBeVisible();
    await expect(page.getByText(/Showing 1–24 of \d+ books/)).toBeVisible();
    await page.screenshot({ path: `${shots}/catalog-desktop.png`, fullPage: false });

    // Search by author (the header's search box, the one on every page).
    await page.getByRole("searchbox", { name: "Search books" }).fill("austen");
    await page.getByRole("searchbox", { name: "Search books" }).press("Enter");
    await expect(page).toHaveURL(/q=austen/);
    const cards = page.locator("main article");
    await expect(cards.first()).toBeVisible();
    for (const text of await cards.allInnerTexts()) expect(text.toLowerCase()).toContain("austen");

    // Filter by genre, keeping the search.
    await page.getByLabel("Genre").selectOption("Romance");
    await page.getByRole("button", { name: "Show books" }).click();
    await expect(page).toHaveURL(/genre=Romance/);
    await expect(page).toHaveURL(/q=austen/);
    await expect(page.getByLabel("Genre")).toHaveValue("Romance");
    await expect(cards.first()).toContainText(/Austen/);

    // Open a book.
    await cards.first().getByRole("link").first().click();
    await expect(page).toHaveURL(/\/books\/\d+$/);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByRole("img", { name: /^Cover of / })).toBeVisible();
    await expect(page.getByRole("button", { name: /add to cart/i })).toBeVisible();
    await page.screenshot({ path: `${shots}/book-desktop.png` });
  });

  test("pagination walks the catalog", async ({ page }) => {
    await page.goto("/");
    const nav = page.getByRole("navigation", { name: "Pagination" });
    await nav.getByRole("link", { name: /next/i }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByText(/Showing 25–48 of \d+ books/)).toBeVisible();
  });

  test("an empty search says so and offers a way back", async ({ page }) => {
    await page.goto("/?q=zzzznotabook");
    await expect(page.getByText(/No books match/)).toBeVisible();
    await expect(page.getByRole("link", { name: /clear|all books|catalog/i }).first()).toBeVisible();
  });

  test("an unknown book is a 404 page in the store's style", async ({ page }) => {
    const response = await page.goto("/books/99999999");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("link", { name: /catalog/i }).first()).toBeVisible();
  });

  test("a sold-out book cannot be added", async ({ page }) => {
    const bookId = await createBook(0, "A Sold Out Catalog Book");
    await page.goto(`/books/${bookId}`);
    await expect(page.getByText("Out of stock").first()).toBeVisible();
    // Not only the label: the button and the quantity cannot be used.
    const button = page.getByRole("button", { name: "Out of stock" });
    await expect(button).toBeDisabled();
    await expect(page.getByLabel("Quantity")).toBeDisabled();
    await expect(page.getByRole("button", { name: /add to cart/i })).toHaveCount(0);
    await button.click({ force: true });
    await expect(page.getByTestId("cart-count")).toHaveText("0");
  });

  test.describe("on a 375 px phone", () => {
    test.use({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    test("catalog and book page fit the screen", async ({ page }) => {
      await page.goto("/");
      await expect(page.getByRole("heading", { level: 1, name: "Catalog" })).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${shots}/catalog-mobile.png` });
      await page.locator("main article").first().getByRole("link").first().click();
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      const bookOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(bookOverflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${shots}/book-mobile.png`, fullPage: true });
    });
  });
});
