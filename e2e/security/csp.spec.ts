import type { Page } from "@playwright/test";
import { expect, test } from "../support/test";
import { client } from "../support/api";
import { adminContext, shopperContext } from "../support/browser";

// Issue #14 finding 10: scripts run only with the response's nonce (no 'unsafe-inline'), every
// page still renders and hydrates under that policy, and the suite's fixture (e2e/support/test.ts)
// fails a test on any CSP violation the browser reports.

const scriptSrc = (csp: string) =>
  csp
    .split(";")
    .map((d) => d.trim())
    .find((d) => d.startsWith("script-src")) ?? "";

test.describe("Content-Security-Policy", () => {
  test("script-src allows this response's nonce and no inline code; each response has a fresh nonce on every script", async () => {
    const api = await client();
    const nonces = new Set<string>();
    for (const path of ["/", "/signin", "/register", "/cart", "/no-such-page"]) {
      const response = await api.get(path);
      const csp = response.headers()["content-security-policy"] ?? "";
      const directive = scriptSrc(csp);
      expect(directive, path).not.toContain("unsafe-inline");
      expect(directive, path).not.toContain("unsafe-eval");
      const nonce = directive.match(/'nonce-([A-Za-z0-9+/=]+)'/)?.[1];
      expect(nonce, `${path}: ${directive}`).toBeTruthy();
      nonces.add(nonce!);
      const html = await response.text();
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length, path).toBeGreaterThan(0);
      expect(
        scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`)),
        path,
      ).toEqual([]);
    }
    expect(nonces.size).toBe(5);
  });

  test("an injected inline script does not run, and the fixture sees the violation", async ({ page, cspViolations }) => {
    await page.goto("/");
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.__injected = true";
      document.body.append(script);
    });
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
    expect(cspViolations.map((v) => v.text).join("\n")).toMatch(/script-src/);
    // Expected here: clear it so the fixture passes this test.
    cspViolations.length = 0;
  });

  test("every kind of page renders and hydrates under the policy", async ({ browser, page }) => {
    const hydrated = async (p: Page, path: string) => {
      const response = await p.goto(path);
      expect(response?.status(), path).toBeLessThan(500);
      await expect(p.getByRole("heading", { level: 1 }).first(), path).toBeVisible();
      // The RSC payload arrives in inline scripts; a blocked one leaves no __next_f queue.
      expect(await p.evaluate(() => Array.isArray((self as unknown as { __next_f?: unknown[] }).__next_f)), path).toBe(true);
    };
    for (const path of ["/", "/signin", "/register", "/no-such-page"]) await hydrated(page, path);
    const shopper = await shopperContext(browser, { order: true });
    const shopperPage = await shopper.context.newPage();
    for (const path of [`/books/${shopper.bookId}`, "/cart", "/checkout", "/orders", `/orders/${shopper.orderId}`, "/account"])
      await hydrated(shopperPage, path);
    // A client component works: the cart count in the header is filled in by script.
    await expect(shopperPage.getByTestId("cart-count")).toHaveText(/\d+/);
    await shopper.context.close();
    const admin = await adminContext(browser);
    const adminPage = await admin.newPage();
    for (const path of [
      "/admin/orders",
      `/admin/orders/${shopper.orderId}`,
      "/admin/stock",
      "/admin/machine",
      "/admin/sales",
      "/admin/operations",
      "/dev/mailbox",
    ]) {
      await hydrated(adminPage, path);
    }
    await admin.close();
  });
});
