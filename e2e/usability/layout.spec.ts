import AxeBuilder from "@axe-core/playwright";
import { waitForTitle } from "../support/axe";
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "../support/test";
import { createBook, e2eDb } from "../support/db";

// Issue #20, the usability walk, layout side: each test below failed in Chromium before its fix,
// on desktop (1280×900) and on a phone (390×844) where the point is about layout.

const shots = "docs/screenshots";

const screens = [
  { name: "desktop", viewport: { width: 1280, height: 900 }, isMobile: false },
  { name: "mobile", viewport: { width: 390, height: 844 }, isMobile: true },
] as const;

const LONG_TITLE = "The Remarkable and Rather Long History of the Lighthouse Keepers of the Northern Coast";

/** Letters only (a search word): a marker no seeded title or author contains. */
function marker(): string {
  return `zq${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("")}`;
}

async function insertBook(title: string, genre: string): Promise<number> {
  const [row] = await e2eDb()<{ id: number }[]>`
    insert into books (title, author, genre, description, price_cents, currency, stock_available, stock_received)
    values (${title}, 'Layout Author', ${genre}, 'A book made by a test.', 1299, 'usd', 5, 5) returning id`;
  return row!.id;
}

async function seriousViolations(page: Page) {
  await waitForTitle(page);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }));
}

/** Whether Chromium's accessibility tree leaves out the node with this role and name (undefined: no such node). */
async function ignoredByChromium(page: Page, role: string, name: string): Promise<boolean | undefined> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as {
    nodes: { ignored: boolean; role?: { value?: string }; name?: { value?: string } }[];
  };
  await cdp.detach();
  return nodes.find((node) => node.role?.value === role && node.name?.value === name)?.ignored;
}

type Box = { x: number; y: number; width: number; height: number };

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox();
  if (!found) throw new Error(`no box for ${locator.toString()}`);
  return found;
}

