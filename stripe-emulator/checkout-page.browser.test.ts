import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type Page } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumFlags, chromiumPath } from "../scripts/lib/chromium";
import { bookSaleParams, startHarness, type Harness } from "./test-support";

// The hosted page in Debian's Chromium: accessible (axe, WCAG 2.1 AA), and
// its small script recomputes the totals without reloading the page while
// keeping the keyboard focus where it was. The no-JavaScript path is covered
// by checkout-sale.test.ts.

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  h = await startHarness({ webhookUrl: "" });
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
});
afterAll(async () => {
  await browser?.close();
  await h.stop();
});

async function openSale(): Promise<{ page: Page; sessionId: string }> {
  const coupon = await h.stripe.coupons.create({ percent_off: 10 });
  await h.stripe.promotionCodes.create({ promotion: { type: "coupon", coupon: coupon.id }, code: `BOOKS${coupon.id}` });
  const session = await h.stripe.checkout.sessions.create(
    bookSaleParams({ success_url: `${h.emulator.url}/?paid={CHECKOUT_SESSION_ID}`, metadata: { code: `BOOKS${coupon.id}` } }),
  );
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${h.emulator.url}/pay/${session.id}`);
  return { page, sessionId: session.id };
}

const axe = async (page: Page) =>
  (await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze()).violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 120)).join(" | ")}`,
  );

describe("the hosted page in a browser", () => {
  it("has no accessibility violations, also with errors shown", async () => {
    const { page } = await openSale();
    expect(await axe(page)).toEqual([]);
    await page.getByRole("button", { name: /^Pay \$/ }).click();
    await expect.poll(() => page.locator("#error-summary").count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("error-summary");
    expect(await axe(page)).toEqual([]);
    await page.context().close();
  });

  it("recomputes the totals in place when the country, the shipping option or the code changes, and pays that total", async () => {
    const { page, sessionId } = await openSale();
    // A marker that a page load would wipe.
    await page.evaluate(() => Object.assign(window, { stillHere: true }));
    const country = page.getByLabel("Country or region");
    await country.focus();
    await country.selectOption("DE");
    await expect.poll(() => page.locator("#address-lines").getAttribute("data-country")).toBe("DE");
    expect(await page.locator("#state").count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("country");

    await page.getByLabel("E-mail").fill("ada@example.com");
    await page.getByLabel("Full name").fill("Ada Reader");
    await page.getByLabel("Address line 1").fill("Unter den Linden 1");
    await page.getByLabel("City").fill("Berlin");
    await page.getByLabel("Postal code").fill("10117");
    await page.getByLabel(/Express/).check();
    await expect.poll(() => page.locator("#total-due").textContent()).toBe("$50.80");
    await expect.poll(() => page.locator("#live").textContent()).toBe("Total due $50.80");
    await expect.poll(() => page.getByRole("button", { name: /^Pay \$/ }).textContent()).toBe("Pay $50.80");

    const code = (await h.stripe.checkout.sessions.retrieve(sessionId)).metadata!.code!;
    await page.getByLabel("Promotion code").fill(code.toLowerCase());
    await page.keyboard.press("Enter");
    await page.getByText("Discount applied").waitFor();
    await expect.poll(() => page.locator("#total-due").textContent()).toBe("$47.11");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Remove the promotion code");
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

    await page.getByLabel("Card number").fill("4242 4242 4242 4242");
    await page.getByLabel("Expiry (MM/YY)").fill("12/34");
    await page.getByLabel("CVC").fill("123");
    await page.getByRole("button", { name: "Pay $47.11" }).click();
    await page.waitForURL(/\?paid=/);
    const done = await h.stripe.checkout.sessions.retrieve(sessionId);
    expect(done).toMatchObject({ status: "complete", payment_status: "paid", amount_total: 4711 });
    await page.context().close();
  });
});
