import type { Browser, BrowserContext } from "@playwright/test";
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