/** The element that has focus, described well enough to compare: tag, text and href. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName} ${el.textContent?.trim() ?? ""} ${el.getAttribute("href") ?? ""}` : "none";
  });

for (const screen of screens) {
  test.describe(`layout (${screen.name})`, () => {
    test.use({ viewport: screen.viewport, isMobile: screen.isMobile, hasTouch: screen.isMobile });

    test("a toast with a link stays until dismissed, and comes in the tab order right after the button that raised it", async ({
      page,
    }) => {
      await page.clock.install();
      const bookId = await createBook(5, `Toast Order ${marker()}`);
      await page.goto(`/books/${bookId}`);
      const button = page.getByRole("button", { name: "Add to cart" });
      // Where Tab goes from the button when there is no toast.
      await button.focus();
      await page.keyboard.press("Tab");
      const afterButton = await focused(page);

      await button.focus();
      await page.keyboard.press("Enter");
      const viewCart = page.getByRole("link", { name: "View cart" });
      await expect(viewCart).toBeVisible();
      await expect(button).toBeFocused();
      const dismiss = page.getByRole("button", { name: "Dismiss notification" });
      await expect(dismiss).toBeVisible();

      // It stays: a minute later it is still there (toasts without a link go after 5 s).
      await page.clock.runFor(60_000);
      await expect(viewCart).toBeVisible();

      // Keyboard: the button, then the toast's link and its dismiss button, then on as before.
      await page.keyboard.press("Tab");
      await expect(viewCart).toBeFocused();
      await page.keyboard.press("Shift+Tab");
      await expect(button).toBeFocused();
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      await expect(dismiss).toBeFocused();
      await page.keyboard.press("Tab");
      expect(await focused(page)).toBe(afterButton);
      await page.keyboard.press("Shift+Tab");
      await expect(dismiss).toBeFocused();

      // Dismissed with its button: gone, and focus goes back to where it came from, not to the page body.
      await dismiss.focus();
      await page.keyboard.press("Enter");
      await expect(viewCart).toHaveCount(0);
      await expect(button).toBeFocused();

      // Escape in the toast dismisses it too.
      await page.keyboard.press("Enter");
      await expect(viewCart).toBeVisible();
      await page.keyboard.press("Tab");
      await expect(viewCart).toBeFocused();
      await page.keyboard.press("Escape");
      await expect(viewCart).toHaveCount(0);
      await expect(button).toBeFocused();

      // Once the shopper is where its link goes (here by the header's cart link), it has done its job.
      await page.keyboard.press("Enter");
      await expect(viewCart).toBeVisible();
      await page.getByRole("banner").getByRole("link", { name: /^Cart/ }).click();
      await expect(page).toHaveURL(/\/cart$/);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect(viewCart).toHaveCount(0);
    });

    test("a toast without a link still goes by itself", async ({ page }) => {
      await page.clock.install();
      const title = `Removed Soon ${marker()}`;
      const bookId = await createBook(5, title);
      await page.goto("/cart");
      const origin = new URL(page.url()).origin;
      expect((await page.request.post("/api/cart/items", { headers: { origin }, data: { bookId, quantity: 1 } })).ok()).toBe(true);
      await page.reload();
      await page.getByRole("button", { name: `Remove ${title}` }).click();
      const removed = page.getByText(`Removed “${title}” from your cart.`);
      await expect(removed).toBeVisible();
      await page.clock.runFor(6_000);
      await expect(removed).toHaveCount(0);
    });

    test("the catalog has one search box, the filters out of the way, and books on the first screen", async ({ page }) => {
      await page.goto("/");
      await expect(page.getByRole("heading", { level: 1, name: "Catalog" })).toBeVisible();
      await expect(page.getByRole("searchbox")).toHaveCount(1);
      const firstCard = page.locator("main article").first();
      // The whole first card, cover, title and price, without scrolling.
      await expect(firstCard).toBeInViewport({ ratio: 1 });
      const genre = page.getByLabel("Genre");
      if (screen.isMobile) {
        // Collapsed on a phone: one "Filters" line.
        await expect(genre).toBeHidden();
        expect(await ignoredByChromium(page, "combobox", "Genre")).not.toBe(false);
        await page.screenshot({ path: `${shots}/layout-catalog-${screen.name}.png` });
        await page.getByText("Filters", { exact: true }).click();
        await expect(genre).toBeVisible();
        await page.screenshot({ path: `${shots}/layout-catalog-filters-open-mobile.png` });
      } else {
        await expect(genre).toBeVisible();
        // Open from the sm breakpoint for assistive technology too, not only drawn (Chromium's own accessibility tree).
        expect(await ignoredByChromium(page, "combobox", "Genre")).toBe(false);
        await page.screenshot({ path: `${shots}/layout-catalog-${screen.name}.png` });
      }
      expect(await seriousViolations(page), "axe on the catalog").toEqual([]);
      await genre.selectOption("Romance");
      await page.getByRole("button", { name: "Show books" }).click();
      await expect(page).toHaveURL(/\/\?genre=Romance$/);
      await expect(page.getByLabel("Genre")).toHaveValue("Romance");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });

    test("the header search shows the current search, and the genre counts are those of the books found", async ({ page }) => {
      const word = marker();
      for (const [n, genre] of [
        [1, "Mystery"],
        [2, "Mystery"],
        [3, "Mystery"],
        [1, "Poetry"],
        [2, "Poetry"],
      ] as const)
        await insertBook(`${word} ${genre} Volume ${n}`, genre);

      await page.goto(`/?q=${word}`);
      const search = page.getByRole("searchbox", { name: "Search books" });
      await expect(search).toHaveValue(word);
      await expect(page.getByText(/^Showing 1–5 of 5 books/)).toBeVisible();
      const genre = page.getByLabel("Genre");
      if (screen.isMobile) await page.getByText("Filters", { exact: true }).click();
      // Only the genres of the books found, with their counts.
      await expect(genre.locator("option")).toHaveText(["All genres (5)", "Mystery (3)", "Poetry (2)"]);

      // A genre keeps the search; the counts still show the other genres of the search.
      await genre.selectOption("Poetry");
      await page.getByRole("button", { name: "Show books" }).click();
      await expect(page).toHaveURL(new RegExp(`q=${word}&genre=Poetry`));
      await expect(page.getByText(/^Showing 1–2 of 2 books/)).toBeVisible();
      await expect(page.getByRole("searchbox", { name: "Search books" })).toHaveValue(word);
      await expect(page.getByLabel("Genre")).toHaveValue("Poetry");
      await expect(page.getByLabel("Genre").locator("option")).toHaveText(["All genres (5)", "Mystery (3)", "Poetry (2)"]);

      // A new search from the header replaces the old one.
      await page.getByRole("searchbox", { name: "Search books" }).fill("austen");
      await page.getByRole("searchbox", { name: "Search books" }).press("Enter");
      await expect(page).toHaveURL(/\/\?q=austen$/);
      await expect(page.getByRole("searchbox", { name: "Search books" })).toHaveValue("austen");
      await expect(page.locator("main article").filter({ hasText: "Pride and Prejudice" }).first()).toBeVisible();

      // Elsewhere the header search is empty again.
      await page.goto("/cart");
      await expect(page.getByRole("searchbox", { name: "Search books" })).toHaveValue("");
    });

    test("a book page shows the quantity and Add to cart on the first screen", async ({ page }) => {
      const bookId = await createBook(5, LONG_TITLE);
      await page.goto(`/books/${bookId}`);
      await expect(page.getByRole("heading", { level: 1, name: LONG_TITLE })).toBeVisible();
      await expect(page.getByRole("img", { name: /^Cover of / })).toBeVisible();
      await expect(page.getByLabel("Quantity")).toBeInViewport({ ratio: 1 });
      await expect(page.getByRole("button", { name: "Add to cart" })).toBeInViewport({ ratio: 1 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${shots}/layout-book-${screen.name}.png` });
      expect(await seriousViolations(page), "axe on the book page").toEqual([]);
    });

    test("a toast never covers the quantity box or the button, wherever the page is scrolled", async ({ page }) => {
      const bookId = await createBook(50, LONG_TITLE);
      await page.goto(`/books/${bookId}`);
      const quantity = page.getByLabel("Quantity");
      const button = page.getByRole("button", { name: "Add to cart" });
      const form = page.locator("form").filter({ has: button });
      for (const where of ["top", "bottom"] as const) {
        // "bottom": scrolled so the form sits at the bottom edge of the screen, where toasts used to appear.
        if (where === "bottom") await form.evaluate((el) => el.scrollIntoView({ block: "end" }));
        await button.click();
        const toast = page.getByText(/to your cart\./).last();
        await expect(toast).toBeVisible();
        const toastBox = await box(page.getByRole("button", { name: "Dismiss notification" }).last().locator(".."));
        for (const target of [quantity, button]) {
          await expect(target).toBeInViewport({ ratio: 1 });
          expect(overlaps(toastBox, await box(target)), `toast over ${await target.evaluate((el) => el.tagName)} (${where})`).toBe(false);
        }
        if (screen.isMobile && where === "top") await page.screenshot({ path: `${shots}/layout-book-toast-mobile.png` });
        // Dismissed before the next round.
        for (const dismiss of await page.getByRole("button", { name: "Dismiss notification" }).all()) await dismiss.click();
      }
    });

    test("a book opened from a scrolled catalog opens at the top", async ({ page }) => {
      await page.goto("/");
      const cards = page.locator("main article");
      const card = cards.nth(screen.isMobile ? 9 : 13);
      await card.scrollIntoViewIfNeeded();
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(400);
      await card.locator("h2 a").click();
      await expect(page).toHaveURL(/\/books\/\d+$/);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
      // And it stays there once the page has settled.
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toBeInViewport();
    });
  });
}
