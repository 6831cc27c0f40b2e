import { expect, test } from "../support/test";

// Issue #20: "bronte", "miserables", "pride prejudice", "austin" and "kant reason" found nothing.
// Accents are ignored, words match in any order, and a misspelling offers "Did you mean …".

const shots = "docs/screenshots";

for (const device of [
  { name: "desktop", viewport: { width: 1280, height: 900 }, isMobile: false },
  { name: "mobile", viewport: { width: 390, height: 844 }, isMobile: true },
]) {
  test.describe(`search forgives (${device.name})`, () => {
    test.use({ viewport: device.viewport, isMobile: device.isMobile, hasTouch: device.isMobile });

    for (const [q, titles] of [
      ["bronte", ["Jane Eyre", "Wuthering Heights"]],
      ["miserables", ["Les Misérables"]],
      ["pride prejudice", ["Pride and Prejudice"]],
      ["kant reason", ["Critique of Pure Reason"]],
    ] as const) {
      test(`"${q}" finds ${titles.join(", ")}`, async ({ page }) => {
        await page.goto(`/?q=${encodeURIComponent(q)}`);
        const cards = page.locator("main article");
        for (const title of titles) await expect(cards.filter({ hasText: title }).first()).toBeVisible();
        await expect(page.getByRole("heading", { name: /Did you mean/ })).toHaveCount(0);
        await expect(page.getByText(/^Showing 1–\d+ of \d+ books?/)).toBeVisible();
      });
    }

    test('"austin" says "Did you mean austen?" and shows her books; the link searches for it', async ({ page }) => {
      await page.goto("/");
      // The header's search box: the one search box, on every page.
      const search = page.getByRole("searchbox", { name: "Search books" });
      await search.fill("austin");
      await search.press("Enter");
      await expect(page).toHaveURL(/q=austin/);
      const notice = page.getByRole("heading", { name: /No books match “austin”\. Did you mean austen\?/ });
      await expect(notice).toBeVisible();
      const cards = page.locator("main article");
      await expect(cards.filter({ hasText: "Pride and Prejudice" }).first()).toBeVisible();
      for (const text of await cards.allInnerTexts()) expect(text).toContain("Austen");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${shots}/search-did-you-mean-${device.name}.png` });

      await notice.getByRole("link", { name: "austen" }).click();
      await expect(page).toHaveURL(/q=austen/);
      await expect(page.getByRole("heading", { name: /Did you mean/ })).toHaveCount(0);
      await expect(cards.filter({ hasText: "Pride and Prejudice" }).first()).toBeVisible();
    });

    test("nothing close: no suggestion, a way back", async ({ page }) => {
      await page.goto("/?q=zzqxj");
      await expect(page.getByRole("heading", { name: "No books match “zzqxj”" })).toBeVisible();
      await expect(page.getByRole("heading", { name: /Did you mean/ })).toHaveCount(0);
      await expect(page.getByRole("link", { name: "Clear filters" })).toBeVisible();
    });
  });
}
