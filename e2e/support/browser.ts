import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { client, signIn, signedInShopper } from "./api";
import { createBook } from "./db";

/** A browser context signed in as the seeded admin. */
export async function adminContext(browser: Browser): Promise<BrowserContext> {
  const admin = await client();
  const response = await signIn(admin, "admin@example.com", "admin-pass-1");
  if (response.status() >= 400) throw new Error(`admin sign-in failed: ${response.status()}`);
  return browser.newContext({ storageState: await admin.storageState() });
}

/** A signed-in shopper's browser context with one book in the cart and, if asked, an order placed for it. */
export async function shopperContext(browser: Browser, options: { title?: string; stock?: number; order?: boolean } = {}) {
  const shopper = await signedInShopper();
  const bookId = await createBook(options.stock ?? 5, options.title ?? `A Shopper's Book ${Math.random().toString(36).slice(2, 7)}`, 2450);
  await shopper.api.post("/api/cart/items", { data: { bookId, quantity: 1 } });
  const orderId = options.order ? ((await (await shopper.api.post("/api/checkout")).json()).id as string) : undefined;
  const context = await browser.newContext({ storageState: await shopper.api.storageState() });
  return { context, bookId, orderId, api: shopper.api };
}

export type E2eAddress = { name: string; line1: string; city: string; state: string; postal: string };
export const NEW_YORK: E2eAddress = { name: "Robin Reader", line1: "350 5th Ave", city: "New York", state: "NY", postal: "10118" };

/** Fills the hosted payment page's US shipping address (kept by the page after a decline, so only when empty). */
export async function fillShippingAddress(page: Page, address: E2eAddress = NEW_YORK): Promise<void> {
  // On the payment page (a click on "Pay now" may still be on its way there).
  await expect(page.getByRole("heading", { name: "Pay Paperleaf Books" })).toBeVisible();
  const line1 = page.getByLabel("Address line 1", { exact: true });
  if ((await line1.count()) === 0 || (await line1.inputValue()) !== "") return;
  await page.getByLabel("Full name", { exact: true }).fill(address.name);
  await line1.fill(address.line1);
  await page.getByLabel("City", { exact: true }).fill(address.city);
  await page.getByLabel("State", { exact: true }).selectOption(address.state);
  await page.getByLabel("ZIP code", { exact: true }).fill(address.postal);
}

/** Fills the hosted payment page's card fields with a test card (4242: paid) and presses Pay. */
async function payWithCard(page: Page, card: string, name: string): Promise<void> {
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiry (MM/YY)").fill("12/34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Name on card").fill(name);
  await page.getByRole("button", { name: /^Pay \$/ }).click();
}

/** Pays on the hosted payment page with the 4242 test card and waits for the store's "paid" page. */
export async function payWithTestCard(page: Page): Promise<void> {
  await payWithCard(page, "4242 4242 4242 4242", NEW_YORK.name);
  await expect(page.getByRole("heading", { name: /your order is paid/i })).toBeVisible();
}

/** Pays on the emulator's hosted page as a shopper would: the address, then a test card (4242: paid). */
export async function payByCard(page: Page, card = "4242424242424242"): Promise<void> {
  await fillShippingAddress(page);
  await payWithCard(page, card, "Robin Reader");
}
