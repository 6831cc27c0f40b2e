import { expect, test } from "../support/test";
import { client, register, signIn } from "../support/api";
import { e2eDb } from "../support/db";
import type { Page } from "@playwright/test";

// Issue #20: "Forgot password?" e-mails a single-use, expiring link (through the outbox the
// dev mailbox shows); the link sets a new password and signs out the account's other sessions.

const shots = "docs/screenshots";
const randomIp = () => `127.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;

/** The reset link's path from the newest reset e-mail to `email`, once the job has sent it. */
async function resetLinkFor(email: string): Promise<string> {
  let path = "";
  await expect
    .poll(
      async () => {
        const rows = await e2eDb()<{ text_body: string }[]>`
          select text_body from emails where to_address = ${email} and dedupe_key like 'password_reset:%' order by created_at desc limit 1`;
        path = /\/reset-password\?token=[A-Za-z0-9_-]+/.exec(rows[0]?.text_body ?? "")?.[0] ?? "";
        return path;
      },
      { timeout: 15_000 },
    )
    .not.toBe("");
  return path;
}

async function askForLink(page: Page, email: string) {
  await page.goto("/signin");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.getByRole("heading", { level: 1, name: "Forgot your password?" })).toBeVisible();
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("button", { name: "E-mail me a link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Check your inbox" })).toContainText(
    "If an account uses this address, we have e-mailed it a link",
  );
}

for (const device of [
  { name: "desktop", viewport: { width: 1280, height: 900 }, isMobile: false },
  { name: "mobile", viewport: { width: 390, height: 844 }, isMobile: true },
]) {
  test.describe(`password reset (${device.name})`, () => {
    test.use({
      viewport: device.viewport,
      isMobile: device.isMobile,
      hasTouch: device.isMobile,
      extraHTTPHeaders: { "X-Forwarded-For": randomIp() },
    });

    test("forgot password → e-mailed link → new password; other sessions signed out; the link works once", async ({ page }) => {
      // The account, signed in on another "device".
      const laptop = await client();
      const account = await register(laptop);
      expect((await signIn(laptop, account.email, account.password)).status()).toBeLessThan(400);
      expect((await laptop.get("/api/orders")).status()).toBe(200);

      await askForLink(page, account.email);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${shots}/forgot-password-sent-${device.name}.png` });

      const link = await resetLinkFor(account.email);
      await page.goto(link);
      await expect(page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
      await page.screenshot({ path: `${shots}/reset-password-${device.name}.png` });
      // Too short: our message, nothing sent.
      await page.getByLabel("New password").fill("short");
      await page.getByRole("button", { name: "Set new password" }).click();
      await expect(page.getByText("Use at least 8 characters").first()).toBeVisible();
      await page.getByLabel("New password").fill("a brand new password");
      await page.getByRole("button", { name: "Set new password" }).click();
      await expect(page).toHaveURL(/\/signin\?reset=1/);
      await expect(page.getByRole("status").filter({ hasText: "Your password is changed" })).toBeVisible();

      // The other device is signed out.
      expect((await laptop.get("/api/orders")).status()).toBe(401);

      // The old password no longer works; the new one does.
      const other = await client();
      expect((await signIn(other, account.email, account.password)).status()).toBeGreaterThanOrEqual(400);
      await page.getByLabel("E-mail").fill(account.email);
      await page.getByLabel("Password", { exact: true }).fill("a brand new password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page).not.toHaveURL(/\/signin/);
      expect((await page.request.get("/api/orders")).status()).toBe(200);

      // The same link again: spent.
      await page.goto(link);
      await expect(page.getByRole("heading", { level: 1, name: "This link no longer works" })).toBeVisible();
      await expect(page.getByRole("link", { name: "Send me a new link" })).toBeVisible();
      await page.screenshot({ path: `${shots}/reset-password-spent-${device.name}.png` });
    });

    test("an address without an account gets the same answer, and no e-mail", async ({ page }) => {
      const email = `nobody-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
      await askForLink(page, email);
      await page.waitForTimeout(1_000);
      const rows = await e2eDb()<{ n: number }[]>`select count(*)::int as n from emails where to_address = ${email}`;
      expect(rows[0]!.n).toBe(0);
    });
  });
}
